"""A shopper finds milk, narrows by brand, opens a product, picks another pack size and checks its batch.

Phone-sized headless Chromium against the live server. Elements are found by data-testid or field name, never by
translated text; product names (data) are matched as they are stored.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from shequ.analytics.models import Event
from shequ.catalog.testing import make_brand, make_category, make_product, make_tag
from shequ.catalog.trace import trace_today
from shequ.catalog.trace_services import batch_create, report_add

pytestmark = pytest.mark.browser

BATCH_NO = "PM-20250301"


def path_is(path: str) -> re.Pattern[str]:
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


@pytest.fixture
def dairy(transactional_db):
    """Two brands of milk, two SKUs each, and a production batch with an inspection report."""
    dairy = make_category("乳品", slug="dairy", name_en="Dairy")
    milk = make_category("牛奶", slug="milk", parent=dairy, name_en="Milk")
    snacks = make_category("零食", slug="snacks", name_en="Snacks")
    pasture = make_brand("牧场", name_en="Pasture", slug="pasture")
    river = make_brand("蓝河", name_en="Blue River", slug="blue-river")
    organic = make_tag("organic", "有机", name_en="Organic")
    pure = make_product(
        "纯牛奶",
        name_en="Pure milk",
        slug="pure-milk",
        brand=pasture,
        category=milk,
        tags=[organic],
        subtitle="草原牧场的好奶",
        subtitle_en="Milk from grassland farms",
        sales_count=500,
        skus=[
            {
                "code": "PM-12",
                "flavour": "原味",
                "flavour_en": "Original",
                "pack_size": "250ml×12",
                "pack_size_en": "250 ml × 12",
                "list_price": "39.90",
                "stock": 80,
            },
            {
                "code": "PM-24",
                "flavour": "原味",
                "flavour_en": "Original",
                "pack_size": "250ml×24",
                "pack_size_en": "250 ml × 24",
                "list_price": "69.90",
                "sale_price": "59.90",
                "stock": 3,
            },
        ],
    )
    make_product(
        "全脂牛奶",
        name_en="Whole milk",
        slug="whole-milk",
        brand=river,
        category=milk,
        sales_count=300,
        skus=[
            {"code": "WM-1", "pack_size": "1L", "list_price": "15.80"},
            {"code": "WM-2", "pack_size": "1L×2", "list_price": "29.90"},
        ],
    )
    make_product(
        "燕麦奶",
        name_en="Oat milk",
        slug="oat-milk",
        brand=river,
        category=milk,
        skus=[
            {"code": "OM-1", "pack_size": "1L", "list_price": "25.00"},
            {"code": "OM-2", "pack_size": "1L×6", "list_price": "139.00"},
        ],
    )
    make_product(
        "薯片",
        name_en="Potato chips",
        slug="chips",
        brand=river,
        category=snacks,
        skus=[{"code": "CH-1", "list_price": "8.50"}, {"code": "CH-2", "list_price": "15.00"}],
    )
    batch = batch_create(
        sku=pure.skus.get(code="PM-24"),
        batch_no=BATCH_NO,
        production_date=trace_today() - timedelta(days=10),
        expiry_date=trace_today() + timedelta(days=170),
        factory="呼伦贝尔第一工厂",
        origin="内蒙古呼伦贝尔",
    )
    report_add(
        batch=batch,
        agency="国家乳制品质量检验中心",
        report_no="RPT-2025-001",
        inspected_on=trace_today() - timedelta(days=8),
        result="passed",
    )
    return pure


def card_names(page) -> list[str]:
    return page.locator("#results").get_by_test_id("card-name").all_inner_texts()


def test_search_filter_open_switch_variant_and_trace(page, expect, dairy):
    pure = dairy
    big_pack = pure.skus.get(code="PM-24")

    # Search from the top bar of the home page.
    page.goto("/")
    page.get_by_test_id("topbar-search").fill("牛奶")
    page.get_by_test_id("topbar-search").press("Enter")
    expect(page).to_have_url(path_is("/search/"))
    expect(page.get_by_test_id("search-input")).to_have_value("牛奶")
    expect(page.get_by_test_id("result-count")).to_have_attribute("data-count", "3")
    names = card_names(page)
    assert {"纯牛奶", "全脂牛奶", "燕麦奶"} == set(names)

    # Filter by brand: HTMX swaps the results in place and the URL follows.
    page.evaluate("window.__stayed = true")
    page.get_by_test_id("filter-toggle").click()
    page.locator("input[name=brand][value=pasture]").check()
    expect(page.get_by_test_id("result-count")).to_have_attribute("data-count", "1")
    page.get_by_test_id("filter-apply").click()  # closes the filter sheet over the results
    expect(page.get_by_test_id("filter-sheet")).not_to_have_attribute("open", "")
    expect(page).to_have_url(re.compile(r"/search/\?.*brand=pasture"))
    assert card_names(page) == ["纯牛奶"]
    expect(page.get_by_test_id("active-filter")).to_have_count(1)
    assert page.evaluate("window.__stayed") is True  # no full reload

    # Open the product from the results.
    page.locator("#results").get_by_test_id("product-card").first.click()
    expect(page).to_have_url(path_is("/p/pure-milk/"))
    expect(page.get_by_test_id("product-name")).to_have_text("纯牛奶")
    expect(page.get_by_test_id("price")).to_have_text("¥39.90")
    expect(page.get_by_test_id("stock-state")).to_have_attribute("data-state", "in_stock")
    expect(page.get_by_test_id("list-price")).to_have_count(0)
    expect(page.get_by_test_id("add-to-cart")).to_be_visible()

    # Pick the 24-pack: price, stock and the selected SKU change without a reload.
    page.evaluate("window.__stayed = true")
    page.locator(f'[data-testid=variant-option][data-sku="{big_pack.pk}"]').first.click()
    expect(page.get_by_test_id("price")).to_have_text("¥59.90")
    expect(page.get_by_test_id("list-price")).to_contain_text("¥69.90")
    expect(page.get_by_test_id("stock-state")).to_have_attribute("data-state", "low")
    expect(page.get_by_test_id("selected-sku")).to_have_value(str(big_pack.pk))
    expect(page).to_have_url(re.compile(rf"/p/pure-milk/\?sku={big_pack.pk}$"))
    assert page.evaluate("window.__stayed") is True

    # The trace section links to the batch's public trace page.
    page.get_by_test_id("trace-summary-batch").first.click()
    expect(page).to_have_url(path_is(f"/trace/{BATCH_NO}/"))
    expect(page.get_by_test_id("trace-batch-no")).to_contain_text(BATCH_NO)

    # What the shopper did was recorded.
    search = Event.objects.filter(name="search", properties__q="牛奶").order_by("id").first()
    assert search is not None and search.properties["result_count"] == 3
    assert Event.objects.filter(name="filter_apply", properties__filters__brand=["pasture"]).exists()
    click = Event.objects.get(name="search_click")
    assert click.properties == {"q": "牛奶", "product_id": pure.pk, "position": 1}
    assert Event.objects.filter(name="variant_select", properties__sku_id=big_pack.pk).exists()


def test_an_english_shopper_searches_in_english(page, expect, dairy):
    page.goto("/")
    page.get_by_test_id("lang-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_test_id("topbar-search").fill("milk")
    page.get_by_test_id("topbar-search").press("Enter")
    expect(page).to_have_url(path_is("/search/"))
    expect(page.get_by_test_id("result-count")).not_to_have_attribute("data-count", "0")
    names = set(card_names(page))
    assert {"Pure milk", "Whole milk", "Oat milk"} <= names
    assert "Potato chips" not in names

    # The product page speaks English too.
    page.locator("#results").get_by_test_id("product-card").filter(has_text="Pure milk").click()
    expect(page.get_by_test_id("product-name")).to_have_text("Pure milk")
    expect(page.locator("[data-testid=variant-option]").filter(has_text="250 ml × 24")).to_have_count(1)


def test_category_filters_and_load_more(page, expect, dairy):
    page.goto("/c/dairy/")
    expect(page.get_by_test_id("result-count")).to_have_attribute("data-count", "3")

    page.get_by_test_id("sort").select_option("price_asc")
    expect(page).to_have_url(re.compile(r"/c/dairy/\?sort=price_asc"))
    expect(page.locator("#results").get_by_test_id("card-name").first).to_have_text("全脂牛奶")

    page.goto("/c/dairy/?page_size=2&sort=price_asc")
    expect(page.get_by_test_id("product-card")).to_have_count(2)
    page.get_by_test_id("load-more").click()
    expect(page.get_by_test_id("product-card")).to_have_count(3)
    expect(page.get_by_test_id("load-more")).to_have_count(0)
