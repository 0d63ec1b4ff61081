"""product_browse with a text query: relevance with filters, facet counts, sorting, pages, caching, query counts,
"no results" help — the search half of browse.py, on whichever database the suite runs on."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from shequ.catalog.browse import BrowseQuery, parse_browse_query, product_browse
from shequ.catalog.models import SKU, Product
from shequ.catalog.services import products_touch
from shequ.catalog.testing import make_product
from shequ.core.errors import InvalidInput, NotFound
from shequ.search.tests.helpers import NASTY, build_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def shop(committed):
    with committed():
        return build_shop()


def browse(**fields) -> object:
    return product_browse(query=BrowseQuery(**fields))


def slugs(result) -> list[str]:
    return [p.slug for p in result.products]


def facet(result, name: str) -> dict[str, int]:
    return {f.value: f.count for f in result.facets.get(name, [])}


# --- filters and facets --------------------------------------------------------------------------------------


def test_search_results_come_with_facets_for_every_filter(shop):
    result = browse(q="奶")

    assert set(slugs(result)) == {"pure-milk", "whole-milk", "strawberry-yogurt", "oat-milk"}
    assert result.count == 4 and result.pages == 1
    assert facet(result, "brand") == {"yili": 2, "mengniu": 2}
    assert facet(result, "category") == {"dairy": 3, "drinks": 1}
    assert facet(result, "tag") == {"organic": 2, "low-sugar": 2}
    assert facet(result, "price") == {"0-19.99": 2, "20-49.99": 2}
    assert facet(result, "stock") == {"1": 3}  # whole milk is sold out


def test_each_facet_is_counted_without_its_own_filter(shop):
    result = browse(q="奶", brands=("yili",), in_stock=True)

    assert set(slugs(result)) == {"pure-milk", "strawberry-yogurt"}
    # brands: counted as if no brand were chosen (but in stock): whole milk is out of stock
    assert facet(result, "brand") == {"yili": 2, "mengniu": 1}
    assert [f.selected for f in result.facets["brand"] if f.value == "yili"] == [True]
    # in stock: counted as if in stock were not ticked (but Yili)
    assert facet(result, "stock") == {"1": 2}
    assert facet(result, "tag") == {"organic": 1, "low-sugar": 1}


def test_filters_combine(shop):
    assert slugs(browse(q="奶", category="dairy", tags=("organic",))) == ["pure-milk"]
    assert set(slugs(browse(q="奶", price_min=Decimal("13"), price_max=Decimal("30")))) == {
        "whole-milk",
        "strawberry-yogurt",
    }
    assert slugs(browse(q="奶", tags=("organic", "low-sugar"))) == ["oat-milk"]
    assert slugs(browse(q="奶", brands=("no-such-brand",))) == []
    assert slugs(browse(q="奶", tags=("no-such-tag",))) == []


def test_a_sub_category_narrows_and_its_children_are_the_category_facet(shop):
    result = browse(q="奶", category="dairy")

    assert result.category == shop.dairy
    assert facet(result, "category") == {"milk": 2, "yogurt": 1}


def test_an_unknown_category_is_not_found(shop):
    with pytest.raises(NotFound):
        browse(q="奶", category="nope")


# --- ordering and pages --------------------------------------------------------------------------------------


def test_relevance_puts_name_matches_first(shop):
    assert slugs(browse(q="牛奶"))[:2] in (["pure-milk", "whole-milk"], ["whole-milk", "pure-milk"])


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price_asc", ["oat-milk", "whole-milk", "strawberry-yogurt", "pure-milk"]),
        ("price_desc", ["pure-milk", "strawberry-yogurt", "whole-milk", "oat-milk"]),
        ("sales", ["strawberry-yogurt", "pure-milk", "whole-milk", "oat-milk"]),
    ],
)
def test_sort_orders(shop, sort, expected):
    assert slugs(browse(q="奶", sort=sort)) == expected


def test_newest_and_rating_orders(shop):
    Product.objects.filter(pk=shop.oat_milk.pk).update(
        published_at=timezone.now() + timedelta(days=1), rating_avg=Decimal("4.90"), rating_count=10
    )
    Product.objects.filter(pk=shop.whole_milk.pk).update(rating_avg=Decimal("4.50"), rating_count=3)

    assert slugs(browse(q="奶", sort="newest"))[0] == "oat-milk"
    assert slugs(browse(q="奶", sort="rating"))[:2] == ["oat-milk", "whole-milk"]


def test_pages(shop, committed):
    with committed():
        for i in range(7):
            make_product(f"高钙牛奶{i}号", slug=f"calcium-{i}")

    first = browse(q="牛奶", page_size=4, sort="price_asc")
    third = browse(q="牛奶", page_size=4, page=3, sort="price_asc")
    beyond = browse(q="牛奶", page_size=4, page=9)

    assert (first.count, first.pages, len(first.products)) == (9, 3, 4)
    assert len(third.products) == 1
    assert beyond.products == [] and beyond.count == 9
    all_pages = [slugs(browse(q="牛奶", page_size=4, page=n, sort="price_asc")) for n in (1, 2, 3)]
    assert len({s for page in all_pages for s in page}) == 9


@pytest.mark.parametrize("sort", ["relevance", "price_asc"])
def test_a_search_page_costs_the_same_queries_whatever_its_size(shop, committed, django_assert_num_queries, sort):
    with committed():
        for i in range(30):
            make_product(f"有机牛奶{i}", slug=f"organic-{i}")
    # match, rows (with their tags), brands, tags, sub-categories, the page, its images
    for size in (2, 30):
        cache.clear()
        with django_assert_num_queries(7):
            result = browse(q="牛奶", sort=sort, page_size=size)
        assert len(result.products) == size


def test_a_category_page_costs_the_same_queries_whatever_its_size(shop, django_assert_num_queries):
    # category, the page, its images, brand facet, tag facet, sub-categories, their counts, totals
    for size in (1, 3):
        cache.clear()
        with django_assert_num_queries(8):
            result = browse(category="dairy", page_size=size)
        assert len(result.products) == size and result.count == 3


# --- caching -------------------------------------------------------------------------------------------------


def test_the_same_search_again_costs_no_query_until_the_catalog_changes(shop, committed, django_assert_num_queries):
    browse(q="牛奶")
    with django_assert_num_queries(0):
        again = browse(q="牛奶")
    assert again.count == 2

    SKU.objects.filter(product=shop.whole_milk).update(list_price=Decimal("99.00"))
    with committed():
        products_touch(product_ids=[shop.whole_milk.pk])

    after = browse(q="牛奶", sort="price_desc")
    assert slugs(after)[0] == "whole-milk"
    assert after.products[0].price_min == Decimal("99.00")


def test_a_price_change_moves_a_product_in_and_out_of_a_price_filter(shop, committed):
    assert "chips" in slugs(browse(q="薯片", price_max=Decimal("10")))

    SKU.objects.filter(product=shop.chips).update(list_price=Decimal("12.00"))
    with committed():
        products_touch(product_ids=[shop.chips.pk])

    assert slugs(browse(q="薯片", price_max=Decimal("10"))) == []
    assert slugs(browse(q="薯片", price_min=Decimal("10"))) == ["chips"]


# --- no results, fallbacks, bad input ------------------------------------------------------------------------


def test_when_no_product_has_every_word_those_with_some_are_shown_and_flagged(shop):
    result = browse(q="伊利 洗发水")

    assert result.relaxed is True
    assert set(slugs(result)) == {"pure-milk", "strawberry-yogurt"}


def test_a_misspelt_query_is_corrected(shop):
    result = browse(q="牛乃")

    assert result.corrected_query == "牛奶"
    assert set(slugs(result)) == {"pure-milk", "whole-milk"}


def test_nothing_found_offers_something_to_search_for(shop):
    result = browse(q="zzqqxx")

    assert result.count == 0 and result.products == [] and result.corrected_query == ""
    assert result.suggestions
    assert all(s.text and s.kind for s in result.suggestions)


def test_nothing_found_for_a_chinese_word_suggests_completions_of_its_first_character(shop):
    result = browse(q="牛排")

    assert result.count == 0
    assert "牛奶" in [s.text for s in result.suggestions]


def test_hostile_queries_through_the_parser_are_harmless(shop):
    for q in NASTY:
        query = parse_browse_query({"q": q})
        result = product_browse(query=query)

        assert len(query.q) <= 100
        assert result.count >= 0
    assert Product.objects.count() == 7


def test_control_characters_in_any_parameter_are_harmless(shop):
    for params in [{"category": "\x00"}, {"brand": "a\x00b"}, {"tag": ["\x00", "x" * 500]}, {"q": "\x00\x01"}]:
        try:
            result = product_browse(query=parse_browse_query(params))
        except (InvalidInput, NotFound):
            continue
        assert result.count >= 0


def test_hostile_queries_through_the_api_are_never_a_server_error(anon_api, shop):
    for q in ["x" * 10_000, "<script>alert(1)</script>", "' OR 1=1 --", "NEAR(", '"', "*", "🥛", "\x00"]:
        response = anon_api.get("/api/v1/catalog/products", {"q": q})

        assert response.status_code == 200, q
        assert response.json()["count"] >= 0


def test_a_search_matching_more_than_it_considers_says_so(shop, settings):
    settings.SHEQU_SEARCH_MAX_MATCHES = 2

    result = browse(q="奶")
    filtered = browse(q="奶", brands=("mengniu",))

    assert result.capped is True and result.count == 2
    # a filter sees every match, not only the best two
    assert not filtered.capped and set(slugs(filtered)) == {"whole-milk", "oat-milk"}
    assert not browse(q="薯片").capped
