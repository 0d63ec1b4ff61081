"""Text analysis: segmentation, normalisation, stemming, pinyin, synonyms and query safety (no database)."""

from __future__ import annotations

import re

import pytest

from shequ.search import analysis
from shequ.search.backends.postgres import compile_tsquery
from shequ.search.backends.sqlite import compile_fts5
from shequ.search.tests.helpers import NASTY


def tokens(text: str) -> list[str]:
    return analysis.document_tokens([text])


def test_milk_is_found_inside_longer_words():
    assert {"纯牛奶", "牛奶"} <= set(tokens("伊利纯牛奶"))
    assert {"全脂", "牛奶"} <= set(tokens("蒙牛全脂牛奶 1L"))


@pytest.mark.parametrize("word", ["酸奶", "燕麦奶", "气泡水", "洗衣液", "薯片", "安慕希", "元气森林"])
def test_fmcg_words_stay_whole(word):
    assert word in tokens(f"好喝的{word}整箱")
    assert analysis.parse_query(word, prefix_last=False).groups[0].word == word


def test_full_width_text_is_half_width_and_lower_case():
    assert analysis.normalize("ＭＩＬＫ　２５０ｍｌ") == "milk 250ml"
    assert analysis.normalize("Café Crème") == "cafe creme"


def test_english_is_stemmed_and_stop_words_dropped():
    assert set(tokens("The Yogurts and Chips")) == {"yogurt", "chip"}


def test_sizes_are_found_whole_or_in_parts():
    assert {"250ml", "250", "ml"} <= set(tokens("250ml×12"))


def test_pinyin_full_and_initials_and_single_characters():
    extra = set(analysis.pinyin_tokens(["纯牛奶"]))

    assert {"chunniunai", "cnn", "niunai", "nn", "牛", "奶"} <= extra


def test_synonyms_expand_a_query_word_both_ways():
    milk = analysis.parse_query("milk", prefix_last=False).groups[0]
    yogurt = analysis.parse_query("酸奶", prefix_last=False).groups[0]

    assert (analysis.Term("牛奶"),) in milk.alternatives
    assert (analysis.Term("yogurt"),) in yogurt.alternatives
    assert (analysis.Term("yoghurt"),) in yogurt.alternatives


def test_multi_word_synonyms_are_matched_as_a_phrase():
    query = analysis.parse_query("oat milk", prefix_last=False)

    assert len(query.groups) == 1
    assert (analysis.Term("燕麦奶"),) in query.groups[0].alternatives


def test_only_a_last_latin_word_is_a_prefix():
    query = analysis.parse_query("niunai yog")
    chinese = analysis.parse_query("牛奶 草莓")

    assert not any(t.prefix for alt in query.groups[0].alternatives for t in alt)
    assert (analysis.Term("yog", prefix=True),) in query.groups[1].alternatives
    assert not any(t.prefix for g in chinese.groups for alt in g.alternatives for t in alt)


def test_long_queries_are_cut_to_a_few_words():
    query = analysis.parse_query(" ".join(f"w{i}" for i in range(500)))

    assert len(query.groups) == analysis.MAX_QUERY_GROUPS


@pytest.mark.parametrize("text", NASTY)
def test_hostile_queries_become_plain_tokens(text):
    query = analysis.parse_query(text)
    fts5 = compile_fts5(query)
    tsquery = compile_tsquery(query)

    for group in query.groups:
        for alternative in group.alternatives:
            assert all(re.fullmatch(r"[^\W_]+", term.text) for term in alternative)
    # Only our own operators and quotes around letters/digits remain.
    assert re.fullmatch(r'(\(|\)|"[^\W_"]+"( \*)?|AND|OR|\s)*', fts5)
    assert re.fullmatch(r"(\(|\)|'[^\W_']+'(:\*)?|&|\||\s)*", tsquery)


def test_a_query_of_nothing_searchable_is_empty():
    assert analysis.parse_query("<>!@#$%^&*()").is_empty
    assert analysis.parse_query("🥛").is_empty
    assert analysis.parse_query("").is_empty


def test_suggestion_keys_cover_pinyin_and_initials():
    assert analysis.suggestion_keys("纯牛奶") == ["纯牛奶", "chunniunai", "cnn"]
    assert analysis.suggestion_keys("Pure Milk") == ["pure milk", "puremilk"]
