"""Storing analysed documents and the suggestion vocabulary (used by services.py; callers own the transaction).

Suggestions are counted incrementally: each document remembers which phrases it added and with what weight
(``SearchDocument.suggest``), so re-indexing it applies only the difference. Rows are created before they are
incremented and never deleted on this path, so concurrent indexers cannot lose an increment; a rebuild
(`shequ reindex`) recounts everything and sweeps rows that fell to zero.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Case, F, Value, When

from shequ.search import analysis
from shequ.search.backends.base import IndexedDocument
from shequ.search.models import SearchDocument, SearchSuggestion
from shequ.search.registry import SourceDocument, Suggestion

MAX_BODY_CHARS = 4000
MAX_PHRASES = 24


def _phrases(source: SourceDocument) -> list[list[str]]:
    """[text, kind, ref] of each suggestion of a document. A word that is also a named thing (the brand 伊利 in
    the title) is kept once, as the thing; a second name of a thing that is just its pinyin (Yili) is dropped."""
    chosen: dict[tuple[str, str, str], list[str]] = {}
    reached: set[tuple[str, str, str]] = set()  # (kind, ref, key) already reachable
    entities: set[str] = set()
    candidates = [s if isinstance(s, Suggestion) else Suggestion(str(s)) for s in source.suggest]
    candidates += [Suggestion(word) for word in analysis.keywords(source.title_texts)]
    for suggestion in candidates:
        text = " ".join(str(suggestion.text).split())[:100]
        normalized = analysis.suggestion_prefix(text)
        kind, ref = suggestion.kind, suggestion.ref[:160]
        if not normalized or (kind == "query" and normalized in entities) or (kind, ref, normalized) in reached:
            continue
        if kind != "query":
            entities.add(normalized)
        reached.update((kind, ref, key) for key in analysis.suggestion_keys(text))
        chosen[(kind, ref, normalized)] = [text, kind, ref]
    return list(chosen.values())[:MAX_PHRASES]


def analyse(source: SourceDocument) -> IndexedDocument:
    """Tokens, boost and suggestion phrases of one source document."""
    title = analysis.document_tokens(source.title_texts)
    keywords = analysis.document_tokens(source.keyword_texts)
    body = analysis.document_tokens(source.body_texts)
    extra = analysis.pinyin_tokens(source.title_texts) + analysis.pinyin_tokens(source.keyword_texts, characters=False)
    # Two decimals: popularity moves with every sale, the document (and the caches keyed on it) should not.
    popularity = round(min(max(float(source.popularity), 0.0), 1.0), 2)
    return IndexedDocument(
        object_id=int(source.object_id),
        title=source.title[:200],
        tokens_title=" ".join(title),
        tokens_keywords=" ".join(keywords),
        tokens_body=_cut(" ".join(body), MAX_BODY_CHARS),
        tokens_extra=" ".join(dict.fromkeys(extra)),
        boost=popularity,
        suggest={"p": _phrases(source), "w": round(1 + popularity, 1)},
    )


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0]


def _ident(text: str, kind: str, ref: str) -> str:
    return f"{kind}|{ref}|{text}"[:300]


def _contributions(suggest: dict | None) -> dict[str, tuple[float, list[str]]]:
    """ident → (weight, [text, kind, ref]) of what one document adds to the vocabulary."""
    if not suggest:
        return {}
    weight = float(suggest.get("w", 1.0))
    return {_ident(*phrase): (weight, phrase) for phrase in suggest.get("p", []) if len(phrase) == 3}


_STORED = ("title", "tokens_title", "tokens_keywords", "tokens_body", "tokens_extra", "boost", "suggest")


def store(
    doc_type: str, documents: Sequence[IndexedDocument], *, count_suggestions: bool = True
) -> list[IndexedDocument]:
    """Insert or replace these documents and move their suggestion counts (unless a rebuild recounts them);
    return the documents that actually changed (a stock or price change leaves the document as it was)."""
    if not documents:
        return []
    ids = sorted(d.object_id for d in documents)
    rows = SearchDocument.objects.filter(doc_type=doc_type, object_id__in=ids)
    if count_suggestions:
        rows = rows.select_for_update().order_by("object_id")
    previous = {row[0]: row[1:] for row in rows.values_list("object_id", *_STORED)}
    documents = [d for d in documents if previous.get(d.object_id) != tuple(getattr(d, f) for f in _STORED)]
    if not documents:
        return []
    SearchDocument.objects.bulk_create(
        [
            SearchDocument(
                doc_type=doc_type,
                object_id=d.object_id,
                title=d.title,
                tokens_title=d.tokens_title,
                tokens_keywords=d.tokens_keywords,
                tokens_body=d.tokens_body,
                tokens_extra=d.tokens_extra,
                boost=d.boost,
                suggest=d.suggest,
            )
            for d in documents
        ],
        update_conflicts=True,
        unique_fields=["doc_type", "object_id"],
        update_fields=[*_STORED, "updated_at"],
        batch_size=500,
    )
    if not count_suggestions:
        return documents
    deltas = _Deltas()
    for document in documents:
        earlier = previous.get(document.object_id)
        deltas.take(earlier[-1] if earlier else None)
        deltas.give(document.suggest)
    _apply_suggestion_deltas(doc_type, deltas)
    return documents


class _Deltas(dict):
    """ident → [doc_count change, weight change, [text, kind, ref]]."""

    def _move(self, suggest: dict | None, sign: int) -> None:
        for ident, (weight, phrase) in _contributions(suggest).items():
            entry = self.setdefault(ident, [0, 0.0, phrase])
            entry[0] += sign
            entry[1] += sign * weight

    def give(self, suggest: dict | None) -> None:
        self._move(suggest, +1)

    def take(self, suggest: dict | None) -> None:
        self._move(suggest, -1)


def unstore(doc_type: str, object_ids: Iterable[int]) -> int:
    """Delete these documents (those that exist) and take back their suggestions; return how many."""
    ids = sorted(set(object_ids))
    if not ids:
        return 0
    previous = list(
        SearchDocument.objects.select_for_update()
        .filter(doc_type=doc_type, object_id__in=ids)
        .order_by("object_id")
        .values_list("id", "suggest")
    )
    if not previous:
        return 0
    deltas = _Deltas()
    for _pk, suggest in previous:
        deltas.take(suggest)
    SearchDocument.objects.filter(pk__in=[pk for pk, _ in previous]).delete()
    _apply_suggestion_deltas(doc_type, deltas)
    return len(previous)


def _rows_for(doc_type: str, ident: str, phrase: list[str], doc_count: int = 0, weight: float = 0.0):
    text, kind, ref = phrase
    return [
        SearchSuggestion(
            doc_type=doc_type, key=key, phrase=text, kind=kind, ref=ref, ident=ident, doc_count=doc_count, weight=weight
        )
        for key in analysis.suggestion_keys(text)
    ]


def _apply_suggestion_deltas(doc_type: str, deltas: _Deltas) -> None:
    changes = {ident: (int(n), round(w, 3)) for ident, (n, w, _p) in deltas.items() if n or abs(w) > 1e-9}
    if not changes:
        return
    SearchSuggestion.objects.bulk_create(
        [row for ident, (n, _w) in changes.items() if n > 0 for row in _rows_for(doc_type, ident, deltas[ident][2])],
        ignore_conflicts=True,
        batch_size=500,
    )
    idents = sorted(changes)
    # Lock every affected row in one ordered statement first, so two indexers meet in the same order.
    list(
        SearchSuggestion.objects.select_for_update()
        .filter(doc_type=doc_type, ident__in=idents)
        .order_by("id")
        .values_list("id", flat=True)
    )
    by_change: dict[tuple[int, float], list[str]] = defaultdict(list)
    for ident in idents:
        by_change[changes[ident]].append(ident)
    for (count, weight), group in sorted(by_change.items()):
        SearchSuggestion.objects.filter(doc_type=doc_type, ident__in=group).update(
            doc_count=F("doc_count") + count, weight=F("weight") + weight
        )


def rebuild_suggestions(doc_type: str) -> int:
    """Recount the whole suggestion vocabulary of one type from its documents; return the number of phrases."""
    totals = _Deltas()
    for suggest in (
        SearchDocument.objects.filter(doc_type=doc_type).values_list("suggest", flat=True).iterator(chunk_size=2000)
    ):
        totals.give(suggest)
    SearchSuggestion.objects.filter(doc_type=doc_type).delete()
    SearchSuggestion.objects.bulk_create(
        (
            row
            for ident, (n, w, phrase) in totals.items()
            for row in _rows_for(doc_type, ident, phrase, doc_count=int(n), weight=round(w, 3))
        ),
        ignore_conflicts=True,
        batch_size=2000,
    )
    return len(totals)


def _with_prefix(rows, field: str, prefix: str):
    if connection.vendor == "postgresql":
        return rows.filter(**{f"{field}__startswith": prefix})  # LIKE 'p%' on the text_pattern_ops index
    return rows.filter(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"})  # BINARY index range


def _distinct(rows, limit: int) -> list[Suggestion]:
    """Best first, one per text; at equal weight a named thing (brand, category) beats a plain word."""
    best: dict[str, Suggestion] = {}
    for text, kind, ref in rows:
        key = analysis.suggestion_prefix(text)
        if key not in best:
            best[key] = Suggestion(text=text, kind=kind, ref=ref)
        if len(best) >= limit:
            break
    return list(best.values())


def suggestions_with_prefix(doc_type: str, prefix: str, limit: int) -> list[Suggestion]:
    """Best phrases whose text, pinyin or initials start with ``prefix`` (normalised): one index range scan."""
    if not prefix:
        return []
    rows = _with_prefix(SearchSuggestion.objects.filter(doc_type=doc_type, doc_count__gt=0), "key", prefix)
    rows = rows.annotate(entity=Case(When(kind="query", then=Value(1)), default=Value(0)))
    ranked = rows.order_by("-weight", "entity", "phrase").values_list("phrase", "kind", "ref")[: limit * 8]
    return _distinct(ranked, limit)


def popular_phrases(doc_type: str, limit: int) -> list[Suggestion]:
    """The phrases most documents share (for "no results" help)."""
    rows = SearchSuggestion.objects.filter(doc_type=doc_type, doc_count__gt=1)
    rows = rows.annotate(entity=Case(When(kind="query", then=Value(1)), default=Value(0)))
    return _distinct(
        rows.order_by("-weight", "entity", "phrase").values_list("phrase", "kind", "ref")[: limit * 8], limit
    )


def phrases_for_key(doc_type: str, key: str, limit: int = 5) -> list[str]:
    """Texts reached by exactly this key (e.g. a pinyin), best first."""
    rows = SearchSuggestion.objects.filter(doc_type=doc_type, key=key, doc_count__gt=0)
    return list(dict.fromkeys(rows.order_by("-weight", "phrase").values_list("phrase", flat=True)[: limit * 4]))[:limit]


def keys_near(doc_type: str, word: str, limit: int = 3000) -> list[str]:
    """Latin suggestion keys sharing the first letter and about the length of ``word`` (spelling candidates)."""
    rows = _with_prefix(SearchSuggestion.objects.filter(doc_type=doc_type, doc_count__gt=0), "key", word[0])
    keys = rows.values_list("key", flat=True).distinct()[:limit]
    return [k for k in keys if abs(len(k) - len(word)) <= 2 and k.isascii() and " " not in k]
