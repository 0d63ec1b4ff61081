"""Everything that happens to an order after it is placed: payment, cancellation (by the buyer or the clock),
address changes, shipping, delivery, confirmation and refunds. Each use case is one transaction that locks
the order row first (then, when needed, a flash sale and stock rows — always in that order, as placement
does, so two use cases never wait on each other in a cycle).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.accounts.access import address_get_for_user
from shequ.analytics.services import track
from shequ.catalog.services import products_add_sales
from shequ.core.domain_events import publish
from shequ.core.errors import Conflict, DomainError, InvalidInput
from shequ.coupons.services import coupon_consume, coupon_release
from shequ.inventory.services import stock_commit, stock_release
from shequ.orders import flashgate, integrations, soldout, state
from shequ.orders.calculations import money
from shequ.orders.conf import orders_setting
from shequ.orders.discounts import points_provider
from shequ.orders.models import FlashSale, FlashSalePurchase, Order, OrderEvent, OrderItem
from shequ.orders.models import OrderStatus as S
from shequ.orders.notices import order_notify

logger = logging.getLogger("shequ.orders")

BATCH = 200
SHIPPED_OR_LATER = frozenset({S.SHIPPED, S.DELIVERED, S.COMPLETED, S.REFUNDING, S.REFUNDED, S.CANCELLED})


def _release_holdings(order: Order) -> None:
    """Give back what the order held: flash-sale allowance, stock, coupon, points (caller holds the lock)."""
    flash_items = list(
        OrderItem.objects.filter(order=order, flash_sale__isnull=False)
        .order_by("flash_sale_id")
        .values_list("flash_sale_id", "quantity", "sku_id")
    )
    # Same lock order as placement: the person's flash allowance, then stock, then the flash sales' counters.
    for flash_sale_id, quantity, _sku_id in flash_items:
        FlashSalePurchase.objects.filter(
            flash_sale_id=flash_sale_id, user_id=order.user_id, quantity__gte=quantity
        ).update(quantity=F("quantity") - quantity)
    stock_release(order_id=order.pk)
    soldout.clear_sold_out(list(OrderItem.objects.filter(order=order).values_list("sku_id", flat=True)))
    for flash_sale_id, quantity, _sku_id in flash_items:
        FlashSale.objects.filter(pk=flash_sale_id, sold__gte=quantity).update(sold=F("sold") - quantity)
    # The flash sales' Redis gates get the units back once the database has them (orders/flashgate.py).
    flashgate.units_return_on_commit(
        lines=[(sku_id, flash_sale_id, quantity) for flash_sale_id, quantity, sku_id in flash_items],
        user_id=order.user_id,
    )
    coupon_release(order_id=order.pk)
    if order.points_used:
        points_provider().release(order_id=order.pk)


def _cancel_unpaid(order: Order, *, actor, reason: str, kind: str) -> Order:
    order.cancel_reason = reason[:120]
    state.apply(order, S.CANCELLED, actor=actor, kind=kind, message=reason[:300], extra_fields=("cancel_reason",))
    _release_holdings(order)  # last: the flash-sale and stock rows stay locked only until the commit
    return order


def order_cancel(*, order: Order, actor, reason: str = "") -> Order:
    """Cancel an order. Unpaid: cancelled at once and everything it held is given back. Paid but not shipped:
    the stock goes back and the payment is refunded (status ``refunding`` until PAYMENTS confirms)."""
    reason = (reason or "").strip()[:120]
    with transaction.atomic():
        locked = state.lock_order(order.pk)
        if locked.status == S.PENDING_PAYMENT:
            _cancel_unpaid(locked, actor=actor, reason=reason, kind="cancelled")
        elif locked.status == S.PAID:
            locked.cancelled_at = timezone.now()
            locked.cancel_reason = reason
            _release_holdings(locked)
            reference = f"cancel-{locked.number}"
            state.apply(
                locked,
                S.REFUNDING,
                actor=actor,
                kind="refund_requested",
                message=reason,
                data={"previous": S.PAID, "reference": reference, "cancelled": True},
                extra_fields=("cancelled_at", "cancel_reason"),
            )
            amount = locked.total - locked.refunded_total
            if amount > 0:
                transaction.on_commit(lambda: _refund_after_cancel(locked.pk, amount, reason, reference))
        else:
            raise Conflict(
                "order_not_cancellable",
                _("This order can no longer be cancelled. Request an after-sales service instead."),
                details={"status": locked.status},
            )
        track(
            actor if actor is not None else locked.user_id,
            "order_cancelled",
            {"order_number": locked.number, "total": str(locked.total), "was": "paid" if locked.paid_at else "unpaid"},
        )
    return locked


def _refund_after_cancel(order_id: int, amount: Decimal, reason: str, reference: str) -> None:
    order = Order.objects.get(pk=order_id)
    try:
        integrations.payment_refund(order=order, amount=amount, reason=reason or "cancelled", reference=reference)
    except DomainError as exc:  # the order stays "refunding": operators see it and can retry
        logger.warning("refund of cancelled order %s failed: %s", order.number, exc)


def orders_cancel_overdue(*, now: datetime | None = None) -> int:
    """Cancel unpaid orders past their payment deadline (every minute); return how many."""
    now = now or timezone.now()
    cancelled = 0
    while True:
        ids = list(
            Order.objects.filter(status=S.PENDING_PAYMENT, payment_deadline__lte=now)
            .order_by("payment_deadline", "id")
            .values_list("pk", flat=True)[:BATCH]
        )
        for order_id in ids:
            with transaction.atomic():
                # skip_locked: an order being paid right now is left alone; if it stays unpaid the next run
                # takes it.
                locked = Order.objects.select_for_update(skip_locked=True).filter(pk=order_id).first()
                if locked is None or locked.status != S.PENDING_PAYMENT or locked.payment_deadline > now:
                    continue
                _cancel_unpaid(locked, actor=None, reason="timeout", kind="timeout")
                track(locked.user_id, "order_cancelled", {"order_number": locked.number, "reason": "timeout"})
                cancelled += 1
        if len(ids) < BATCH:
            return cancelled


def order_change_address(*, order: Order, user, address_id: int | str) -> Order:
    """Send the order somewhere else (from the buyer's address book), only before it ships. The fee stays."""
    address = address_get_for_user(user=user, address_id=address_id)
    with transaction.atomic():
        locked = state.lock_order(order.pk)
        if locked.status not in (S.PENDING_PAYMENT, S.PAID):
            raise Conflict(
                "order_already_shipped",
                _("The address can only be changed before the order ships."),
                details={"status": locked.status},
            )
        before = {"province": locked.province, "city": locked.city}
        for name in ("recipient", "phone", "province", "city", "district", "detail", "postal_code"):
            setattr(locked, name, getattr(address, name))
        locked.save(
            update_fields=["recipient", "phone", "province", "city", "district", "detail", "postal_code", "updated_at"]
        )
        state.event_add(
            locked,
            "address_changed",
            data={"before": before, "after": {"province": address.province, "city": address.city}},
            actor=user,
        )
        order_notify(locked, "address_changed")
        track(user, "order_address_changed", {"order_number": locked.number})
    return locked


def order_confirm_receipt(*, order: Order, actor) -> Order:
    """The buyer says the goods arrived fine: delivered → completed."""
    with transaction.atomic():
        locked = state.lock_order(order.pk)
        state.apply(locked, S.COMPLETED, actor=actor, kind="completed")
        track(actor, "order_confirmed", {"order_number": locked.number, "total": str(locked.total)})
    return locked


def orders_auto_confirm(*, now: datetime | None = None) -> int:
    """Complete delivered orders nobody confirmed within AUTO_CONFIRM_DAYS (hourly); return how many."""
    now = now or timezone.now()
    done = 0
    while True:
        ids = list(
            Order.objects.filter(status=S.DELIVERED, auto_confirm_at__lte=now)
            .order_by("auto_confirm_at", "id")
            .values_list("pk", flat=True)[:BATCH]
        )
        for order_id in ids:
            with transaction.atomic():
                locked = Order.objects.select_for_update(skip_locked=True).filter(pk=order_id).first()
                if locked is None or locked.status != S.DELIVERED:
                    continue
                state.apply(locked, S.COMPLETED, kind="completed", data={"auto": True})
                done += 1
        if len(ids) < BATCH:
            return done


# --- called by PAYMENTS and LOGISTICS (see notes/commerce-contracts.md) -------------------------------------


def order_mark_paid(*, order_id: int, amount: Decimal, provider: str, paid_at: datetime, payment_ref: str) -> Order:
    """A payment succeeded. Idempotent for an order already paid; a cancelled order is ``order_not_payable``
    (the payment is then refunded by PAYMENTS); the amount must be the order's total."""
    with transaction.atomic():
        locked = state.lock_order(order_id)
        if locked.paid_at is not None and locked.status in state.PAID_STATUSES:
            return locked
        if locked.status != S.PENDING_PAYMENT:
            raise Conflict(
                "order_not_payable",
                _("This order can no longer be paid."),
                details={"status": locked.status},
            )
        if money(amount) != locked.total:
            raise Conflict(
                "amount_mismatch",
                _("The amount paid does not match the order total."),
                details={"expected": str(locked.total), "paid": str(money(amount))},
            )
        state.apply(
            locked,
            S.PAID,
            kind="paid",
            at=paid_at,
            data={"provider": provider, "payment_ref": payment_ref, "amount": str(locked.total)},
        )
        coupon_consume(order_id=locked.pk)
        sold: dict[int, int] = {}
        for product_id, quantity in locked.items.values_list("product_id", "quantity"):
            sold[product_id] = sold.get(product_id, 0) + quantity
        transaction.on_commit(lambda: products_add_sales(quantities=sold))
        if locked.points_used:
            points_provider().consume(order_id=locked.pk)
        track(
            locked.user_id,
            "order_paid",
            {
                "order_number": locked.number,
                "total": str(locked.total),
                "provider": provider,
                "coupon_code": locked.coupon_code,
                "kind": locked.kind,
                "channel": locked.channel,
                "utm_campaign": locked.utm_campaign,
            },
        )
    return locked


def order_ship(*, order: Order, carrier_code: str, tracking_no: str, actor=None) -> Order:
    """Hand the order to a carrier: paid → shipped, a shipment recorded by LOGISTICS, the reserved stock
    leaves the warehouse. Shipping the same order again with the same waybill changes nothing."""
    waybill = re.sub(r"\s+", "", tracking_no or "").upper()
    with transaction.atomic():
        locked = state.lock_order(order.pk)
        if (
            locked.status in SHIPPED_OR_LATER
            and OrderEvent.objects.filter(order=locked, kind="shipped", data__tracking_no=waybill).exists()
        ):
            return locked  # a retried ship call: already done
        if locked.status != S.PAID:
            raise Conflict(
                "illegal_transition",
                _("Only paid orders can be shipped."),
                details={"from": locked.status, "to": S.SHIPPED},
            )
        shipment = integrations.shipment_create(order=locked, carrier_code=carrier_code, tracking_no=waybill)
        stock_commit(order_id=locked.pk)
        locked.carrier_code = carrier_code
        state.apply(
            locked,
            S.SHIPPED,
            actor=actor,
            kind="shipped",
            data={"carrier_code": carrier_code, "tracking_no": shipment.tracking_no},
            extra_fields=("carrier_code",),
        )
    return locked


def order_mark_delivered(*, order_id: int, delivered_at: datetime) -> Order:
    """The carrier says it was delivered: shipped → delivered, and the auto-confirm clock starts."""
    with transaction.atomic():
        locked = state.lock_order(order_id)
        if locked.status in (S.DELIVERED, S.COMPLETED, S.REFUNDING, S.REFUNDED):
            return locked
        locked.auto_confirm_at = delivered_at + timedelta(days=int(orders_setting("AUTO_CONFIRM_DAYS")))
        state.apply(locked, S.DELIVERED, kind="delivered", at=delivered_at, extra_fields=("auto_confirm_at",))
    return locked


def _status_before_refund(order: Order) -> str:
    requested = OrderEvent.objects.filter(order=order, kind="refund_requested").order_by("-created_at", "-id").first()
    previous = (requested.data or {}).get("previous") if requested else None
    if previous in (S.PAID, S.SHIPPED, S.DELIVERED, S.COMPLETED):
        return previous
    return S.COMPLETED if order.delivered_at else (S.SHIPPED if order.shipped_at else S.PAID)


def order_refund_requested(*, order_id: int, reference: str) -> Order:
    """A refund started (after-sales, or a paid order cancelled before shipping): → refunding."""
    with transaction.atomic():
        locked = state.lock_order(order_id)
        if locked.status == S.REFUNDING:
            return locked
        if locked.status not in (S.PAID, S.SHIPPED, S.DELIVERED, S.COMPLETED):
            raise Conflict(
                "illegal_transition",
                _("This order cannot be refunded."),
                details={"from": locked.status, "to": S.REFUNDING},
            )
        state.apply(
            locked,
            S.REFUNDING,
            kind="refund_requested",
            data={"previous": locked.status, "reference": reference[:64]},
        )
    return locked


def order_refund_closed(*, order_id: int, reference: str) -> Order:
    """A refund request ended without (more) money back (rejected, withdrawn): back to where the order was."""
    with transaction.atomic():
        locked = state.lock_order(order_id)
        if locked.status != S.REFUNDING:
            return locked
        state.apply(
            locked,
            _status_before_refund(locked),
            kind="refund_closed",
            data={"reference": reference[:64]},
            notify=False,
        )
    return locked


def order_apply_refund(*, order_id: int, amount: Decimal, items: list[tuple[int, int]] | None, reference: str) -> Order:
    """PAYMENTS refunded ``amount`` (for ``items``: (order item id, quantity)). Refunded in full → ``refunded``;
    partly → the order keeps (or returns to) its status. The same ``reference`` twice changes nothing."""
    amount = money(amount)
    if amount <= 0:
        raise InvalidInput("refund_amount_invalid", _("The refund amount must be positive."))
    with transaction.atomic():
        locked = state.lock_order(order_id)
        if OrderEvent.objects.filter(order=locked, data__refund_reference=reference).exists():
            return locked
        if locked.status not in (S.PAID, S.SHIPPED, S.DELIVERED, S.COMPLETED, S.REFUNDING):
            raise Conflict("illegal_transition", _("This order cannot be refunded."), details={"from": locked.status})
        if locked.refunded_total + amount > locked.total:
            raise Conflict(
                "refund_exceeds_total",
                _("That is more than is left to refund on this order."),
                details={"refundable": str(locked.total - locked.refunded_total)},
            )
        for item_id, quantity in items or []:
            updated = OrderItem.objects.filter(
                order=locked, pk=item_id, refunded_quantity__lte=F("quantity") - quantity
            ).update(refunded_quantity=F("refunded_quantity") + quantity)
            if quantity <= 0 or not updated:
                raise Conflict(
                    "refund_exceeds_quantity",
                    _("That is more of this item than is left to refund."),
                    details={"order_item_id": item_id},
                )
        locked.refunded_total = F("refunded_total") + amount
        locked.save(update_fields=["refunded_total", "updated_at"])
        locked.refresh_from_db()
        data = {"amount": str(amount), "refund_reference": reference[:64], "items": [list(i) for i in items or []]}
        if locked.refunded_total >= locked.total:
            if locked.status != S.REFUNDING:
                state.apply(
                    locked, S.REFUNDING, kind="refund_requested", data={"previous": locked.status}, notify=False
                )
            stock_release(order_id=locked.pk)  # a paid order refunded before shipping holds no stock any more
            state.apply(locked, S.REFUNDED, kind="refunded", data=data)
        elif locked.status == S.REFUNDING:
            state.apply(locked, _status_before_refund(locked), kind="refund_applied", data=data, notify=False)
            order_notify(locked, "refund_applied", amount=amount)
        else:
            state.event_add(locked, "refund_applied", data=data)
            order_notify(locked, "refund_applied", amount=amount)
        track(locked.user_id, "order_refunded", {"order_number": locked.number, "amount": str(amount)})
        publish(
            "order.refund_applied",
            order_id=locked.pk,
            order_number=locked.number,
            user_id=locked.user_id,
            amount=str(amount),
            refunded_total=str(locked.refunded_total),
            total=str(locked.total),
            reference=reference[:64],
        )
    return locked
