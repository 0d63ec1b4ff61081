"""PostgreSQL: a generated tsvector column over the SearchDocument token columns ('simple' configuration, so
PostgreSQL only splits on the spaces our analyser put there) with a GIN index to match, and ts_rank_cd over a
smaller title-and-keywords vector to rank, weights A (title) 1.0, B (keywords) 0.4; pinyin- and body-only
matches follow by popularity (see migrations 0002 and 0003)."""

from __future__ import annotations

from django.db import connection

from shequ.search.analysis import ParsedQuery
from shequ.search.backends.base import DatabaseBackend, safe_terms

WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # D, C, B, A


def compile_tsquery(query: ParsedQuery, *, any_term: bool = False) -> str:
    """A to_tsquery() expression built only from our own quoted tokens (never the user's text)."""
    groups = []
    for group in query.groups:
        alternatives = []
        for alternative in group.alternatives:
            terms = [f"'{t.text}'" + (":*" if t.prefix else "") for t in safe_terms(alternative)]
            if terms:
                alternatives.append(terms[0] if len(terms) == 1 else "(" + " & ".join(terms) + ")")
        if alternatives:
            groups.append(alternatives[0] if len(alternatives) == 1 else "(" + " | ".join(alternatives) + ")")
    return (" | " if any_term else " & ").join(groups)


class PostgresBackend(DatabaseBackend):
    def match(self, doc_type: str, query: ParsedQuery, *, any_term: bool, limit: int) -> dict[int, float]:
        expression = compile_tsquery(query, any_term=any_term)
        if not expression:
            return {}
        # search_match() (migration 0003) always uses the GIN index; see there why.
        sql = "SELECT object_id, score FROM search_match(%s, to_tsquery('simple', %s), %s::float4[], %s, %s)"
        return self._rows(sql, [doc_type, expression, WEIGHTS, self.POPULARITY_WEIGHT, limit])

    def finish_rebuild(self, doc_type: str) -> None:
        # After a rebuild: flush the GIN pending list and refresh the statistics (VACUUM cannot run inside a
        # transaction; within one, ANALYZE alone).
        with connection.cursor() as cursor:
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            cursor.execute(f"{command} search_searchdocument")
            cursor.execute(f"{command} search_searchsuggestion")
