"""Reads of stock for other modules (catalog listing, product pages, checkout)."""

from __future__ import annotations

from shequ.inventory.models import StockLevel


def available_by_sku(*, sku_ids: list[int]) -> dict[int, int]:
    """Units a buyer can take now, per SKU (missing SKUs have none)."""
    if not sku_ids:
        return {}
    rows = StockLevel.objects.filter(sku_id__in=sku_ids).values_list("sku_id", "on_hand", "reserved")
    return {sku_id: on_hand - reserved for sku_id, on_hand, reserved in rows}
