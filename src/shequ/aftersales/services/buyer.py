"""What a buyer does: ask for a return, exchange or refund; withdraw it; send the goods back."""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Sequence
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.aftersales import selectors
from shequ.aftersales.error_codes import AfterSalesErrorCode as Code
from shequ.aftersales.models import (
    AfterSaleItem,
    AfterSaleKind,
    AfterSalePhoto,
    AfterSaleReason,
    AfterSaleRequest,
    AfterSaleStatus,
)
from shequ.aftersales.photos import photos_process
from shequ.aftersales.services.common import aftersale_lock, buyer_notify, event_add
from shequ.aftersales.state import transition_check
from shequ.analytics.services import track
from shequ.core.errors import Conflict, InvalidInput
from shequ.orders.models import OrderStatus

HTML_RE = re.compile(r"<\s*[a-zA-Z/!?]|&[a-zA-Z]+;|&#")
MAX_DESCRIPTION = 500
MAX_LINES = 50


def _clean_text(value: str) -> str:
    value = unicodedata.normalize("NFC", value or "")
    return "".join(ch for ch in value if ch in "\n" or unicodedata.category(ch)[0] != "C").strip()


def description_clean(value: str) -> str:
    text = _clean_text(value)
    if HTML_RE.search(text):
        raise InvalidInput(
            Code.DESCRIPTION_INVALID,
            _("Describe the problem in plain text, without HTML."),
            details={"field": "description"},
        )
    if len(text) > MAX_DESCRIPTION:
        raise InvalidInput(
            Code.DESCRIPTION_INVALID, _("Keep the description under 500 characters."), details={"field": "description"}
        )
    return text


def _choice(value: str, choices, code: str, field: str, message) -> str:
    if value not in choices.values:
        raise InvalidInput(code, message, details={"field": field})
    return value


def _order_for_buyer(*, user, order_number: str):
    from shequ.orders.access import order_get_for_user  # imported here: orders may import after-sales

    return order_get_for_user(user=user, number=order_number)


def _order_check(order, kind: str) -> None:
    if order.status not in selectors.ELIGIBLE_ORDER_STATUSES:
        raise Conflict(
            Code.ORDER_NOT_ELIGIBLE,
            _("After-sales is not available for this order in its current state."),
            details={"order_status": order.status},
        )
    received = order.delivered_at or order.completed_at
    if kind != AfterSaleKind.REFUND_ONLY and received is None:
        raise Conflict(
            Code.GOODS_NOT_RECEIVED,
            _("Returns and exchanges are possible once the parcel has arrived. Choose refund only instead."),
            details={"field": "kind"},
        )
    if not selectors.window_open(order=order):
        raise Conflict(
            Code.WINDOW_CLOSED,
            _("The after-sales period for this order has ended."),
            details={"closed_at": selectors.window_closes_at(order=order).isoformat()},
        )


def _claims(order, items: Sequence[tuple[int, int]]) -> tuple[list[tuple[object, int]], Decimal, bool]:
    """([(order item, quantity)], refund value, whether the claim takes every unit still unclaimed)."""
    if not items or len(items) > MAX_LINES:
        raise InvalidInput(Code.ITEMS_INVALID, _("Choose at least one item."), details={"field": "items"})
    wanted: dict[int, int] = {}
    for item_id, quantity in items:
        if not isinstance(quantity, int) or quantity < 0 or not isinstance(item_id, int):
            raise InvalidInput(Code.ITEMS_INVALID, _("Quantities must be whole numbers."), details={"field": "items"})
        wanted[item_id] = wanted.get(item_id, 0) + quantity
    wanted = {item_id: quantity for item_id, quantity in wanted.items() if quantity > 0}
    if not wanted:
        raise InvalidInput(Code.ITEMS_INVALID, _("Choose at least one item."), details={"field": "items"})
    lines = {line.order_item.pk: line for line in selectors.claimable_lines(order=order)}
    chosen, value = [], Decimal("0.00")
    for item_id, quantity in sorted(wanted.items()):
        line = lines.get(item_id)
        if line is None:  # not a line of this order: say nothing about whose it is
            raise InvalidInput(
                Code.ITEMS_INVALID, _("That item is not part of this order."), details={"field": "items"}
            )
        if quantity > line.claimable:
            raise InvalidInput(
                Code.QUANTITY_EXCEEDED,
                _("You can ask for at most %(count)d of “%(name)s”.")
                % {"count": line.claimable, "name": line.order_item.product_name},
                details={"field": "items", "order_item_id": item_id, "claimable": line.claimable},
            )
        chosen.append((line.order_item, quantity))
        value += line.value_of(quantity)
    takes_rest = all(line.claimable == wanted.get(item_id, 0) for item_id, line in lines.items())
    return chosen, value, takes_rest


