"""Change stock. Every change locks the stock row, checks the rule, updates, and writes a movement."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.core.errors import Conflict, DomainError, InvalidInput
from shequ.core.prepared import prepared_cursor
from shequ.inventory.models import (
    MovementKind,
    ReservationStatus,
    StockLevel,
    StockMovement,
    StockReservation,
)


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


def stock_threshold_set(*, sku_id: int, threshold: int) -> StockLevel:
    """Set below how many available units a SKU is flagged as low on stock."""
    if threshold < 0:
        raise InvalidInput("threshold_invalid", _("The threshold cannot be negative."))
    with transaction.atomic():
        level = _locked_level(sku_id)
        if level.low_stock_threshold != threshold:
            level.low_stock_threshold = threshold
            level.save(update_fields=["low_stock_threshold", "updated_at"])
        return level


# --- reservations for orders ------------------------------------------------------------------------------
# The buy path: one conditional UPDATE per SKU (no read-then-write, no table lock), SKUs in id order so two
# orders never wait on each other in a cycle, and the ledger rows inserted *before* the hot UPDATEs so the
# stock row stays locked only for the rest of the caller's (short) transaction.


def _order_reference(order_id: int) -> str:
    return f"order:{order_id}"


def _merged_lines(lines: list[tuple[int, int]]) -> dict[int, int]:
    wanted: dict[int, int] = {}
    for sku_id, quantity in lines:
        if quantity <= 0:
            raise InvalidInput("quantity_invalid", _("Quantity must be positive."))
        wanted[int(sku_id)] = wanted.get(int(sku_id), 0) + int(quantity)
    return dict(sorted(wanted.items()))


def _shift_level(*, sku_id: int, on_hand: int, reserved: int, require_available: int = 0) -> int | None:
    """Apply deltas to one stock row if the rule holds; return the new available count, None if refused.

    One statement: the row is locked, re-checked against its latest committed value and changed, so
    concurrent buyers can never both take the last unit.
    """
    table = StockLevel._meta.db_table
    condition = "on_hand - reserved >= %s" if require_available else "reserved + %s >= 0"
    condition_param = require_available if require_available else reserved
    with prepared_cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET on_hand = on_hand + %s, reserved = reserved + %s, updated_at = %s "  # noqa: S608
            f"WHERE sku_id = %s AND {condition} RETURNING on_hand - reserved",
            [on_hand, reserved, connection.ops.adapt_datetimefield_value(timezone.now()), sku_id, condition_param],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def stock_reserve(*, order_id: int, lines: list[tuple[int, int]]) -> None:
    """Hold stock for an order: every line or none (raises Conflict ``out_of_stock`` naming the SKU)."""
    with transaction.atomic():
        sold_out = stock_reserve_in_transaction(order_id=order_id, lines=lines)
        if sold_out:
            _touch_products(sold_out)  # the product may have just sold out: its in-stock flag follows


def stock_reserve_in_transaction(*, order_id: int, lines: list[tuple[int, int]]) -> list[int]:
    """``stock_reserve`` for a caller that owns the transaction and rolls all of it back on Conflict. Returns the
    SKUs it sold out; the caller touches their products (after commit is fine: it only refreshes a flag)."""
    stock_reservations_add(order_id=order_id, lines=lines)
    return stock_levels_take(lines=lines)


def stock_reservations_add(*, order_id: int, lines: list[tuple[int, int]]) -> None:
    """The ledger half of a reservation (reservation and movement rows), written before the stock rows are
    locked by ``stock_levels_take`` in the same transaction. Caller owns the transaction."""
    wanted = _merged_lines(lines)
    if not wanted:
        return
    reference = _order_reference(order_id)
    StockReservation.objects.bulk_create(
        [StockReservation(sku_id=sku_id, order_id=order_id, quantity=q) for sku_id, q in wanted.items()]
    )
    StockMovement.objects.bulk_create(
        [
            StockMovement(sku_id=sku_id, kind=MovementKind.RESERVE, reserved_delta=q, reference=reference)
            for sku_id, q in wanted.items()
        ]
    )


def stock_levels_take(*, lines: list[tuple[int, int]]) -> list[int]:
    """The hot half: one conditional UPDATE per SKU in id order (Conflict ``out_of_stock`` when one cannot give
    the quantity; the caller rolls back). Returns the SKUs now sold out. Caller owns the transaction."""
    sold_out = []
    for sku_id, quantity in _merged_lines(lines).items():
        available = _shift_level(sku_id=sku_id, on_hand=0, reserved=quantity, require_available=quantity)
        if available is None:
            level = StockLevel.objects.filter(sku_id=sku_id).values_list("on_hand", "reserved").first()
            on_hand, reserved = level or (0, 0)
            raise Conflict(
                "out_of_stock",
                _("Sorry, there is not enough stock left for this item."),
                details={"sku_id": sku_id, "available": max(0, on_hand - reserved)},
            )
        if available == 0:
            sold_out.append(sku_id)
    return sold_out


def stock_products_touch(*, sku_ids: list[int]) -> None:
    """Refresh the products of these SKUs (in-stock flags) — for callers of ``stock_reserve_in_transaction``."""
    if sku_ids:
        with transaction.atomic():
            _touch_products(sku_ids)


def stock_release(*, order_id: int) -> None:
    """Give back what an order still holds (cancelled or timed out). Safe to call again."""
    with transaction.atomic():
        held = list(
            StockReservation.objects.select_for_update()
            .filter(order_id=order_id, status=ReservationStatus.RESERVED)
            .order_by("sku_id")
        )
        if not held:
            return
        back_in_stock = []
        for reservation in held:
            available = _shift_level(sku_id=reservation.sku_id, on_hand=0, reserved=-reservation.quantity)
            if available is not None and available == reservation.quantity:
                back_in_stock.append(reservation.sku_id)
        StockReservation.objects.filter(pk__in=[r.pk for r in held]).update(
            status=ReservationStatus.RELEASED, updated_at=timezone.now()
        )
        reference = _order_reference(order_id)
        StockMovement.objects.bulk_create(
            [
                StockMovement(
                    sku_id=r.sku_id, kind=MovementKind.RELEASE, reserved_delta=-r.quantity, reference=reference
                )
                for r in held
            ]
        )
        if back_in_stock:
            _touch_products(back_in_stock)


def stock_commit(*, order_id: int) -> None:
    """The order's goods left the warehouse: what it held leaves on-hand stock. Safe to call again."""
    with transaction.atomic():
        held = list(
            StockReservation.objects.select_for_update()
            .filter(order_id=order_id, status=ReservationStatus.RESERVED)
            .order_by("sku_id")
        )
        if not held:
            return
        for reservation in held:
            _shift_level(sku_id=reservation.sku_id, on_hand=-reservation.quantity, reserved=-reservation.quantity)
        StockReservation.objects.filter(pk__in=[r.pk for r in held]).update(
            status=ReservationStatus.COMMITTED, updated_at=timezone.now()
        )
        reference = _order_reference(order_id)
        StockMovement.objects.bulk_create(
            [
                StockMovement(
                    sku_id=r.sku_id,
                    kind=MovementKind.SHIP,
                    on_hand_delta=-r.quantity,
                    reserved_delta=-r.quantity,
                    reference=reference,
                )
                for r in held
            ]
        )


