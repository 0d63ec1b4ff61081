"""The storefront pages: home, categories, category listings with filters, search, product and variant switch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shequ.catalog.browse import parse_browse_query, product_browse
from shequ.catalog.models import SKU, Banner, Brand, Category, Product, ProductStatus, Tag
from shequ.catalog.services import product_save, products_touch
from shequ.catalog.testing import make_brand, make_category, make_product, make_tag

pytestmark = pytest.mark.django_db


@dataclass
class Shop:
    dairy: Category
    milk: Category
    yogurt: Category
    snacks: Category
    pasture: Brand
    river: Brand
    organic: Tag
    pure_milk: Product
    whole_milk: Product
    oat_milk: Product
    yogurt_cup: Product
    chips: Product
    draft: Product
    withdrawn: Product


def dairy_shop() -> Shop:
    """A small shop: dairy (milk, yogurt) and snacks, two brands, a draft and a withdrawn product."""
    dairy = make_category("乳品", slug="dairy", name_en="Dairy")
    dairy.icon = "🥛"
    dairy.save(update_fields=["icon"])
    milk = make_category("牛奶", slug="milk", parent=dairy, name_en="Milk")
    yogurt = make_category("酸奶", slug="yogurt", parent=dairy, name_en="Yogurt")
    snacks = make_category("零食", slug="snacks", name_en="Snacks")
    pasture = make_brand("牧场", name_en="Pasture", slug="pasture")
    river = make_brand("蓝河", name_en="Blue River", slug="blue-river")
    organic = make_tag("organic", "有机", name_en="Organic")
    pure_milk = make_product(
        "纯牛奶",
        name_en="Pure milk",
        slug="pure-milk",
        brand=pasture,
        category=milk,
        tags=[organic],
        subtitle="草原牧场的好奶",
        subtitle_en="Milk from grassland farms",
        description="**每一滴**都来自草原。<script>alert(1)</script>",
        is_featured=True,
        skus=[
            {
                "code": "PM-12",
                "flavour": "原味",
                "flavour_en": "Original",
                "pack_size": "250ml×12",
                "pack_size_en": "250 ml × 12",
                "list_price": "39.90",
                "barcode": "6901234567892",
                "weight_grams": 3200,
                "shelf_life_days": 180,
            },
            {
                "code": "PM-24",
                "flavour": "原味",
                "flavour_en": "Original",
                "pack_size": "250ml×24",
                "pack_size_en": "250 ml × 24",
                "list_price": "69.90",
                "sale_price": "59.90",
                "sale_end": timezone.now() + timedelta(days=3),
                "stock": 3,
            },
        ],
    )
    whole_milk = make_product(
        "全脂牛奶",
        name_en="Whole milk",
        slug="whole-milk",
        brand=river,
        category=milk,
        skus=[
            {"code": "WM-1", "pack_size": "1L", "list_price": "15.80"},
            {"code": "WM-2", "pack_size": "1L×2", "list_price": "29.90", "stock": 0},
        ],
    )
    oat_milk = make_product(
        "燕麦奶",
        name_en="Oat milk",
        slug="oat-milk",
        brand=river,
        category=milk,
        tags=[organic],
        skus=[{"code": "OM-1", "list_price": "25.00"}],
    )
    yogurt_cup = make_product(
        "原味酸奶",
        name_en="Plain yogurt",
        slug="plain-yogurt",
        brand=pasture,
        category=yogurt,
        skus=[{"code": "YG-1", "list_price": "12.90", "stock": 0}],
    )
    chips = make_product(
        "薯片",
        name_en="Potato chips",
        slug="chips",
        brand=river,
        category=snacks,
        skus=[{"code": "CH-1", "list_price": "8.50"}],
    )
    draft = make_product(
        "新品牛奶", name_en="Secret milk", slug="secret-milk", brand=pasture, category=milk, status=ProductStatus.DRAFT
    )
    withdrawn = make_product(
        "停售牛奶", name_en="Old milk", slug="old-milk", brand=pasture, category=milk, status=ProductStatus.OFF_SALE
    )
    return Shop(
        dairy,
        milk,
        yogurt,
        snacks,
        pasture,
        river,
        organic,
        pure_milk,
        whole_milk,
        oat_milk,
        yogurt_cup,
        chips,
        draft,
        withdrawn,
    )


@pytest.fixture
def shop(django_capture_on_commit_callbacks) -> Shop:
    # Run the after-commit listeners (search indexing, cache refs) as a real request would see them.
    with django_capture_on_commit_callbacks(execute=True):
        return dairy_shop()


def many_products(category: Category, brand: Brand, n: int) -> list[Product]:
    return [
        make_product(
            f"牛奶{i}号", category=category, brand=brand, slug=f"milk-{i}", skus=[{"list_price": f"{10 + i}.00"}]
        )
        for i in range(n)
    ]


def html(response) -> str:
    return response.content.decode()


def browse_queries(params: dict, *, category: str = "") -> int:
    """What catalog.browse.product_browse costs for these parameters (the search module's part; measured here so
    these tests pin down what the pages add to it)."""
    query = parse_browse_query(params, category=category)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        product_browse(query=query)
    cache.clear()
    return len(captured)


def queries_for(client, url: str, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **kwargs)
    assert response.status_code == 200, html(response)[:500]
    return len(captured)


# --- home ---------------------------------------------------------------------------------------------------


def test_home_shows_banners_categories_and_shelves(client, shop):
    Banner.objects.create(title="春季上新", link="/c/dairy/", position=1)
    Banner.objects.create(title="已结束", link="/c/snacks/", ends_at=timezone.now() - timedelta(days=1))

    response = client.get("/")

    page = html(response)
    assert response.status_code == 200
    assert "春季上新" in page and "已结束" not in page
    assert 'href="/c/dairy/"' in page and 'href="/c/snacks/"' in page
    assert 'data-testid="shelf-featured"' in page and "纯牛奶" in page
    assert 'data-testid="shelf-new"' in page and 'data-testid="shelf-best"' in page
    assert "/p/pure-milk/?from=home" in page
    assert "¥39.90" in page
    assert 'data-testid="home-login"' in page  # anonymous visitors are invited to log in


def test_a_banner_link_that_is_not_a_web_address_is_not_rendered(client, shop):
    Banner.objects.create(title="坏链接", link="javascript:alert(1)")

    page = html(client.get("/"))

    assert "javascript:" not in page and "坏链接" in page


def test_home_never_shows_drafts_or_withdrawn_products(client, shop):
    page = html(client.get("/"))

    assert "新品牛奶" not in page and "停售牛奶" not in page


def test_home_costs_a_fixed_number_of_queries_and_none_when_cached(client, shop):
    # banners, top categories, 3 shelves × (products + images), and the page_view event row
    cold = queries_for(client, "/")
    warm = queries_for(client, "/")

    assert cold == 9
    assert warm == 1  # just the page_view event (tests write events inline)


def test_home_in_english_uses_english_names(client, shop):
    page = html(client.get("/", headers={"Accept-Language": "en"}))

    assert "Pure milk" in page and "Dairy" in page
    assert "纯牛奶" not in page


# --- categories ------------------------------------------------------------------------------------------


def test_categories_page_lists_the_tree(client, shop):
    page = html(client.get("/c/"))

    assert 'data-testid="category-tree"' in page
    assert "乳品" in page and "牛奶" in page and "酸奶" in page and "零食" in page


def test_category_page_lists_the_category_and_its_sub_categories(client, shop):
    response = client.get("/c/dairy/")

    page = html(response)
    assert response.status_code == 200
    assert "纯牛奶" in page and "全脂牛奶" in page and "燕麦奶" in page and "原味酸奶" in page
    assert "薯片" not in page and "新品牛奶" not in page and "停售牛奶" not in page
    assert 'data-testid="subcategories"' in page and 'href="/c/milk/"' in page and 'href="/c/yogurt/"' in page
    assert 'data-count="4"' in page
    assert "/p/pure-milk/?from=category" in page


def test_category_page_shows_the_breadcrumb(client, shop):
    page = html(client.get("/c/milk/"))

    assert 'href="/c/dairy/"' in page and 'data-testid="listing-title"' in page


def test_category_filters_by_brand(client, shop):
    page = html(client.get("/c/milk/?brand=blue-river"))

    assert "全脂牛奶" in page and "燕麦奶" in page
    assert "纯牛奶" not in page
    assert 'value="blue-river" checked' in page
    assert 'data-testid="active-filter"' in page


def test_category_filters_by_tag_price_and_stock_and_sorts(client, shop):
    assert "燕麦奶" in html(client.get("/c/dairy/?tag=organic")) and "全脂牛奶" not in html(
        client.get("/c/dairy/?tag=organic")
    )

    cheap = html(client.get("/c/dairy/?price_max=20"))
    assert "原味酸奶" in cheap and "全脂牛奶" in cheap and "燕麦奶" not in cheap

    stocked = html(client.get("/c/dairy/?in_stock=1"))
    assert "原味酸奶" not in stocked and "纯牛奶" in stocked

    by_price = html(client.get("/c/dairy/?sort=price_asc"))
    assert by_price.index("原味酸奶") < by_price.index("全脂牛奶") < by_price.index("燕麦奶")


def test_a_filter_change_by_htmx_returns_the_results_and_the_facets_out_of_band(client, shop):
    response = client.get("/c/milk/?brand=pasture", headers={"HX-Request": "true", "HX-Target": "results"})

    page = html(response)
    assert response.status_code == 200
    assert "<html" not in page
    assert 'id="results"' in page and "纯牛奶" in page and "全脂牛奶" not in page
    assert 'id="facets" class="facets" hx-swap-oob="true"' in page
    assert "HX-Request" in response["Vary"]


def test_load_more_returns_only_the_next_cards(client, shop):
    many_products(shop.snacks, shop.river, 5)

    first = html(client.get("/c/snacks/?page_size=2&sort=price_asc"))
    more = client.get(
        "/c/snacks/?page_size=2&sort=price_asc&page=2", headers={"HX-Request": "true", "HX-Target": "load-more"}
    )

    assert 'data-testid="load-more"' in first and "page=2" in first
    page = html(more)
    assert 'id="results"' not in page and "<html" not in page
    assert page.count('data-testid="product-card"') == 2
    assert "page=3" in page  # the next "load more"


def test_category_page_costs_a_fixed_number_of_queries_whatever_the_page_size(
    client, shop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        many_products(shop.milk, shop.river, 25)

    counts = {}
    for size in (2, 20):
        browse = browse_queries({"page_size": str(size)}, category="milk")
        counts[size] = queries_for(client, f"/c/milk/?page_size={size}")
        # the browse itself, the breadcrumb, and the page_view + category_view event rows
        assert counts[size] == browse + 3

    assert counts[2] == counts[20]


def test_unknown_category_is_404(client, shop):
    response = client.get("/c/no-such-category/")

    assert response.status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        "price_min=-1",
        "price_min=abc",
        "price_max=1e400",
        "page=-1",
        "page=0",
        "page=100000",
        "sort=drop",
        "page_size=0",
        "page_size=5000",
    ],
)
def test_bad_filters_are_a_4xx_page_not_a_500(client, shop, params):
    response = client.get(f"/c/dairy/?{params}")

    assert response.status_code == 400
    assert "<html" in html(response)


def test_a_bad_filter_in_an_htmx_request_is_shown_inside_the_results(client, shop):
    response = client.get("/c/dairy/?price_min=-5", headers={"HX-Request": "true", "HX-Target": "results"})

    assert response.status_code == 400
    assert 'data-testid="listing-error"' in html(response) and "<html" not in html(response)


# --- search ----------------------------------------------------------------------------------------------


def test_search_page_without_a_query_suggests_categories_and_products(client, shop):
    page = html(client.get("/search/"))

    assert 'data-testid="search-input"' in page
    assert 'data-testid="popular-categories"' in page and 'data-testid="suggested-products"' in page


def test_search_by_brand_lists_the_brand(client, shop):
    page = html(client.get("/search/?brand=pasture"))

    assert "纯牛奶" in page and "原味酸奶" in page and "全脂牛奶" not in page


def test_search_with_no_results_helps(client, shop):
    response = client.get("/search/?q=zzzqqqxxx")

    page = html(response)
    assert response.status_code == 200
    assert 'data-testid="no-results"' in page and 'data-count="0"' in page
    assert 'data-testid="popular-categories"' in page and 'data-testid="suggested-products"' in page


def test_search_finds_milk_in_chinese_and_english(client, shop):
    chinese = html(client.get("/search/?q=牛奶"))
    english = html(client.get("/search/?q=milk", headers={"Accept-Language": "en"}))

    assert "纯牛奶" in chinese and "全脂牛奶" in chinese and "薯片" not in chinese
    assert "/p/pure-milk/?from=search&amp;q=%E7%89%9B%E5%A5%B6&amp;pos=" in chinese
    assert "Pure milk" in english and "Oat milk" in english and "Potato chips" not in english


@pytest.mark.parametrize(
    "q",
    ["牛" * 10_000, "<script>alert('x')</script>", "'; DROP TABLE catalog_product; --", '" OR 1=1 --', "%00\\", "  "],
)
def test_hostile_or_huge_queries_are_safe(client, shop, q):
    response = client.get("/search/", {"q": q})

    page = html(response)
    assert response.status_code == 200
    assert "<script>alert(" not in page
    assert Product.objects.count() == 7


def test_search_page_costs_a_fixed_number_of_queries_whatever_the_page_size(
    client, shop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        many_products(shop.milk, shop.pasture, 25)

    counts = {}
    for size in (2, 20):
        browse = browse_queries({"q": "牛奶", "brand": "pasture", "page_size": str(size)})
        counts[size] = queries_for(client, f"/search/?q=牛奶&brand=pasture&page_size={size}")
        # the browse (search included) and the page_view, search and filter_apply event rows
        assert counts[size] == browse + 3

    assert counts[2] == counts[20]


def test_search_suggestions_fragment(client, shop):
    response = client.get("/search/suggest/?q=牛奶")

    page = html(response)
    assert response.status_code == 200
    assert "<html" not in page
    assert 'data-testid="suggestion"' in page and "牛奶" in page


def test_search_suggestions_for_nothing_are_empty(client, shop):
    response = client.get("/search/suggest/?q=")

    assert response.status_code == 200
    assert 'data-testid="suggestion"' not in html(response)


# --- product ---------------------------------------------------------------------------------------------


def test_product_page_shows_the_product(client, shop):
    response = client.get("/p/pure-milk/")

    page = html(response)
    assert response.status_code == 200
    assert 'data-testid="product-name">纯牛奶<' in page
    assert "草原牧场的好奶" in page
    assert 'data-testid="price">¥39.90<' in page
    assert 'data-state="in_stock"' in page
    assert "<strong>每一滴</strong>" in page and "<script>alert(1)" not in page  # sanitised description
    assert page.count('data-testid="variant-option"') == 3  # flavour: 原味; pack size: ×12, ×24
    assert 'data-testid="barcode">6901234567892<' in page
    assert 'data-testid="add-to-cart"' in page
    assert 'data-testid="reviews-section"' in page and 'data-testid="qa-section"' in page
    assert 'href="/c/dairy/"' in page and 'href="/c/milk/"' in page
    assert '<link rel="canonical" href="/p/pure-milk/">' in page


def test_product_page_with_a_sku_shows_its_sale_price_stock_and_sale_end(client, shop):
    sku = shop.pure_milk.skus.get(code="PM-24")

    page = html(client.get(f"/p/pure-milk/?sku={sku.pk}"))

    assert 'data-testid="price">¥59.90<' in page
    assert 'data-testid="list-price"' in page and "¥69.90" in page
    assert 'data-testid="sale-end"' in page
    assert 'data-state="low"' in page
    assert f'name="sku" value="{sku.pk}"' in page


def test_variant_switch_returns_the_variant_panel_only(client, shop):
    sku = shop.pure_milk.skus.get(code="PM-24")

    response = client.get(f"/p/pure-milk/variant/{sku.pk}/", headers={"HX-Request": "true"})

    page = html(response)
    assert response.status_code == 200
    assert "<html" not in page and page.lstrip().startswith('<section id="variant"')
    assert 'data-testid="price">¥59.90<' in page and 'data-state="low"' in page
    assert f'name="sku" value="{sku.pk}"' in page


def test_variant_switch_without_htmx_goes_to_the_product_page(client, shop):
    sku = shop.pure_milk.skus.get(code="PM-24")

    response = client.get(f"/p/pure-milk/variant/{sku.pk}/")

    assert response.status_code == 302 and response["Location"] == f"/p/pure-milk/?sku={sku.pk}"


def test_a_sku_of_another_product_is_404(client, shop):
    other = shop.oat_milk.skus.first()

    response = client.get(f"/p/pure-milk/variant/{other.pk}/", headers={"HX-Request": "true"})

    assert response.status_code == 404


def test_an_unknown_sku_parameter_falls_back_to_the_default_variant(client, shop):
    page = html(client.get("/p/pure-milk/?sku=999999"))

    assert 'data-testid="price">¥39.90<' in page


def test_out_of_stock_variant_says_so(client, shop):
    sku = shop.whole_milk.skus.get(code="WM-2")

    page = html(client.get(f"/p/whole-milk/?sku={sku.pk}"))

    assert 'data-state="out"' in page


def test_product_by_id_redirects_to_its_slug(client, shop):
    response = client.get(f"/p/{shop.pure_milk.pk}/?from=home")

    assert response.status_code == 301 and response["Location"] == "/p/pure-milk/?from=home"


@pytest.mark.parametrize("slug", ["secret-milk", "old-milk", "no-such-product"])
def test_drafts_withdrawn_and_unknown_products_are_404(client, shop, slug):
    response = client.get(f"/p/{slug}/")

    assert response.status_code == 404


def test_product_page_in_english(client, shop):
    page = html(client.get("/p/pure-milk/", headers={"Accept-Language": "en"}))

    assert "Pure milk" in page and "Milk from grassland farms" in page and "250 ml × 12" in page
    assert "Blue River" not in page


def test_product_page_is_served_from_the_cache_once_rendered(client, shop):
    # product, SKUs, images, tags, category path, stock, trace batches (+ their reports), and 2 event rows
    cold = queries_for(client, "/p/pure-milk/")
    warm = queries_for(client, "/p/pure-milk/")

    assert cold <= 11
    assert warm == 2  # page_view and product_view event rows only


def test_a_price_change_shows_on_the_product_page_at_once(client, shop, django_capture_on_commit_callbacks):
    assert "¥39.90" in html(client.get("/p/pure-milk/"))
    sku = shop.pure_milk.skus.get(code="PM-12")

    with django_capture_on_commit_callbacks(execute=True):
        SKU.objects.filter(pk=sku.pk).update(list_price=Decimal("35.00"))
        products_touch(product_ids=[shop.pure_milk.pk])

    page = html(client.get("/p/pure-milk/"))
    assert 'data-testid="price">¥35.00<' in page


def test_taking_a_product_off_sale_hides_its_page(client, shop, django_capture_on_commit_callbacks):
    assert client.get("/p/oat-milk/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        shop.oat_milk.status = ProductStatus.OFF_SALE
        product_save(product=shop.oat_milk)

    assert client.get("/p/oat-milk/").status_code == 404


def test_pages_vary_on_language_and_cookie_and_are_privately_cacheable(client, shop):
    for url in ("/", "/c/dairy/", "/search/?q=milk", "/p/pure-milk/"):
        response = client.get(url)
        vary = response["Vary"]
        assert "Accept-Language" in vary and "Cookie" in vary, url
        assert response["Cache-Control"].startswith("private"), url


def test_product_page_links_to_the_trace_pages_of_recent_batches(client, shop):
    from shequ.catalog.models import InspectionReport, ProductionBatch

    today = timezone.localdate()
    batch = ProductionBatch.objects.create(
        sku=shop.pure_milk.skus.first(),
        batch_no="PM-20250101",
        production_date=today - timedelta(days=5),
        expiry_date=today + timedelta(days=175),
        factory="一厂",
        origin="内蒙古",
    )
    InspectionReport.objects.create(
        batch=batch, agency="检测中心", report_no="R-1", inspected_on=today, result="passed"
    )

    page = html(client.get("/p/pure-milk/"))

    assert 'data-testid="trace-section"' in page
    assert 'href="/trace/PM-20250101/"' in page
