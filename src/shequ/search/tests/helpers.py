"""Test data for search: a small FMCG shop, filler products, hostile queries (used by search and catalog tests)."""

from __future__ import annotations

from dataclasses import dataclass

from shequ.catalog.models import Brand, Category, Product, Tag
from shequ.catalog.testing import make_brand, make_category, make_product, make_tag

NASTY = [
    "' OR 1=1 --",
    '"',
    '""',
    "*",
    "NEAR(",
    'NEAR("a" "b", 2)',
    "title:牛奶",
    "^牛奶",
    "牛奶 AND NOT 酸奶",
    "a & b | !c <-> d:*",
    "'牛奶':* & '",
    "<script>alert(1)</script>",
    "x" * 10_000,
    "🥛🥛🥛",
    "     ",
    "\x00牛奶\x00",
    "%_\\",
    "牛奶" * 5000,
]


@dataclass
class Shop:
    dairy: Category
    milk_cat: Category
    yogurt_cat: Category
    snacks: Category
    drinks: Category
    yili: Brand
    mengniu: Brand
    lays: Brand
    organic: Tag
    low_sugar: Tag
    pure_milk: Product
    whole_milk: Product
    strawberry_yogurt: Product
    oat_milk: Product
    chips: Product
    sparkling: Product
    detergent: Product


def build_shop() -> Shop:
    dairy = make_category("乳品", slug="dairy", name_en="Dairy")
    milk_cat = make_category("牛奶", slug="milk", parent=dairy, name_en="Milk")
    yogurt_cat = make_category("酸奶", slug="yogurt", parent=dairy, name_en="Yogurt")
    snacks = make_category("零食", slug="snacks", name_en="Snacks")
    drinks = make_category("饮料", slug="drinks", name_en="Drinks")
    household = make_category("家清", slug="household", name_en="Household")
    yili = make_brand("伊利", name_en="Yili", slug="yili")
    mengniu = make_brand("蒙牛", name_en="Mengniu", slug="mengniu")
    lays = make_brand("乐事", name_en="Lay's", slug="lays")
    organic = make_tag("organic", "有机", name_en="Organic")
    low_sugar = make_tag("low-sugar", "低糖", name_en="Low sugar")
    pure_milk = make_product(
        "伊利纯牛奶",
        name_en="Yili Pure Milk",
        slug="pure-milk",
        brand=yili,
        category=milk_cat,
        tags=[organic],
        subtitle="草原好奶",
        skus=[{"list_price": "39.90", "pack_size": "250ml×12"}],
        sales_count=500,
    )
    whole_milk = make_product(
        "蒙牛全脂牛奶",
        name_en="Mengniu Whole Milk",
        slug="whole-milk",
        brand=mengniu,
        category=milk_cat,
        skus=[{"list_price": "15.80", "pack_size": "1L", "stock": 0}],
        stock=0,
        sales_count=300,
    )
    strawberry_yogurt = make_product(
        "草莓味酸奶",
        name_en="Strawberry Yogurt",
        slug="strawberry-yogurt",
        brand=yili,
        category=yogurt_cat,
        tags=[low_sugar],
        skus=[{"list_price": "25.00"}],
        sales_count=800,
    )
    oat_milk = make_product(
        "燕麦奶",
        name_en="Oat Drink",
        slug="oat-milk",
        brand=mengniu,
        category=drinks,
        tags=[organic, low_sugar],
        skus=[{"list_price": "12.50"}],
        sales_count=100,
    )
    chips = make_product(
        "乐事原味薯片",
        name_en="Lay's Classic Crisps",
        slug="chips",
        brand=lays,
        category=snacks,
        skus=[{"list_price": "8.50"}],
        sales_count=2000,
    )
    sparkling = make_product(
        "白桃气泡水",
        name_en="White Peach Sparkling Water",
        slug="sparkling",
        brand=mengniu,
        category=drinks,
        skus=[{"list_price": "5.00"}],
    )
    detergent = make_product(
        "薰衣草洗衣液",
        name_en="Lavender Laundry Liquid",
        slug="detergent",
        brand=lays,
        category=household,
        skus=[{"list_price": "59.00"}],
    )
    for product in (pure_milk, whole_milk, strawberry_yogurt, oat_milk, chips, sparkling, detergent):
        product.refresh_from_db()
    return Shop(
        dairy=dairy,
        milk_cat=milk_cat,
        yogurt_cat=yogurt_cat,
        snacks=snacks,
        drinks=drinks,
        yili=yili,
        mengniu=mengniu,
        lays=lays,
        organic=organic,
        low_sugar=low_sugar,
        pure_milk=pure_milk,
        whole_milk=whole_milk,
        strawberry_yogurt=strawberry_yogurt,
        oat_milk=oat_milk,
        chips=chips,
        sparkling=sparkling,
        detergent=detergent,
    )


def filler_products(count: int) -> list[Product]:
    """Products that share no word with the shop above (so common words keep a positive IDF)."""
    category = make_category("杂货", slug="misc", name_en="Misc")
    brand = make_brand("杂牌", name_en="Misc Brand", slug="misc-brand")
    names = ["木质衣架", "陶瓷花盆", "帆布背包", "不锈钢杯", "竹制筷子", "棉质毛巾", "玻璃花瓶", "铁艺书架"]
    return [
        make_product(names[i % len(names)], name_en=f"Home goods {i}", brand=brand, category=category)
        for i in range(count)
    ]
