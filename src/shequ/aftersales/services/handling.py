"""What operators do with a request: approve, reject, take the goods back, refund, send a replacement.

Each step locks the request, checks the state machine (409 otherwise), appends to the timeline, writes the
audit log (these steps move a person's money and goods), and tells the buyer.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.aftersales.error_codes import AfterSalesErrorCode as Code
from shequ.aftersales.models import AfterSaleKind, AfterSaleRequest, AfterSaleStatus
from shequ.aftersales.services.common import aftersale_lock, buyer_notify, event_add
from shequ.aftersales.state import transition_check
from shequ.audit.models import AuditAction
from shequ.audit.services import audit_record
from shequ.core.errors import Conflict, DomainError, InvalidInput

MAX_NOTE = 500


def _note(value: str, *, required: bool = False) -> str:
    note = (value or "").strip()[:MAX_NOTE]
    if required and not note:
        raise InvalidInput(Code.NOTE_REQUIRED, _("Write a note for the buyer."), details={"field": "note"})
    return note


def _move(aftersale: AfterSaleRequest, *, to: str, actor, note: str, ip: str, changes: dict | None = None) -> None:
    """Apply a checked transition to the locked request: status, note, timeline, audit."""
    previous = aftersale.status
    aftersale.status = to
    if note:
        aftersale.operator_note = note
    if to in (AfterSaleStatus.REJECTED, AfterSaleStatus.REFUNDED, AfterSaleStatus.EXCHANGED):
        aftersale.resolved_at = timezone.now()
    aftersale.save()
    event_add(aftersale, note=note, actor_id=getattr(actor, "pk", None))
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=aftersale,
        changes={"status": [previous, to], **(changes or {})},
        reason=note or f"aftersale {to}",
        ip=ip,
    )


def aftersale_approve(*, aftersale: AfterSaleRequest, actor, note: str = "", ip: str = "") -> AfterSaleRequest:
    """Accept the request. Returns and exchanges now wait for the goods; refund-only waits for the refund."""
    with transaction.atomic():
        locked = aftersale_lock(aftersale)
        transition_check(locked, AfterSaleStatus.APPROVED)
        _move(locked, to=AfterSaleStatus.APPROVED, actor=actor, note=_note(note), ip=ip)
        message = "approved_refund" if locked.kind == AfterSaleKind.REFUND_ONLY else "approved_return"
        buyer_notify(locked, message, amount=locked.refund_amount)
        return locked


def aftersale_reject(*, aftersale: AfterSaleRequest, actor, note: str, ip: str = "") -> AfterSaleRequest:
    """Decline the request; the note (required) tells the buyer why."""
    note = _note(note, required=True)
    with transaction.atomic():
        locked = aftersale_lock(aftersale)
        transition_check(locked, AfterSaleStatus.REJECTED)
        _move(locked, to=AfterSaleStatus.REJECTED, actor=actor, note=note, ip=ip)
        buyer_notify(locked, "rejected", note=note)
        return locked


def aftersale_goods_received(
    *, aftersale: AfterSaleRequest, actor, sellable: bool, note: str = "", ip: str = ""
) -> AfterSaleRequest:
    """The returned goods arrived. Sellable goods of a return go back into stock.

    For an exchange the same SKU goes straight back out as the replacement, so sellable returned units are
    not put into stock (they would be taken out again at once).
    """
    from shequ.inventory.services import stock_return

    with transaction.atomic():
        locked = aftersale_lock(aftersale)
        transition_check(locked, AfterSaleStatus.GOODS_RETURNED)
        locked.restock = bool(sellable)
        _move(
            locked,
            to=AfterSaleStatus.GOODS_RETURNED,
            actor=actor,
            note=_note(note),
            ip=ip,
            changes={"restock": locked.restock},
        )
        if locked.restock and locked.kind == AfterSaleKind.RETURN:
            for item in locked.items.select_related("order_item").order_by("order_item__sku_id"):
                stock_return(sku_id=item.order_item.sku_id, quantity=item.quantity, reference=locked.number)
        buyer_notify(locked, "goods_returned")
        return locked


def _refund_amount(locked: AfterSaleRequest, amount: Decimal | str | None) -> Decimal:
    ceiling = locked.refund_amount
    if amount is not None and amount != "":
        try:
            value = Decimal(str(amount)).quantize(Decimal("0.01"))
        except InvalidOperation as exc:
            raise InvalidInput(Code.AMOUNT_INVALID, _("Enter an amount in yuan."), details={"field": "amount"}) from exc
        if not value.is_finite() or value <= 0 or value > ceiling:
            raise InvalidInput(
                Code.AMOUNT_INVALID,
                _("The refund must be more than ¥0 and at most ¥%(max)s.") % {"max": ceiling},
                details={"field": "amount", "max": str(ceiling)},
            )
        ceiling = value
    left = locked.order.total - locked.order.refunded_total
    value = min(ceiling, left)
    if value <= 0:
        raise Conflict(Code.NOTHING_TO_REFUND, _("Nothing is left to refund on this order."))
    return value


def aftersale_refund(
    *, aftersale: AfterSaleRequest, actor, note: str = "", amount: Decimal | str | None = None, ip: str = ""
) -> AfterSaleRequest:
    """Pay the money back through the payment provider (refund-only once approved; returns once received).

    ``amount`` may lower the refund below what was computed for the units (a partial refund agreed with the
    buyer), never raise it. Three steps, deliberately not one transaction: (1) check and mark the order
    "refunding"; (2) PAYMENTS records the refund, commits it and only then calls the provider — wrapping that
    in our transaction would hold locks across the network and could roll back the record of money that did
    leave; the request number is the refund's idempotency reference, so a retry or a double click never pays
    twice; (3) record the outcome here. ORDERS records the refund on the order when the provider confirms it.
    """
    from shequ.orders.services import order_refund_closed, order_refund_requested
    from shequ.payments.models import RefundStatus
    from shequ.payments.services import payment_refund

    with transaction.atomic():
        locked = aftersale_lock(aftersale)
        transition_check(locked, AfterSaleStatus.REFUNDED)
        value = _refund_amount(locked, amount)
        units = list(locked.items.order_by("order_item_id").values_list("order_item_id", "quantity"))
        order = order_refund_requested(order_id=locked.order_id, reference=locked.number)
    try:
        refund = payment_refund(
            order=order,
            amount=value,
            reason=f"{locked.number} {locked.get_reason_display()}"[:120],
            reference=locked.number,
            items=units,  # so the order shows which units were refunded
        )
    except DomainError:
        order_refund_closed(order_id=locked.order_id, reference=locked.number)  # the order goes back to its state
        raise
    if refund.status == RefundStatus.SUCCEEDED:
        # Normally ORDERS already moved the order on when the refund succeeded; this only matters when the
        # refund had been made by an earlier attempt that stopped before step 3.
        order_refund_closed(order_id=locked.order_id, reference=locked.number)
    with transaction.atomic():
        locked = aftersale_lock(aftersale)
        if locked.status == AfterSaleStatus.REFUNDED:
            return locked  # a concurrent attempt recorded it (the same refund: same reference)
        transition_check(locked, AfterSaleStatus.REFUNDED)
        computed = locked.refund_amount
        locked.refund_amount = refund.amount
        _move(
            locked,
            to=AfterSaleStatus.REFUNDED,
            actor=actor,
            note=_note(note),
            ip=ip,
            changes={
                "refund_amount": str(refund.amount),
                "computed_amount": str(computed),
                "refund": refund.out_refund_no,
                "refund_status": refund.status,
            },
        )
        # No inbox message of our own here: ORDERS tells the buyer "refund in progress" / "refund sent ¥…".
        return locked


def aftersale_mark_exchanged(
    *, aftersale: AfterSaleRequest, actor, carrier_code: str, tracking_no: str, note: str = "", ip: str = ""
) -> AfterSaleRequest:
    """The replacement left the warehouse: record its shipment on the order (the buyer can track it)."""
    from shequ.inventory.services import stock_issue
    from shequ.logistics.services import shipment_create

    with transaction.atomic():
        locked = aftersale_lock(aftersale)
        transition_check(locked, AfterSaleStatus.EXCHANGED)
        if not locked.restock:
            # The returned units were not sellable, so the replacement comes out of stock.
            for item in locked.items.select_related("order_item").order_by("order_item__sku_id"):
                stock_issue(sku_id=item.order_item.sku_id, quantity=item.quantity, reference=locked.number)
        shipment = shipment_create(order=locked.order, carrier_code=carrier_code, tracking_no=tracking_no)
        waybill = f"{shipment.carrier.name} {shipment.tracking_no}"
        _move(
            locked,
            to=AfterSaleStatus.EXCHANGED,
            actor=actor,
            note=_note(note) or waybill,
            ip=ip,
            changes={"shipment_id": shipment.pk, "tracking_no": shipment.tracking_no},
        )
        buyer_notify(locked, "exchanged", carrier=shipment.carrier.name, tracking_no=shipment.tracking_no)
        return locked
