"""Change stock. Every change locks the stock row, checks the rule, updates, and writes a movement."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shequ.core.errors import Conflict, InvalidInput
from shequ.inventory.models import MovementKind, StockLevel, StockMovement


def _locked_level(sku_id: int) -> StockLevel:
    level, _created = StockLevel.objects.get_or_create(sku_id=sku_id)
    return StockLevel.objects.select_for_update().get(pk=level.pk)


def _touch_products(sku_ids: list[int]) -> None:
    from shequ.catalog.selectors import product_ids_for_skus
    from shequ.catalog.services import products_touch

    products_touch(product_ids=product_ids_for_skus(sku_ids=sku_ids))


def stock_set(
    *, sku_id: int, on_hand: int, reason: str = "", actor_id: int | None = None, kind: str = MovementKind.ADJUST
) -> StockLevel:
    """Set the counted quantity on hand (stock-take, import). It may not drop below what orders hold."""
    if on_hand < 0:
        raise InvalidInput("stock_negative", _("Stock cannot be negative."))
    with transaction.atomic():
        level = _locked_level(sku_id)
        if on_hand < level.reserved:
            raise Conflict(
                "stock_below_reserved",
                _("%(reserved)d units are held by open orders; stock cannot be set below that.")
                % {"reserved": level.reserved},
            )
        delta = on_hand - level.on_hand
        if delta:
            level.on_hand = on_hand
            level.save(update_fields=["on_hand", "updated_at"])
            StockMovement.objects.create(
                sku_id=sku_id, kind=kind, on_hand_delta=delta, reference=reason[:64], actor_id=actor_id
            )
            _touch_products([sku_id])
        return level


def stock_receive(*, sku_id: int, quantity: int, reference: str = "", actor_id: int | None = None) -> StockLevel:
    """Goods arrived in the warehouse."""
    if quantity <= 0:
        raise InvalidInput("quantity_invalid", _("Quantity must be positive."))
    with transaction.atomic():
        level = _locked_level(sku_id)
        level.on_hand += quantity
        level.save(update_fields=["on_hand", "updated_at"])
        StockMovement.objects.create(
            sku_id=sku_id,
            kind=MovementKind.RECEIVE,
            on_hand_delta=quantity,
            reference=reference[:64],
            actor_id=actor_id,
        )
        _touch_products([sku_id])
        return level
