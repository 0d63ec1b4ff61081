"""The product page's rating, review and Q&A blocks, cached as HTML per (product, review version, language).

A warm product page costs two cache reads for all three blocks (the version, then the three fragments in
one ``get_many``) and no query; a cold one a fixed handful of queries whatever the number of reviews. Nothing
user-specific is inside: interactive controls (helpful votes, the ask form) live on the review and Q&A pages.
"""

from __future__ import annotations

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.translation import get_language

from shequ.reviews import cache as review_cache
from shequ.reviews import selectors

BLOCKS = ("rating", "reviews", "qa")
BLOCK_TTL = 600
TOP_REVIEWS = 3
TOP_QUESTIONS = 3


def _key(name: str, product_id: int, version: int, language: str) -> str:
    return f"reviews:frag:{name}:{product_id}:{version}:{language}"


def _build(name: str, product_id: int, summary) -> str:
    # The rating row counts reviews and questions: a product nobody reviewed or asked about costs one query.
    context = {"summary": summary, "product_id": product_id}
    if name == "reviews":
        context["reviews"] = (
            selectors.review_top_for_product(product_id=product_id, limit=TOP_REVIEWS) if summary.review_count else []
        )
    elif name == "qa":
        context["questions"] = (
            selectors.question_top_for_product(product_id=product_id, limit=TOP_QUESTIONS)
            if summary.question_count
            else []
        )
    return render_to_string(f"reviews/blocks/{name}.html", context)


def product_blocks(*, product_id: int) -> dict[str, str]:
    """The three blocks' HTML for a product (built and cached when missing)."""
    version = review_cache.product_version(product_id)
    language = get_language() or ""
    keys = {name: _key(name, product_id, version, language) for name in BLOCKS}
    found = cache.get_many(list(keys.values()))
    blocks = {name: found.get(key) for name, key in keys.items()}
    missing = [name for name, html in blocks.items() if html is None]
    if missing:
        summary = selectors.product_rating(product_id=product_id)
        built = {name: _build(name, product_id, summary) for name in missing}
        cache.set_many({keys[name]: html for name, html in built.items()}, BLOCK_TTL)
        blocks.update(built)
    return blocks
