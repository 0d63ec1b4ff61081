"""The read-only catalog API: lists, browse/search with facets, product detail, ETags and cache headers."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shequ.catalog.models import SKU, Banner, Product, ProductStatus
from shequ.catalog.services import product_save, products_touch
from shequ.catalog.tests.test_storefront_pages import browse_queries, dairy_shop, many_products

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(django_capture_on_commit_callbacks):
    # Run the after-commit listeners (search indexing, cache refs) as a real request would see them.
    with django_capture_on_commit_callbacks(execute=True):
        return dairy_shop()


def get(api, path: str, *, lang: str | None = None, etag: str | None = None):
    headers = {}
    if lang:
        headers["Accept-Language"] = lang
    if etag:
        headers["If-None-Match"] = etag
    return api.api("get", path, headers=headers)


# --- reference lists ---------------------------------------------------------------------------------------


def test_categories_are_a_tree(anon_api, shop):
    response = get(anon_api, "/catalog/categories")

    assert response.status_code == 200
    tree = {node["slug"]: node for node in response.json()}
    assert set(tree) == {"dairy", "snacks"}
    assert [child["slug"] for child in tree["dairy"]["children"]] == ["milk", "yogurt"]
    assert tree["dairy"]["name"] == "乳品" and tree["dairy"]["icon"] == "🥛" and tree["dairy"]["url"] == "/c/dairy/"


def test_categories_in_english(anon_api, shop):
    response = get(anon_api, "/catalog/categories", lang="en")

    assert {node["name"] for node in response.json()} == {"Dairy", "Snacks"}


def test_brands_and_tags(anon_api, shop):
    brands = get(anon_api, "/catalog/brands").json()
    tags = get(anon_api, "/catalog/tags").json()

    assert [b["slug"] for b in brands] == ["pasture", "blue-river"] or {b["slug"] for b in brands} == {
        "pasture",
        "blue-river",
    }
    assert tags == [{"slug": "organic", "name": "有机", "kind": "dietary"}]


def test_banners_show_only_those_running_now(anon_api, shop):
    Banner.objects.create(title="春季上新", title_en="Spring", link="/c/dairy/", position=1)
    Banner.objects.create(title="明天开始", link="/c/dairy/", starts_at=timezone.now() + timedelta(days=1))
    Banner.objects.create(title="已停用", link="/c/dairy/", is_active=False)

    response = get(anon_api, "/catalog/banners")

    assert [b["title"] for b in response.json()] == ["春季上新"]
    assert response.json()[0]["link"] == "/c/dairy/"


# --- products: browse and search ---------------------------------------------------------------------------


def test_products_list_a_category_with_facets(anon_api, shop):
    response = get(anon_api, "/catalog/products?category=dairy&sort=price_asc")

    body = response.json()
    assert response.status_code == 200
    assert [item["slug"] for item in body["items"]] == ["plain-yogurt", "whole-milk", "oat-milk", "pure-milk"]
    assert (body["count"], body["page"], body["page_size"], body["pages"]) == (4, 1, 20, 1)
    first = body["items"][0]
    assert first["price_min"] == "12.90" and first["in_stock"] is False and first["url"] == "/p/plain-yogurt/"
    assert first["brand"] == {"slug": "pasture", "name": "牧场"}
    assert {f["value"]: f["count"] for f in body["facets"]["brand"]} == {"pasture": 2, "blue-river": 2}
    assert {f["value"]: f["count"] for f in body["facets"]["category"]} == {"milk": 3, "yogurt": 1}


def test_products_filter_by_several_brands_a_tag_price_and_stock(anon_api, shop):
    def slugs(query: str) -> set[str]:
        return {item["slug"] for item in get(anon_api, f"/catalog/products?{query}").json()["items"]}

    assert slugs("brand=pasture&brand=blue-river&category=milk") == {"pure-milk", "whole-milk", "oat-milk"}
    assert slugs("brand=pasture,blue-river&category=yogurt") == {"plain-yogurt"}
    assert slugs("tag=organic") == {"pure-milk", "oat-milk"}
    assert slugs("price_min=20&price_max=30") == {"oat-milk"}
    assert slugs("in_stock=true&category=dairy") == {"pure-milk", "whole-milk", "oat-milk"}


def test_brand_facet_marks_the_selected_brand(anon_api, shop):
    body = get(anon_api, "/catalog/products?brand=pasture").json()

    selected = {f["value"]: f["selected"] for f in body["facets"]["brand"]}
    assert selected == {"pasture": True, "blue-river": False}


def test_products_never_include_drafts_or_withdrawn(anon_api, shop):
    body = get(anon_api, "/catalog/products?page_size=60").json()

    slugs = {item["slug"] for item in body["items"]}
    assert "secret-milk" not in slugs and "old-milk" not in slugs
    assert body["count"] == 5


def test_products_pages(anon_api, shop):
    many_products(shop.snacks, shop.river, 5)

    body = get(anon_api, "/catalog/products?category=snacks&page=2&page_size=2&sort=price_asc").json()

    assert (body["count"], body["page"], body["page_size"], body["pages"]) == (6, 2, 2, 3)
    assert len(body["items"]) == 2


@pytest.mark.parametrize(
    ("params", "events"),
    [({"category": "dairy"}, 1), ({"q": "牛奶", "brand": "pasture", "sort": "price_asc"}, 2)],
)
def test_products_cost_a_fixed_number_of_queries_whatever_the_page_size(
    anon_api, shop, params, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        many_products(shop.milk, shop.pasture, 25)

    counts = {}
    for size in (2, 20):
        browse = browse_queries({**params, "page_size": str(size)})
        with CaptureQueriesContext(connection) as captured:
            response = anon_api.get("/api/v1/catalog/products", {**params, "page_size": size})
        assert len(response.json()["items"]) == size
        # the browse itself and the category_view (or search + filter_apply) event rows
        counts[size] = len(captured)
        assert counts[size] == browse + events

    assert counts[2] == counts[20]


def test_products_search_finds_milk(anon_api, shop):
    chinese = get(anon_api, "/catalog/products?q=牛奶").json()
    english = get(anon_api, "/catalog/products?q=milk", lang="en").json()

    assert {"pure-milk", "whole-milk"} <= {item["slug"] for item in chinese["items"]}
    assert "chips" not in {item["slug"] for item in chinese["items"]}
    assert {"Pure milk", "Oat milk"} <= {item["name"] for item in english["items"]}


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("price_min=-1", "invalid_filter"),
        ("price_max=abc", "invalid_filter"),
        ("page=-1", "invalid_filter"),
        ("page=0", "invalid_filter"),
        ("page=99999", "invalid_filter"),
        ("page_size=1000", "invalid_filter"),
        ("sort=random", "invalid_input"),
        ("page=abc", "invalid_input"),
        ("in_stock=perhaps", "invalid_input"),
    ],
)
def test_bad_filters_are_4xx_with_a_code(anon_api, shop, query, code):
    response = get(anon_api, f"/catalog/products?{query}")

    assert response.status_code in (400, 422)
    assert response.json()["code"] == code


def test_unknown_category_is_404(anon_api, shop):
    response = get(anon_api, "/catalog/products?category=nope")

    assert response.status_code == 404 and response.json()["code"] == "category_not_found"


@pytest.mark.parametrize(
    "q", ["x" * 10_000, "<script>alert(1)</script>", "'; DELETE FROM catalog_product; --", "牛奶' OR '1'='1"]
)
def test_hostile_and_huge_queries_are_harmless(anon_api, shop, q):
    response = anon_api.get("/api/v1/catalog/products", {"q": q})

    assert response.status_code == 200
    assert response.json()["count"] >= 0
    assert Product.objects.count() == 7


def test_search_suggestions(anon_api, shop):
    response = anon_api.get("/api/v1/catalog/search/suggest", {"q": "牛奶"})

    assert response.status_code == 200
    items = response.json()["items"]
    assert items and all({"text", "kind", "url"} <= set(item) for item in items)
    assert any("牛奶" in item["text"] for item in items)


def test_search_suggestions_for_nothing(anon_api, shop):
    response = anon_api.get("/api/v1/catalog/search/suggest", {"q": "   "})

    assert response.status_code == 200 and response.json() == {"items": []}


# --- product detail ------------------------------------------------------------------------------------------


def test_product_detail_by_slug(anon_api, shop):
    response = get(anon_api, "/catalog/products/pure-milk")

    body = response.json()
    assert response.status_code == 200
    assert body["id"] == shop.pure_milk.pk and body["name"] == "纯牛奶" and body["url"] == "/p/pure-milk/"
    assert body["brand"] == {"slug": "pasture", "name": "牧场"}
    assert [c["slug"] for c in body["category_path"]] == ["dairy", "milk"]
    assert body["tags"] == [{"slug": "organic", "name": "有机", "kind": "dietary"}]
    assert "<strong>每一滴</strong>" in body["description_html"] and "<script" not in body["description_html"]
    skus = {sku["code"]: sku for sku in body["skus"]}
    assert skus["PM-12"]["price"] == "39.90" and skus["PM-12"]["on_sale"] is False
    assert skus["PM-12"]["stock_state"] == "in_stock" and skus["PM-12"]["stock_left"] is None
    assert skus["PM-12"]["barcode"] == "6901234567892" and skus["PM-12"]["shelf_life_days"] == 180
    assert skus["PM-24"]["price"] == "59.90" and skus["PM-24"]["list_price"] == "69.90"
    assert skus["PM-24"]["on_sale"] is True and skus["PM-24"]["sale_end"] is not None
    assert skus["PM-24"]["stock_state"] == "low" and skus["PM-24"]["stock_left"] == 3
    assert body["price_min"] == "39.90" and body["in_stock"] is True
    assert body["trace"] == []  # no batches yet


def test_product_detail_by_id_is_the_same(anon_api, shop):
    by_id = get(anon_api, f"/catalog/products/{shop.pure_milk.pk}")

    assert by_id.status_code == 200 and by_id.json()["slug"] == "pure-milk"


def test_product_detail_in_english(anon_api, shop):
    body = get(anon_api, "/catalog/products/pure-milk", lang="en").json()

    assert body["name"] == "Pure milk" and body["subtitle"] == "Milk from grassland farms"
    assert body["brand"]["name"] == "Pasture"
    assert {sku["pack_size"] for sku in body["skus"]} == {"250 ml × 12", "250 ml × 24"}


@pytest.mark.parametrize("key", ["secret-milk", "old-milk", "no-such-thing", "99999999", "bad%20slug", "x" * 500])
def test_unknown_draft_and_withdrawn_products_are_404(anon_api, shop, key):
    response = get(anon_api, f"/catalog/products/{key}")

    assert response.status_code == 404
    assert response.json()["code"] == "product_not_found"


def test_product_detail_includes_the_trace_summary(anon_api, shop):
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

    trace = get(anon_api, "/catalog/products/pure-milk").json()["trace"]

    assert len(trace) == 1
    assert trace[0]["batch_no"] == "PM-20250101" and trace[0]["url"] == "/trace/PM-20250101/"
    assert trace[0]["latest_inspection"]["agency"] == "检测中心" and trace[0]["status"] == "ok"


# --- HTTP caching --------------------------------------------------------------------------------------------


def test_detail_has_a_strong_etag_and_public_cache_headers(anon_api, shop):
    response = get(anon_api, "/catalog/products/pure-milk")

    etag = response["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    assert "stale-while-revalidate=" in response["Cache-Control"]
    assert "Accept-Language" in response["Vary"]


def test_if_none_match_gets_a_304_without_a_body(anon_api, shop):
    etag = get(anon_api, "/catalog/products/pure-milk")["ETag"]

    again = get(anon_api, "/catalog/products/pure-milk", etag=etag)

    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag


def test_etag_differs_by_language(anon_api, shop):
    chinese = get(anon_api, "/catalog/products/pure-milk")["ETag"]
    english = get(anon_api, "/catalog/products/pure-milk", lang="en")["ETag"]

    assert chinese != english


def test_a_price_change_changes_the_etag_and_the_answer(anon_api, shop, django_capture_on_commit_callbacks):
    before = get(anon_api, "/catalog/products/pure-milk")
    sku = shop.pure_milk.skus.get(code="PM-12")

    with django_capture_on_commit_callbacks(execute=True):
        SKU.objects.filter(pk=sku.pk).update(list_price=Decimal("35.00"))
        products_touch(product_ids=[shop.pure_milk.pk])
    after = get(anon_api, "/catalog/products/pure-milk", etag=before["ETag"])

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert {s["code"]: s["price"] for s in after.json()["skus"]}["PM-12"] == "35.00"


def test_list_etags_change_when_the_catalog_changes(anon_api, shop, django_capture_on_commit_callbacks):
    before = get(anon_api, "/catalog/products?category=milk")
    assert get(anon_api, "/catalog/products?category=milk", etag=before["ETag"]).status_code == 304

    with django_capture_on_commit_callbacks(execute=True):
        shop.oat_milk.name = "燕麦奶 新包装"
        product_save(product=shop.oat_milk)
    after = get(anon_api, "/catalog/products?category=milk", etag=before["ETag"])

    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert "燕麦奶 新包装" in {item["name"] for item in after.json()["items"]}


def test_withdrawing_a_product_makes_its_detail_404(anon_api, shop, django_capture_on_commit_callbacks):
    assert get(anon_api, "/catalog/products/oat-milk").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        shop.oat_milk.status = ProductStatus.OFF_SALE
        product_save(product=shop.oat_milk)

    assert get(anon_api, "/catalog/products/oat-milk").status_code == 404


def test_lists_carry_cache_headers_and_answer_304(anon_api, shop):
    for path in ("/catalog/categories", "/catalog/brands", "/catalog/tags", "/catalog/banners"):
        response = get(anon_api, path)
        assert response.status_code == 200, path
        assert response["Cache-Control"].startswith("public"), path
        assert get(anon_api, path, etag=response["ETag"]).status_code == 304, path


def test_warm_detail_costs_no_query_but_the_event(anon_api, shop, django_assert_num_queries):
    get(anon_api, "/catalog/products/pure-milk")

    with django_assert_num_queries(1):  # the product_view event row (tests write events inline)
        response = get(anon_api, "/catalog/products/pure-milk")

    assert response.status_code == 200
