"""Document providers: how other apps tell search what their objects look like, without search importing them.

The catalog registers "product" (catalog/search_documents.py); the community module will register "post". A
provider answers two questions: "what are the documents for these ids?" (ids it leaves out are removed from
the index: deleted, unpublished, off sale) and "which ids should be in the index?" (for a rebuild).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Suggestion:
    """A phrase offered by autocomplete. ``kind`` says what choosing it opens: "query" (search for the text) or
    an object kind the provider knows ("product", "brand", "category", later "post", "topic"), with ``ref``
    identifying it (a slug or an id)."""

    text: str
    kind: str = "query"
    ref: str = ""

    @property
    def slug(self) -> str:  # the catalog's name for ``ref``
        return self.ref


@dataclass
class SourceDocument:
    """An object as plain text, before analysis. Every text list may mix Chinese and English."""

    object_id: int
    title: str  # shown in admin and suggestions; also searched (as part of title_texts)
    title_texts: list[str]  # the name in each language: highest weight, pinyin, suggestion keywords
    keyword_texts: list[str] = field(default_factory=list)  # brand, category path, tags: high weight, pinyin
    body_texts: list[str] = field(default_factory=list)  # selling points, variants, description: low weight
    # phrases to suggest besides the title's words (brand, category, tags, the name itself)
    suggest: list[Suggestion | str] = field(default_factory=list)
    popularity: float = 0.0  # in [0, 1]; ranks suggestions and nudges relevance


@dataclass(frozen=True)
class DocumentProvider:
    doc_type: str
    documents: Callable[[list[int]], list[SourceDocument]]
    all_ids: Callable[[], Iterable[int]]


_providers: dict[str, DocumentProvider] = {}


def register_provider(
    *,
    doc_type: str,
    documents: Callable[[list[int]], list[SourceDocument]],
    all_ids: Callable[[], Iterable[int]],
) -> None:
    """Register (or replace) the provider of one document type; call it from an AppConfig.ready()."""
    if not doc_type or len(doc_type) > 20:
        raise ValueError("doc_type must be 1–20 characters")
    _providers[doc_type] = DocumentProvider(doc_type=doc_type, documents=documents, all_ids=all_ids)


def provider_for(doc_type: str) -> DocumentProvider:
    try:
        return _providers[doc_type]
    except KeyError:
        raise LookupError(f"no search provider registered for {doc_type!r}") from None


def registered_doc_types() -> list[str]:
    return sorted(_providers)
