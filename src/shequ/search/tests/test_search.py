"""Matching, ranking, suggestions and index maintenance, on whichever database the suite runs on."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from shequ.catalog.models import ProductStatus
from shequ.catalog.services import product_save, products_set_status, products_touch
from shequ.catalog.testing import make_product, make_tag
from shequ.search.models import SearchDocument, SearchSuggestion
from shequ.search.selectors import (
    search_did_you_mean,
    search_documents,
    search_generation,
    search_match,
    search_suggest,
)
from shequ.search.services import search_index, search_reindex
from shequ.search.tests.helpers import NASTY, filler_products

pytestmark = pytest.mark.django_db


def found(query: str) -> set[str]:
    from shequ.catalog.models import Product

    ids = search_match(doc_type="product", query=query)
    return set(Product.objects.filter(pk__in=ids).values_list("slug", flat=True))


def ranked(query: str) -> list[int]:
    scores = search_match(doc_type="product", query=query)
    return sorted(scores, key=lambda pk: -scores[pk])


# --- matching ---------------------------------------------------------------------------------------------


def test_only_products_on_sale_are_indexed(shop, committed):
    with committed():
        make_product("下架牛奶", status=ProductStatus.OFF_SALE)
        make_product("草稿牛奶", status=ProductStatus.DRAFT)

    assert SearchDocument.objects.filter(doc_type="product").count() == 7
    assert found("牛奶") == {"pure-milk", "whole-milk"}


CHINESE_QUERIES = [
    ("牛奶", {"pure-milk", "whole-milk"}),
    ("纯牛奶", {"pure-milk"}),
    ("酸奶", {"strawberry-yogurt"}),
    ("燕麦奶", {"oat-milk"}),
    ("气泡水", {"sparkling"}),
    ("洗衣液", {"detergent"}),
    ("薯片", {"chips"}),
    ("伊利 牛奶", {"pure-milk"}),
    ("蒙牛", {"whole-milk", "oat-milk", "sparkling"}),
    ("乳品", {"pure-milk", "whole-milk", "strawberry-yogurt"}),  # a parent category's name
    ("有机", {"pure-milk", "oat-milk"}),  # a tag
    ("250ml", {"pure-milk"}),  # a pack size
]


def test_chinese_queries(shop):
    for query, expected in CHINESE_QUERIES:
        assert found(query) == expected, query


ENGLISH_QUERIES = [
    ("milk", {"pure-milk", "whole-milk"}),  # English names, and 牛奶 by synonym
    ("Milks", {"pure-milk", "whole-milk"}),  # stemmed, any case
    ("ＭＩＬＫ", {"pure-milk", "whole-milk"}),  # full-width
    ("yogurt", {"strawberry-yogurt"}),
    ("yoghurt", {"strawberry-yogurt"}),  # synonym
    ("crisps", {"chips"}),
    ("chips", {"chips"}),  # synonym of 薯片
    ("oat milk", {"oat-milk"}),  # a multi-word synonym of 燕麦奶 (its English name says "drink")
    ("shampoo", set()),
]


def test_english_queries(shop):
    for query, expected in ENGLISH_QUERIES:
        assert found(query) == expected, query


PINYIN_QUERIES = [
    ("niunai", {"pure-milk", "whole-milk"}),
    ("nn", {"pure-milk", "whole-milk"}),
    ("suannai", {"strawberry-yogurt"}),
    ("yili", {"pure-milk", "strawberry-yogurt"}),
    ("shupian", {"chips"}),
    ("qipaoshui", {"sparkling"}),
]


def test_pinyin_and_initials_find_chinese_names(shop):
    for query, expected in PINYIN_QUERIES:
        assert found(query) == expected, query


def test_a_single_character_finds_the_words_containing_it(shop):
    assert found("奶") == {"pure-milk", "whole-milk", "strawberry-yogurt", "oat-milk"}


def test_the_last_word_matches_as_a_prefix(shop):
    assert found("气泡") == {"sparkling"}
    assert found("lav") == {"detergent"}


def test_a_name_match_ranks_above_a_tag_mention(shop, committed):
    with committed():
        filler_products(8)
        biscuit = make_product("消化饼干", tags=[make_tag("milky", "牛奶", name_en="milk")], sales_count=90_000)

    order = ranked("牛奶")

    assert set(order) == {shop.pure_milk.pk, shop.whole_milk.pk, biscuit.pk}
    assert order[-1] == biscuit.pk  # despite selling far more


def test_all_words_must_match_else_any_word_and_the_result_says_so(shop):
    strict = search_documents(doc_type="product", query="伊利 酸奶")
    loose = search_documents(doc_type="product", query="伊利 洗发水")

    assert set(strict.scores) == {shop.strawberry_yogurt.pk} and not strict.relaxed
    assert set(loose.scores) == {shop.pure_milk.pk, shop.strawberry_yogurt.pk} and loose.relaxed


def test_hostile_queries_are_safe(shop):
    for query in NASTY:
        result = search_documents(doc_type="product", query=query)

        assert isinstance(result.scores, dict), query
    assert SearchDocument.objects.count() == 7


def test_nasty_queries_are_only_words(shop):
    assert found("' OR 1=1 --") == {"whole-milk"}  # "1" as a prefix: its pack size is 1L; nothing else
    assert found("*") == set()
    assert found("<script>alert('x')</script>") == set()


# --- the index follows the catalog ------------------------------------------------------------------------


def test_a_new_product_is_found_once_committed(shop, committed):
    with committed():
        make_product("高钙牛奶", slug="calcium-milk")

    assert "calcium-milk" in found("高钙")


def test_renaming_a_product_moves_it_between_queries(shop, committed):
    shop.detergent.name = "薰衣草柔顺剂"
    with committed():
        product_save(product=shop.detergent)

    assert found("洗衣液") == set()
    assert found("柔顺剂") == {"detergent"}


def test_going_off_sale_removes_it_and_coming_back_restores_it(shop, committed):
    with committed():
        products_set_status(product_ids=[shop.pure_milk.pk], status=ProductStatus.OFF_SALE)

    assert found("纯牛奶") == set()
    assert not SearchDocument.objects.filter(object_id=shop.pure_milk.pk).exists()

    with committed():
        products_set_status(product_ids=[shop.pure_milk.pk], status=ProductStatus.ON_SALE)

    assert found("纯牛奶") == {"pure-milk"}


def test_a_change_that_leaves_the_document_alone_does_not_touch_the_index(shop, committed):
    generation = search_generation(doc_type="product")
    with committed():
        products_touch(product_ids=[shop.chips.pk])  # e.g. stock or price moved

    assert search_generation(doc_type="product") == generation


def test_indexing_ids_that_no_longer_exist_removes_them(shop):
    SearchDocument.objects.create(doc_type="product", object_id=999_999, title="幽灵", tokens_title="幽灵")

    report = search_index(doc_type="product", object_ids=[999_999, shop.chips.pk])

    assert report.removed == 1
    assert not SearchDocument.objects.filter(object_id=999_999).exists()


def test_reindex_command_rebuilds_everything_and_drops_stale_documents(shop):
    SearchDocument.objects.filter(object_id=shop.chips.pk).delete()
    SearchDocument.objects.create(doc_type="product", object_id=999_999, title="幽灵", tokens_title="幽灵")
    out = io.StringIO()

    call_command("reindex", "--doc-type", "product", "--batch-size", "3", stdout=out)

    assert "product: 7 indexed, 1 removed" in out.getvalue()
    assert found("薯片") == {"chips"}
    assert found("幽灵") == set()
    assert set(SearchDocument.objects.values_list("object_id", flat=True)) == {
        p.pk
        for p in (
            shop.pure_milk,
            shop.whole_milk,
            shop.strawberry_yogurt,
            shop.oat_milk,
            shop.chips,
            shop.sparkling,
            shop.detergent,
        )
    }


def test_reindex_refuses_an_unknown_document_type(shop):
    with pytest.raises(CommandError, match="Unknown document type"):
        call_command("reindex", "--doc-type", "nope", stdout=io.StringIO())


def test_reindex_recounts_suggestions_exactly(shop):
    before = set(SearchSuggestion.objects.filter(doc_count__gt=0).values_list("key", "ident", "doc_count"))

    search_reindex(doc_type="product")

    assert set(SearchSuggestion.objects.values_list("key", "ident", "doc_count")) == before


# --- suggestions ------------------------------------------------------------------------------------------


def texts(prefix: str) -> list[str]:
    return [s.text for s in search_suggest(doc_type="product", prefix=prefix)]


def test_suggestions_complete_chinese_pinyin_initials_and_english(shop):
    assert "牛奶" in texts("牛")
    assert "牛奶" in texts("niu")
    assert "牛奶" in texts("nn")
    assert "伊利" in texts("yi")
    assert "Strawberry Yogurt" not in texts("str")  # whole English names are not suggested, their words are
    assert "strawberry" in texts("str")


def test_suggestions_say_what_they_open(shop):
    by_text = {s.text: s for s in search_suggest(doc_type="product", prefix="伊")}

    assert (by_text["伊利"].kind, by_text["伊利"].ref) == ("brand", "yili")
    assert (by_text["伊利纯牛奶"].kind, by_text["伊利纯牛奶"].slug) == ("product", "pure-milk")


def test_the_most_shared_phrases_come_first(shop):
    assert texts("蒙")[0] == "蒙牛"  # the brand of three products before one product name


def test_suggestions_follow_products_leaving(shop, committed):
    with committed():
        products_set_status(product_ids=[shop.detergent.pk], status=ProductStatus.OFF_SALE)

    assert texts("薰衣草") == []
    assert texts("洗衣") == []


def test_odd_prefixes_suggest_nothing_and_never_fail(shop):
    for prefix in ["", "   ", "%", "_", "\\", "'", "🥛", "x" * 10_000, "\x00"]:
        assert search_suggest(doc_type="product", prefix=prefix) == [], prefix


def test_did_you_mean_fixes_homophones_and_misspellings(shop):
    assert search_did_you_mean(doc_type="product", query="牛乃") == "牛奶"
    assert search_did_you_mean(doc_type="product", query="strawbery") == "strawberry"
    assert search_did_you_mean(doc_type="product", query="牛奶") == ""


# --- the interface other modules use ----------------------------------------------------------------------


def test_another_document_type_is_searched_on_its_own(shop, monkeypatch):
    from shequ.search import registry
    from shequ.search.registry import SourceDocument

    posts = {1: "我的早餐：燕麦奶配麦片", 2: "周末露营带什么零食"}
    monkeypatch.setitem(registry._providers, "post", None)
    registry.register_provider(
        doc_type="post",
        documents=lambda ids: [
            SourceDocument(object_id=i, title=posts[i], title_texts=[posts[i]]) for i in ids if i in posts
        ],
        all_ids=lambda: list(posts),
    )

    search_reindex(doc_type="post")

    assert set(search_match(doc_type="post", query="燕麦奶")) == {1}
    assert set(search_match(doc_type="post", query="零食")) == {2}
    assert set(search_match(doc_type="product", query="燕麦奶")) == {shop.oat_milk.pk}


def test_a_broker_that_cannot_be_reached_does_not_lose_the_change(shop, monkeypatch):
    from kombu.exceptions import OperationalError

    from shequ.search import tasks
    from shequ.search.services import search_index_later

    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    SearchDocument.objects.filter(object_id=shop.chips.pk).delete()
    monkeypatch.setattr(tasks.index_objects, "delay", unreachable)

    search_index_later(doc_type="product", object_ids=[shop.chips.pk])

    assert SearchDocument.objects.filter(object_id=shop.chips.pk).exists()


def test_suggest_accepts_query_as_the_name_of_the_prefix(shop):
    assert [s.text for s in search_suggest(query="酸", limit=3)] == texts("酸")[:3]