def stock_return(*, sku_id: int, quantity: int, reference: str) -> None:
    """Returned goods that can be sold again go back on hand."""
    if quantity <= 0:
        raise InvalidInput("quantity_invalid", _("Quantity must be positive."))
    with transaction.atomic():
        level = _locked_level(sku_id)
        was_available = level.available
        level.on_hand += quantity
        level.save(update_fields=["on_hand", "updated_at"])
        StockMovement.objects.create(
            sku_id=sku_id, kind=MovementKind.RETURN, on_hand_delta=quantity, reference=reference[:64]
        )
        if was_available <= 0:
            _touch_products([sku_id])


def stock_issue(*, sku_id: int, quantity: int, reference: str) -> None:
    """Units leave the warehouse outside an order (an exchange's replacement): never below what orders hold."""
    if quantity <= 0:
        raise InvalidInput("quantity_invalid", _("Quantity must be positive."))
    with transaction.atomic():
        level = _locked_level(sku_id)
        if level.available < quantity:
            raise Conflict(
                "out_of_stock",
                _("Not enough stock: %(available)d available.") % {"available": max(level.available, 0)},
                details={"sku_id": sku_id, "available": max(level.available, 0)},
            )
        level.on_hand -= quantity
        level.save(update_fields=["on_hand", "updated_at"])
        StockMovement.objects.create(
            sku_id=sku_id, kind=MovementKind.SHIP, on_hand_delta=-quantity, reference=reference[:64]
        )
        if level.available <= 0:
            _touch_products([sku_id])


