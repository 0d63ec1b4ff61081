"""SQLite: an FTS5 table over the SearchDocument token columns (created and kept in step by migration 0002's
triggers), ranked with bm25(); weights title 10, keywords 4, pinyin/characters 2, body 1."""

from __future__ import annotations

from django.db import connection

from shequ.search.analysis import ParsedQuery
from shequ.search.backends.base import DatabaseBackend, safe_terms

BM25 = "bm25(search_fts, 10.0, 4.0, 2.0, 1.0)"


def compile_fts5(query: ParsedQuery, *, any_term: bool = False) -> str:
    """An FTS5 MATCH expression built only from our own quoted tokens (never the user's text)."""
    groups = []
    for group in query.groups:
        alternatives = []
        for alternative in group.alternatives:
            terms = [f'"{t.text}"' + (" *" if t.prefix else "") for t in safe_terms(alternative)]
            if terms:
                alternatives.append(terms[0] if len(terms) == 1 else "(" + " AND ".join(terms) + ")")
        if alternatives:
            groups.append(alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")")
    return (" OR " if any_term else " AND ").join(groups)


class SqliteBackend(DatabaseBackend):
    def match(self, doc_type: str, query: ParsedQuery, *, any_term: bool, limit: int) -> dict[int, float]:
        expression = compile_fts5(query, any_term=any_term)
        if not expression:
            return {}
        sql = (
            f"SELECT d.object_id, -{BM25} * (1 + %s * d.boost) AS score "  # noqa: S608  (a constant)
            # CROSS JOIN keeps the full-text match as the outer loop; the covering index avoids the wide rows.
            "FROM search_fts CROSS JOIN search_searchdocument d INDEXED BY search_document_lookup "
            "ON d.id = search_fts.rowid "
            "WHERE search_fts MATCH %s AND d.doc_type = %s ORDER BY score DESC LIMIT %s"
        )
        return self._rows(sql, [self.POPULARITY_WEIGHT, expression, doc_type, limit])

    def finish_rebuild(self, doc_type: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
