"""What other modules must hear about when the catalog changes.

These are plain callbacks registered by other apps (search re-indexes, caches drop), run after the
transaction commits — not Django model signals, so no business rule hides in a save().
"""

from __future__ import annotations

from collections.abc import Callable

_product_listeners: list[Callable[[list[int]], None]] = []


def on_products_changed(listener: Callable[[list[int]], None]) -> None:
    if listener not in _product_listeners:
        _product_listeners.append(listener)


def products_changed(product_ids: list[int]) -> None:
    for listener in list(_product_listeners):
        listener(product_ids)