def _refund_amount(order, kind: str, value: Decimal, takes_rest: bool) -> Decimal:
    """The units' paid value, plus shipping when nothing was shipped and this takes everything still
    unclaimed; never more than is left unrefunded on the order. An exchange refunds nothing."""
    if kind == AfterSaleKind.EXCHANGE:
        return Decimal("0.00")
    if takes_rest and order.status == OrderStatus.PAID and order.shipped_at is None:
        value += order.shipping_fee
    return max(Decimal("0.00"), min(value, order.total - order.refunded_total))


def refund_quote(*, order, kind: str, items: Sequence[tuple[int, int]]) -> Decimal:
    """What a request of ``kind`` for these units of ``order`` would refund (for a preview; nothing is written)."""
    _chosen, value, takes_rest = _claims(order, items)
    return _refund_amount(order, kind, value, takes_rest)


def _new_number() -> str:
    return f"AS{timezone.now():%y%m%d}{secrets.randbelow(10**10):010d}"


def aftersale_create(
    *,
    user,
    order_number: str,
    kind: str,
    reason: str,
    items: Sequence[tuple[int, int]],
    description: str = "",
    photos: Sequence[UploadedFile] = (),
) -> AfterSaleRequest:
    """Open a return, exchange or refund-only request for some units of one of the buyer's orders.

    Another person's order is 404. The refund amount is computed here from what was paid; photos are checked
    and re-encoded before anything is written, so a bad photo leaves no trace.
    """
    kind = _choice(kind, AfterSaleKind, Code.KIND_INVALID, "kind", _("Choose return, exchange or refund only."))
    reason = _choice(reason, AfterSaleReason, Code.REASON_INVALID, "reason", _("Choose a reason from the list."))
    text = description_clean(description)
    order = _order_for_buyer(user=user, order_number=order_number)
    files = photos_process(list(photos))
    with transaction.atomic():
        # Lock the order so two requests for the same units cannot both pass the quantity check.
        order = type(order).objects.select_for_update().get(pk=order.pk)
        _order_check(order, kind)
        chosen, value, takes_rest = _claims(order, items)
        amount = _refund_amount(order, kind, value, takes_rest)
        aftersale = None
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    aftersale = AfterSaleRequest.objects.create(
                        number=_new_number(),
                        order=order,
                        user=user,
                        kind=kind,
                        reason=reason,
                        description=text,
                        refund_amount=amount,
                    )
                break
            except IntegrityError:  # a number collision (one in ten billion a day): draw again
                continue
        AfterSaleItem.objects.bulk_create(
            AfterSaleItem(request=aftersale, order_item=order_item, quantity=quantity)
            for order_item, quantity in chosen
        )
        for file in files:
            AfterSalePhoto.objects.create(request=aftersale, image=file)
        event_add(aftersale, note=text[:200], actor_id=user.pk)
        buyer_notify(aftersale, "requested")
        track(
            user,
            "aftersale_requested",
            {
                "number": aftersale.number,
                "order_number": order.number,
                "kind": kind,
                "reason": reason,
                "units": sum(quantity for _item, quantity in chosen),
                "refund_amount": amount,
                "photos": len(files),
            },
        )
        return aftersale


def aftersale_withdraw(*, aftersale: AfterSaleRequest, user) -> AfterSaleRequest:
    """The buyer takes back a request that is not yet settled (requested or approved)."""
    with transaction.atomic():
        locked = aftersale_lock(aftersale)
        transition_check(locked, AfterSaleStatus.CANCELLED)
        locked.status = AfterSaleStatus.CANCELLED
        locked.resolved_at = timezone.now()
        locked.save(update_fields=["status", "resolved_at", "updated_at"])
        event_add(locked, actor_id=user.pk)
        track(user, "aftersale_withdrawn", {"number": locked.number, "kind": locked.kind})
        return locked


def aftersale_return_shipment_set(
    *, aftersale: AfterSaleRequest, user, carrier_code: str, tracking_no: str
) -> AfterSaleRequest:
    """The buyer tells us how the goods come back (approved returns and exchanges); may be corrected until received."""
    from shequ.logistics.services import carrier_get, tracking_no_clean

    carrier = carrier_get(code=carrier_code)
    number = tracking_no_clean(tracking_no)
    with transaction.atomic():
        locked = aftersale_lock(aftersale)
        if locked.status != AfterSaleStatus.APPROVED or locked.kind == AfterSaleKind.REFUND_ONLY:
            raise Conflict(
                Code.TRANSITION_INVALID,
                _("A return tracking number can be given once a return or exchange is approved."),
                details={"status": locked.status},
            )
        locked.return_carrier = carrier.code
        locked.return_tracking_no = number
        locked.save(update_fields=["return_carrier", "return_tracking_no", "updated_at"])
        event_add(locked, note=f"{carrier.name} {number}", actor_id=user.pk)
        track(user, "aftersale_return_shipped", {"number": locked.number, "carrier_code": carrier.code})
        return locked
