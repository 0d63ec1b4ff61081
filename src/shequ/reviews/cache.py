"""A per-product version for everything the review module shows on the product page.

The product page's rating, review and Q&A blocks are cached as HTML under keys that contain this version
(blocks.py); every review, follow-up, reply, helpful vote, question or answer on the product bumps it after
commit, so the next page view builds fresh blocks and old entries simply expire.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import transaction

from shequ.core import fragment_cache

VERSION_TTL = 7 * 24 * 3600


def _key(product_id: int) -> str:
    return f"reviews:pv:{product_id}"


def product_version(product_id: int) -> int:
    """The current version of the product's community blocks (one cache read, reused in this process for a
    moment: fragment_cache.get_fresh)."""

    def load() -> int:
        value = cache.get(_key(product_id))
        if value is None:
            value = time.time_ns()
            cache.add(_key(product_id), value, VERSION_TTL)
            value = cache.get(_key(product_id), value)
        return int(value)

    return fragment_cache.get_fresh(_key(product_id), load)


def _bump(product_id: int) -> None:
    fragment_cache.forget_fresh()
    try:
        cache.incr(_key(product_id))
    except ValueError:  # not cached (or expired): any new value will do
        cache.set(_key(product_id), time.time_ns(), VERSION_TTL)


def product_changed(product_id: int) -> None:
    """Schedule the bump for after the current transaction commits (immediately outside one)."""
    transaction.on_commit(lambda: _bump(product_id))
