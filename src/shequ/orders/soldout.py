"""A short (two-second) "sold out" note per SKU in the shared cache, so that when thousands of buyers storm a flash sale
that has just sold out, the losers are answered from Redis instead of each running the full quote.

It only ever says no for a moment: the database decides every sale (conditional UPDATEs), a cancellation
clears the note at once, and anything else that brings stock back (a delivery, a stock-take) is seen within
two seconds when the note expires.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from shequ.orders.conf import orders_setting


def _key(sku_id: int) -> str:
    return f"orders:soldout:{sku_id}"


def is_sold_out(sku_id: int) -> bool:
    return bool(cache.get(_key(sku_id)))


def mark_sold_out(sku_ids: list[int]) -> None:
    """Note that these SKUs cannot be bought right now (after the current transaction commits)."""
    if sku_ids:
        keys = {_key(sku_id): 1 for sku_id in sku_ids}
        seconds = int(orders_setting("SOLD_OUT_SECONDS"))
        transaction.on_commit(lambda: cache.set_many(keys, seconds))


def clear_sold_out(sku_ids: list[int]) -> None:
    """Stock came back for these SKUs (after the current transaction commits)."""
    if sku_ids:
        keys = [_key(sku_id) for sku_id in sku_ids]
        transaction.on_commit(lambda: cache.delete_many(keys))
