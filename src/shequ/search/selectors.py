"""Reads from the search index: matching, suggestions, "did you mean", and the index generation.

``search_documents`` is what a results page needs; ``search_match`` is the plain id → score mapping. Results
are cached per (query, index generation): any index change moves the generation, so a cached answer is never
older than the index it came from.
"""

from __future__ import annotations

import difflib
import hashlib
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache

from shequ.search import analysis, indexing
from shequ.search.backends import get_backend
from shequ.search.registry import Suggestion

GENERATION_KEY = "search:generation:{doc_type}"
# Like a search engine's "max total hits": a common word can be in a fifth of a 15,000-product catalog, and nobody
# pages through thousands; ranking, reading and counting only the best keeps such searches fast. A caller that
# filters the results (brand, price…) asks for more, so that the filter sees every match.
DEFAULT_MAX_MATCHES = 1000
HARD_MAX_MATCHES = 50_000
CACHE_SECONDS = 300


def max_matches() -> int:
    """How many matches a search returns by default (the best by relevance)."""
    return int(getattr(settings, "SHEQU_SEARCH_MAX_MATCHES", DEFAULT_MAX_MATCHES))


def search_generation(*, doc_type: str) -> int:
    """A number that changes whenever documents of this type are indexed or removed."""
    key = GENERATION_KEY.format(doc_type=doc_type)
    value = cache.get(key)
    if value is None:
        cache.add(key, int(time.time() * 1000), timeout=None)
        value = cache.get(key, 0)
    return int(value)


@dataclass
class SearchMatches:
    scores: dict[int, float] = field(default_factory=dict)  # object id → relevance, higher is better
    relaxed: bool = False  # nothing matched every word: these match some of them
    words: list[str] = field(default_factory=list)  # the words searched for, as analysed


def _cache_key(*parts) -> str:
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode(), usedforsecurity=False).hexdigest()
    return f"search:{digest}"


def search_documents(
    *,
    doc_type: str,
    query: str,
    limit: int | None = None,
    relax: bool = True,
    any_term: bool = False,
    cached: bool = True,
) -> SearchMatches:
    """Documents matching every word of ``query`` (else, with ``relax``, any word), best first: the best
    ``limit`` (default ``max_matches()``). ``any_term`` asks for "any word" at once (a caller that already
    knows every-word found nothing). ``cached=False`` for a caller that caches what it builds anyway."""
    parsed = analysis.parse_query(query)
    if parsed.is_empty:
        return SearchMatches(words=[])
    limit = max(1, min(limit or max_matches(), HARD_MAX_MATCHES))
    key = ""
    if cached:
        generation = search_generation(doc_type=doc_type)
        key = _cache_key("match", doc_type, parsed.key(), limit, relax, any_term, generation)
        hit = cache.get(key)
        if hit is not None:
            return hit
    backend = get_backend()
    result = SearchMatches(words=parsed.words)
    if not any_term:
        result.scores = backend.match(doc_type, parsed, any_term=False, limit=limit)
    if not result.scores and (relax or any_term) and len(parsed.groups) > 1:
        result.scores = backend.match(doc_type, parsed, any_term=True, limit=limit)
        result.relaxed = bool(result.scores)
    if cached:
        cache.set(key, result, CACHE_SECONDS)
    return result


def search_match(*, doc_type: str, query: str, limit: int | None = None) -> dict[int, float]:
    """Object id → relevance score for the documents of ``doc_type`` that match ``query``."""
    return search_documents(doc_type=doc_type, query=query, limit=limit).scores


def search_suggest(
    *, doc_type: str = "product", prefix: str = "", limit: int = 10, query: str = ""
) -> list[Suggestion]:
    """Autocomplete: up to ``limit`` suggestions (names, brands, categories, words) whose text, pinyin or pinyin
    initials start with what was typed (``prefix``; ``query`` is accepted as another name for it)."""
    normalized = analysis.suggestion_prefix(prefix or query or "")
    if not normalized:
        return []
    limit = max(1, min(limit, 20))
    key = _cache_key("suggest", doc_type, normalized, limit, search_generation(doc_type=doc_type))
    cached = cache.get(key)
    if cached is None:
        cached = get_backend().suggest(doc_type, normalized, limit)
        cache.set(key, cached, CACHE_SECONDS)
    return cached


def search_popular(*, doc_type: str = "product", limit: int = 8) -> list[Suggestion]:
    """What most documents share (brands, categories, common words): "try these" when nothing matched."""
    key = _cache_key("popular", doc_type, limit, search_generation(doc_type=doc_type))
    cached = cache.get(key)
    if cached is None:
        cached = indexing.popular_phrases(doc_type, max(1, min(limit, 20)))
        cache.set(key, cached, CACHE_SECONDS)
    return cached


def search_did_you_mean(*, doc_type: str, query: str) -> str:
    """A corrected query when some word is unknown but close to a known one — a homophone typed with the wrong
    characters (牛乃 → 牛奶, by pinyin) or a misspelt Latin word (yoghrt → yoghurt); "" when there is none."""
    key = _cache_key("dym", doc_type, query[: analysis.MAX_QUERY_CHARS], search_generation(doc_type=doc_type))
    cached = cache.get(key)
    if cached is None:
        cached = _did_you_mean(doc_type, query)
        cache.set(key, cached, CACHE_SECONDS)
    return cached


def _did_you_mean(doc_type: str, query: str) -> str:
    corrected: list[str] = []
    changed = False
    for is_chinese, run in analysis.runs(analysis.normalize(query[: analysis.MAX_QUERY_CHARS]))[:8]:
        replacement = run
        if is_chinese and len(run) >= 2 and not indexing.phrases_for_key(doc_type, run, 1):
            pinyin = analysis.pinyin_key(run)
            same_length = [p for p in indexing.phrases_for_key(doc_type, pinyin) if len(p) == len(run)]
            replacement = same_length[0] if pinyin and same_length else run
        elif not is_chinese and len(run) >= 3 and run.isalpha() and not indexing.phrases_for_key(doc_type, run, 1):
            close = difflib.get_close_matches(run, indexing.keys_near(doc_type, run), n=1, cutoff=0.75)
            replacement = close[0] if close else run
        changed = changed or replacement != run
        corrected.append(replacement)
    return " ".join(corrected) if changed else ""
