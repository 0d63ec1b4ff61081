"""Reads of stock for other modules (catalog listing, product pages, checkout)."""

from __future__ import annotations

from shequ.inventory.models import StockLevel


def available_by_sku(*, sku_ids: list[int]) -> dict[int, int]:
    """Units a buyer can take now, per SKU (missing SKUs have none)."""
    if not sku_ids:
        return {}
    rows = StockLevel.objects.filter(sku_id__in=sku_ids).values_list("sku_id", "on_hand", "reserved")
    return {sku_id: on_hand - reserved for sku_id, on_hand, reserved in rows}


def stock_by_sku(*, sku_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(on hand, reserved) per SKU (missing SKUs have no stock row yet: treat as (0, 0))."""
    if not sku_ids:
        return {}
    rows = StockLevel.objects.filter(sku_id__in=sku_ids).values_list("sku_id", "on_hand", "reserved")
    return {sku_id: (on_hand, reserved) for sku_id, on_hand, reserved in rows}


def stock_movements_recent(*, sku_id: int, limit: int = 10) -> list:
    """The latest movements of one SKU, newest first (the stock page shows them beside the count)."""
    from shequ.inventory.models import StockMovement

    return list(StockMovement.objects.filter(sku_id=sku_id).order_by("-created_at", "-id")[:limit])
