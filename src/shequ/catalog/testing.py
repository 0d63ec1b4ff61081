"""Test helpers for building catalog data (used by the catalog's tests and by other apps' tests)."""

from __future__ import annotations

import itertools
from decimal import Decimal

from shequ.catalog.models import SKU, Brand, Category, Product, ProductStatus, Tag
from shequ.catalog.services import category_save, product_save, products_touch

_seq = itertools.count(1)


def make_brand(name: str = "", *, name_en: str = "", slug: str = "") -> Brand:
    n = next(_seq)
    return Brand.objects.create(name=name or f"品牌{n}", name_en=name_en or f"Brand {n}", slug=slug or f"brand-{n}")


def make_category(name: str = "", *, slug: str = "", parent: Category | None = None, name_en: str = "") -> Category:
    n = next(_seq)
    return category_save(
        category=Category(
            name=name or f"类目{n}", name_en=name_en or f"Category {n}", slug=slug or f"cat-{n}", parent=parent
        )
    )


def make_tag(slug: str, name: str = "", *, kind: str = Tag.Kind.DIETARY, name_en: str = "") -> Tag:
    tag, _ = Tag.objects.get_or_create(
        slug=slug, defaults={"name": name or slug, "name_en": name_en or slug, "kind": kind}
    )
    return tag


def make_product(
    name: str = "",
    *,
    name_en: str = "",
    brand: Brand | None = None,
    category: Category | None = None,
    status: str = ProductStatus.ON_SALE,
    skus: list[dict] | None = None,
    tags: list[Tag] | None = None,
    stock: int = 100,
    **fields,
) -> Product:
    """A product with SKUs (default: one SKU at ¥9.90) and ``stock`` units of each SKU on hand."""
    from shequ.inventory.models import StockLevel

    n = next(_seq)
    product = Product(
        name=name or f"商品{n}",
        name_en=name_en or f"Product {n}",
        slug=fields.pop("slug", f"p-{n}"),
        brand=brand or make_brand(),
        category=category or make_category(),
        status=status,
        **fields,
    )
    product_save(product=product)
    if tags:
        product.tags.set(tags)
    for index, spec in enumerate(skus or [{}]):
        spec = dict(spec)
        sku_stock = spec.pop("stock", stock)
        sku = SKU.objects.create(
            product=product,
            code=spec.pop("code", f"SKU-{n}-{index}"),
            list_price=Decimal(str(spec.pop("list_price", "9.90"))),
            position=index,
            **spec,
        )
        StockLevel.objects.create(sku=sku, on_hand=sku_stock)
    products_touch(product_ids=[product.pk])
    product.refresh_from_db()
    return product