def stock_set_many(
    *,
    counts: dict[int, int],
    reasons: dict[int, str] | None = None,
    actor_id: int | None = None,
    kind: str = MovementKind.IMPORT,
) -> dict[int, int | DomainError]:
    """Set the counted quantity of many SKUs at once (stock imports), with ``stock_set``'s rule and a ledger
    row per change. All rows are locked up front in SKU order, so two batches (or a batch and checkout) never
    deadlock, and the checks run on the locked values. Returns per SKU the change made, or the error that
    refused it (nothing is written for that SKU). The caller touches the products once for the batch."""
    reasons = reasons or {}
    results: dict[int, int | DomainError] = {}
    for sku_id, on_hand in counts.items():
        if on_hand < 0:
            results[sku_id] = InvalidInput("stock_negative", _("Stock cannot be negative."))
    wanted = sorted(sku_id for sku_id in counts if sku_id not in results)
    with transaction.atomic():
        levels: dict[int, StockLevel] = {}
        for start in range(0, len(wanted), 2000):
            chunk = wanted[start : start + 2000]
            existing = set(StockLevel.objects.filter(sku_id__in=chunk).values_list("sku_id", flat=True))
            StockLevel.objects.bulk_create(
                [StockLevel(sku_id=sku_id) for sku_id in chunk if sku_id not in existing], ignore_conflicts=True
            )
            levels.update(
                (level.sku_id, level)
                for level in StockLevel.objects.select_for_update().filter(sku_id__in=chunk).order_by("sku_id")
            )
        now = timezone.now()
        changed: list[StockLevel] = []
        movements: list[StockMovement] = []
        for sku_id in wanted:
            level, on_hand = levels[sku_id], counts[sku_id]
            if on_hand < level.reserved:
                results[sku_id] = Conflict(
                    "stock_below_reserved",
                    _("%(reserved)d units are held by open orders; stock cannot be set below that.")
                    % {"reserved": level.reserved},
                )
                continue
            delta = on_hand - level.on_hand
            results[sku_id] = delta
            if delta:
                level.on_hand, level.updated_at = on_hand, now
                changed.append(level)
                movements.append(
                    StockMovement(
                        sku_id=sku_id,
                        kind=kind,
                        on_hand_delta=delta,
                        reference=reasons.get(sku_id, "")[:64],
                        actor_id=actor_id,
                    )
                )
        # One plain UPDATE per distinct count (counts repeat a lot) instead of bulk_update's CASE per row,
        # which Django compiles slowly; the rows are locked, so the values written are the values checked.
        by_count: dict[int, list[int]] = {}
        for level in changed:
            by_count.setdefault(level.on_hand, []).append(level.sku_id)
        for on_hand, sku_ids in by_count.items():
            for start in range(0, len(sku_ids), 2000):
                StockLevel.objects.filter(sku_id__in=sku_ids[start : start + 2000]).update(
                    on_hand=on_hand, updated_at=now
                )
        StockMovement.objects.bulk_create(movements, batch_size=500)
    return results
