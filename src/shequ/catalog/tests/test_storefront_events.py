"""Behaviour events from the storefront pages and the catalog API (tests write events inline)."""

from __future__ import annotations

import pytest

from shequ.analytics.models import Event
from shequ.catalog.tests.test_storefront_pages import dairy_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(django_capture_on_commit_callbacks):
    # Run the after-commit listeners (search indexing, cache refs) as a real request would see them.
    with django_capture_on_commit_callbacks(execute=True):
        return dairy_shop()


def events(name: str) -> list[Event]:
    return list(Event.objects.filter(name=name).order_by("id"))


def test_opening_a_product_records_a_direct_view_of_its_default_sku(client, shop):
    client.get("/p/pure-milk/")

    [view] = events("product_view")
    default_sku = shop.pure_milk.skus.get(code="PM-12")
    assert view.properties == {"product_id": shop.pure_milk.pk, "sku_id": default_sku.pk, "source": "direct"}
    assert view.anonymous_id  # the visitor cookie the middleware set
    assert events("search_click") == []


def test_a_click_from_search_results_records_the_click_and_the_view(client, shop):
    client.get("/p/pure-milk/?from=search&q=牛奶&pos=3")

    [click] = events("search_click")
    [view] = events("product_view")
    assert click.properties == {"q": "牛奶", "product_id": shop.pure_milk.pk, "position": 3}
    assert view.properties["source"] == "search" and view.properties["q"] == "牛奶" and view.properties["position"] == 3


def test_a_view_from_a_category_or_home_records_its_source(client, shop):
    client.get("/p/oat-milk/?from=category")
    client.get("/p/oat-milk/?from=home")
    client.get("/p/oat-milk/?from=<bad>")

    assert [e.properties["source"] for e in events("product_view")] == ["category", "home", "direct"]


def test_a_logged_in_view_is_recorded_for_the_user(web_client, user, shop):
    web_client.get("/p/oat-milk/")

    [view] = events("product_view")
    assert view.user_id == user.pk


def test_a_category_page_records_the_view_and_the_filters(client, shop):
    client.get("/c/milk/?brand=blue-river&in_stock=1&sort=price_asc")

    [view] = events("category_view")
    [applied] = events("filter_apply")
    filters = {"brand": ["blue-river"], "in_stock": True}
    assert view.properties == {"category": "milk", "filters": filters, "sort": "price_asc", "result_count": 2}
    assert applied.properties == {
        "context": "category",
        "category": "milk",
        "q": "",
        "filters": filters,
        "sort": "price_asc",
        "result_count": 2,
    }


def test_a_plain_category_page_is_not_a_filter(client, shop):
    client.get("/c/milk/")

    assert len(events("category_view")) == 1 and events("filter_apply") == []


def test_load_more_is_not_another_category_view(client, shop):
    client.get("/c/dairy/?page=2&page_size=2", headers={"HX-Request": "true", "HX-Target": "load-more"})

    assert events("category_view") == []


def test_a_search_records_the_query_its_result_count_filters_page_and_sort(client, shop):
    client.get("/search/?q=zzzqqq&brand=pasture&sort=newest")

    [search] = events("search")
    assert search.properties == {
        "q": "zzzqqq",
        "result_count": 0,
        "filters": {"brand": ["pasture"]},
        "page": 1,
        "sort": "newest",
    }


def test_a_cached_search_is_still_recorded(client, shop):
    client.get("/search/?q=zzzqqq")
    client.get("/search/?q=zzzqqq")

    assert len(events("search")) == 2


def test_switching_variant_records_it(client, shop):
    sku = shop.pure_milk.skus.get(code="PM-24")

    client.get(f"/p/pure-milk/variant/{sku.pk}/", headers={"HX-Request": "true"})

    [select] = events("variant_select")
    assert select.properties == {"product_id": shop.pure_milk.pk, "sku_id": sku.pk}


def test_api_product_view_uses_the_bearer_user(user_api, user, shop):
    user_api.api("get", "/catalog/products/pure-milk?from=search&q=milk&pos=1")

    [view] = events("product_view")
    [click] = events("search_click")
    assert view.user_id == user.pk and click.user_id == user.pk
    assert click.properties == {"q": "milk", "product_id": shop.pure_milk.pk, "position": 1}


def test_api_product_view_uses_the_anonymous_id_header(anon_api, shop):
    anon_api.api("get", "/catalog/products/oat-milk", headers={"X-Anonymous-Id": "app-visitor-1"})

    [view] = events("product_view")
    assert view.user_id is None and view.anonymous_id == "app-visitor-1"
    assert view.properties["sku_id"] == shop.oat_milk.skus.get().pk


def test_api_conditional_get_still_counts_as_a_view(anon_api, shop):
    etag = anon_api.api("get", "/catalog/products/oat-milk")["ETag"]

    response = anon_api.api("get", "/catalog/products/oat-milk", headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert len(events("product_view")) == 2


def test_api_search_records_the_search(anon_api, shop):
    anon_api.api("get", "/catalog/products?q=zzzqqq&page_size=5", headers={"X-Anonymous-Id": "app-visitor-2"})

    [search] = events("search")
    assert search.anonymous_id == "app-visitor-2"
    assert search.properties == {"q": "zzzqqq", "result_count": 0, "filters": {}, "page": 1, "sort": "relevance"}


def test_a_404_records_no_product_view(client, shop):
    client.get("/p/secret-milk/")

    assert events("product_view") == []
