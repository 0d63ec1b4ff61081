"""The search service interface (placeholder until the search backends land)."""

from __future__ import annotations


def search_match(*, doc_type: str, query: str, limit: int = 2000) -> dict[int, float]:
    """Object id → relevance score for the documents of ``doc_type`` that match ``query``."""
    return {}
