"""The search backend interface, and what the database backends share.

Every document is first analysed and stored as a SearchDocument row (shequ.search.indexing); the backend then
makes it searchable. For the database backends the rows *are* the index (FTS5 triggers on SQLite, a generated
tsvector on PostgreSQL), so ``index``/``remove`` have nothing left to do. A dedicated engine (OpenSearch,
Meilisearch) implements ``index``/``remove``/``clear`` by pushing the analysed documents to it and ``match``
by querying it; see docs/search.md.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection

from shequ.search.analysis import ParsedQuery, Term
from shequ.search.registry import Suggestion

_SAFE_TOKEN = re.compile(r"^[^\W_]+$")


@dataclass(frozen=True)
class IndexedDocument:
    """A document after analysis: what every backend receives."""

    object_id: int
    title: str
    tokens_title: str
    tokens_keywords: str
    tokens_body: str
    tokens_extra: str
    boost: float
    suggest: dict


class SearchBackend(ABC):
    #: relevance × (1 + POPULARITY_WEIGHT × boost): popularity only reorders matches of similar relevance
    POPULARITY_WEIGHT = 0.25

    @abstractmethod
    def index(self, doc_type: str, documents: Sequence[IndexedDocument]) -> None:
        """Make these (already stored) documents searchable, replacing earlier versions."""

    @abstractmethod
    def remove(self, doc_type: str, object_ids: Sequence[int]) -> None:
        """Stop finding these objects."""

    @abstractmethod
    def clear(self, doc_type: str) -> None:
        """Forget every document of this type (before a rebuild)."""

    @abstractmethod
    def match(self, doc_type: str, query: ParsedQuery, *, any_term: bool, limit: int) -> dict[int, float]:
        """Object id → relevance (higher is better) of the best ``limit`` matches; every group must match,
        or with ``any_term`` at least one."""

    def suggest(self, doc_type: str, prefix: str, limit: int) -> list[Suggestion]:
        """Phrases whose text, pinyin or initials start with ``prefix`` (already normalised), best first.
        By default from the suggestion table that indexing keeps, whatever the backend."""
        from shequ.search.indexing import suggestions_with_prefix

        return suggestions_with_prefix(doc_type, prefix, limit)

    def finish_rebuild(self, doc_type: str) -> None:  # noqa: B027  (optional hook)
        """Called after `shequ reindex`: compact or analyse the index."""


class DatabaseBackend(SearchBackend):
    """Full-text search inside the application database, over the SearchDocument rows."""

    def index(self, doc_type: str, documents: Sequence[IndexedDocument]) -> None:
        return None  # the stored rows are the index

    def remove(self, doc_type: str, object_ids: Sequence[int]) -> None:
        return None

    def clear(self, doc_type: str) -> None:
        return None

    def _rows(self, sql: str, params: list) -> dict[int, float]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {int(object_id): float(score) for object_id, score in cursor.fetchall()}


def safe_terms(alternative: tuple[Term, ...]) -> list[Term]:
    """Defence in depth: only letter/digit tokens ever reach a full-text query parser."""
    return [term for term in alternative if _SAFE_TOKEN.match(term.text)]
