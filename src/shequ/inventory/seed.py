"""Opening stock for demo and benchmark catalogs, written in bulk.

The catalog seeder calls this for the SKUs it has just created: one StockLevel per SKU and, for every SKU
with stock, one "set by import" movement, so the ledger adds up to what is on hand from the first day.
"""

from __future__ import annotations

from collections.abc import Iterable

from shequ.inventory.models import MovementKind, StockLevel, StockMovement

BATCH_SIZE = 1000


def stock_seed(*, levels: Iterable[tuple[int, int, int]], reference: str = "demo opening stock") -> int:
    """Create stock for new SKUs from (sku_id, on_hand, low_stock_threshold); return how many levels."""
    rows = [
        StockLevel(sku_id=sku_id, on_hand=on_hand, low_stock_threshold=threshold)
        for sku_id, on_hand, threshold in levels
    ]
    StockLevel.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    StockMovement.objects.bulk_create(
        [
            StockMovement(sku_id=row.sku_id, kind=MovementKind.IMPORT, on_hand_delta=row.on_hand, reference=reference)
            for row in rows
            if row.on_hand
        ],
        batch_size=BATCH_SIZE,
    )
    return len(rows)
