"""Placing an order: recompute the quote, then one short transaction that creates the order and takes
everything it needs — the coupon, the flash-sale allowance, the stock — with conditional UPDATEs.

Inside the transaction the cold writes (order, items, timeline, ledger rows) go first and the hot rows
(a flash sale's counter, a SKU's stock) are touched last, so they stay locked only for the last few
statements and the commit. Nothing locks a table; a sold-out SKU fails before the transaction starts.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import asdict, dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shequ.accounts.selectors import active_user_get
from shequ.analytics.context import EventContext
from shequ.analytics.context import activate as activate_event_context
from shequ.analytics.context import current as current_event_context
from shequ.analytics.context import deactivate as deactivate_event_context
from shequ.analytics.services import track
from shequ.cart.services import cart_items_remove
from shequ.core.errors import Conflict, DomainError, InvalidInput
from shequ.core.prepared import prepared_cursor
from shequ.coupons.services import coupon_hold, wallet_coupons_hold
from shequ.inventory.services import stock_levels_take, stock_products_touch, stock_reservations_add
from shequ.orders import flashgate, order_queue, soldout, state
from shequ.orders.calculations import money
from shequ.orders.conf import orders_setting
from shequ.orders.discounts import points_provider
from shequ.orders.models import FlashSale, FlashSalePurchase, Order, OrderEvent, OrderItem, OrderKind
from shequ.orders.notices import order_notify
from shequ.orders.numbers import order_number_new
from shequ.orders.services.checkout import CheckoutInput, Quote, QuoteLine, checkout_quote, quote_as_dict

IDEMPOTENCY_KEY_RE = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")
NUMBER_ATTEMPTS = 3
logger = logging.getLogger("shequ.orders")


@dataclass(frozen=True)
class Placed:
    order: Order
    created: bool
    # What was just written, so the caller can answer without reading it back (None for a replayed order).
    items: list[OrderItem] | None = None
    events: list[OrderEvent] | None = None


def clean_idempotency_key(value: str | None) -> str:
    key = (value or "").strip()
    if key and not IDEMPOTENCY_KEY_RE.match(key):
        raise InvalidInput(
            "idempotency_key_invalid",
            _("The Idempotency-Key must be 8–64 letters, digits or -_.:"),
            details={"field": "idempotency_key"},
        )
    return key


def _nothing_left(line: QuoteLine) -> bool:
    offer = line.offer
    return offer is not None and (offer.available == 0 or (offer.flash is not None and offer.flash.allotment_left == 0))


def _sold_out_skus(quote: Quote, exc: Conflict) -> list[int]:
    if exc.details.get("flash_sale_id"):
        return [line.sku_id for line in quote.lines if line.flash_sale_id == exc.details["flash_sale_id"]]
    return [exc.details["sku_id"]] if exc.details.get("available") == 0 and "sku_id" in exc.details else []


def _refuse_unplaceable(quote: Quote) -> None:
    if not quote.lines:
        raise InvalidInput("cart_empty", _("Choose something to buy first."))
    for line in quote.lines:
        if not line.blocked:
            continue
        line_details = {"quote": quote_as_dict(quote), "sku_id": line.sku_id}
        if line.unavailable:
            raise Conflict("sku_unavailable", _("An item is no longer on sale."), details=line_details)
        if line.flash_limit_exceeded:
            raise Conflict(
                "flash_sale_limit", _("You have reached the flash sale's limit per person."), details=line_details
            )
        if line.insufficient_stock:
            if _nothing_left(line):
                soldout.mark_sold_out([line.sku_id])
            raise Conflict(
                "out_of_stock",
                _("Sorry, there is not enough stock left for this item."),
                details={**line_details, "available": line.offer.available if line.offer else 0},
            )
    if quote.address is None:
        raise InvalidInput("address_required", _("Add a delivery address."), details={"field": "address_id"})
    if not quote.carrier_code:
        raise InvalidInput(
            "carrier_unavailable", _("Sorry, we cannot deliver to this address yet."), details={"field": "carrier_code"}
        )


def _replayed(*, user, key: str) -> Order | None:
    """The order this idempotency key already placed, if any. Asked on every submit and almost always "none",
    so the miss is one bare indexed SELECT (no ORM query building); the order is loaded only when found."""
    with prepared_cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {Order._meta.db_table} WHERE user_id = %s AND idempotency_key = %s",  # noqa: S608
            [user.pk, key],
        )
        row = cursor.fetchone()
    return Order.objects.filter(pk=row[0]).first() if row else None


def _sold_out(sku_id: int) -> Conflict:
    return Conflict(
        "out_of_stock",
        _("Sorry, there is not enough stock left for this item."),
        details={"sku_id": sku_id, "available": 0},
    )


def order_place(
    *,
    user,
    checkout: CheckoutInput,
    idempotency_key: str = "",
    expected_total: Decimal | None = None,
) -> Placed:
    """Place an order from what the buyer chose. The server prices everything; ``expected_total`` (what the
    buyer saw) only guards against a silent change. The same ``idempotency_key`` returns the same order.

    A "buy now" of a flash-sale SKU first passes the sale's Redis gate (orders/flashgate.py): when its units
    are gone the buyer is answered from there; otherwise the unit taken is settled by what happens next."""
    key = clean_idempotency_key(idempotency_key)
    replay, ticket = _admit(user=user, checkout=checkout, key=key)
    if replay is not None:
        return replay
    return _place_with_ticket(user=user, checkout=checkout, key=key, expected_total=expected_total, ticket=ticket)


@dataclass(frozen=True)
class Queued:
    """A flash-sale order a worker is placing: poll ``ticket`` (orders/order_queue.py)."""

    ticket: str


def order_place_or_queue(
    *,
    user,
    checkout: CheckoutInput,
    idempotency_key: str = "",
    expected_total: Decimal | None = None,
    queue: bool = True,
) -> Placed | Queued:
    """``order_place``, except that a flash-sale buy-now that won a unit at the gate is queued for a worker
    where there is one (``order_queue.available()``) and the caller can poll (``queue``): the buyer has their
    unit and gets a ticket at once.
    Everything else (cart checkouts, sales without a gate, no worker) is placed before returning."""
    key = clean_idempotency_key(idempotency_key)
    queueing = queue and checkout.buy_now and order_queue.available()
    ticket_id = order_queue.ticket_id_for(user_id=user.pk, key=key) if queueing else ""
    if queueing and key:
        known = order_queue.get(ticket_id)
        if known is not None and known.user_id == user.pk and known.status == order_queue.QUEUED:
            return Queued(ticket_id)  # a retry of a submit still in the queue
        if known is not None and known.status == order_queue.FAILED:
            order_queue.drop(ticket_id)  # a retry of a submit that failed: try again, as a direct submit would
    replay, ticket = _admit(user=user, checkout=checkout, key=key)
    if replay is not None:
        return replay
    if ticket is None or not queueing:
        return _place_with_ticket(user=user, checkout=checkout, key=key, expected_total=expected_total, ticket=ticket)
    if not order_queue.claim(ticket_id=ticket_id, user_id=user.pk):  # the same submit, queued a moment ago
        ticket.give_back()
        return Queued(ticket_id)
    from shequ.orders.tasks import place_queued

    context = current_event_context()
    ticket.queued()
    try:
        place_queued.apply_async(
            kwargs={
                "ticket_id": ticket_id,
                "user_id": user.pk,
                "checkout": asdict(checkout),
                # Without a key of the buyer's, the ticket's own makes a redelivered task find its order.
                "key": key or f"queue-{ticket_id}",
                "expected_total": str(expected_total) if expected_total is not None else None,
                "gate": ticket.as_dict(),
                "language": get_language() or "",
                "channel": context.channel if context else "",
                "utm": dict(context.utm) if context else {},
            }
        )
    except Exception:  # the queue is down: take the unit back and place the order here, as without a queue
        logger.warning("order queue unavailable; placing ticket %s directly", ticket_id, exc_info=True)
        order_queue.drop(ticket_id)
        ticket.queued(-1)
        ticket.give_back()
        return order_place(user=user, checkout=checkout, idempotency_key=key, expected_total=expected_total)
    return Queued(ticket_id)


def order_place_queued(
    *,
    ticket_id: str,
    user_id: int,
    checkout: dict,
    key: str,
    expected_total: str | None,
    gate: dict,
    channel: str = "",
    utm: dict | None = None,
) -> str:
    """The worker's half of ``order_place_or_queue``: place the order with the unit the gate gave, and record
    on the ticket its number or the error (in the buyer's language: the caller activates it). Returns the
    ticket's status. A task redelivered after a crash finds the order its first run placed."""
    known = order_queue.get(ticket_id)
    queued_at = known.queued_at if known is not None else time.time()
    if known is not None and known.status != order_queue.QUEUED:
        return known.status
    user = active_user_get(user_id=user_id)
    ticket = flashgate.Ticket(**gate)
    existing = _replayed(user=user, key=key) if user is not None else None
    if existing is not None:  # placed by an earlier run of this task: the unit is the order's
        order_queue.finish(ticket_id=ticket_id, user_id=user_id, queued_at=queued_at, order_number=existing.number)
        return order_queue.PLACED

    def failed(code: str, message, details: dict | None = None) -> str:
        error = {"code": code, "message": str(message), "details": _plain(details)}
        order_queue.finish(ticket_id=ticket_id, user_id=user_id, queued_at=queued_at, error=error)
        return order_queue.FAILED

    if user is None:
        ticket.queued(-1)
        ticket.give_back()
        return failed("not_authenticated", _("Please log in again."))
    fields = dict(checkout)
    for name in ("item_ids", "issued_coupon_ids"):
        if fields.get(name) is not None:
            fields[name] = tuple(fields[name])
    token = activate_event_context(EventContext(channel=channel, utm=utm or {}))
    try:
        placed = _place_with_ticket(
            user=user,
            checkout=CheckoutInput(**fields),
            key=key,
            expected_total=Decimal(expected_total) if expected_total is not None else None,
            ticket=ticket,
        )
    except DomainError as exc:
        return failed(exc.code, exc.message, exc.details)
    except Exception:
        logger.exception("queued order %s failed", ticket_id)
        return failed("order_busy", _("We could not place the order. Please try again."))
    finally:
        deactivate_event_context(token)
        ticket.queued(-1)  # settled: written (now in ``sold``) or given back
    order_queue.finish(ticket_id=ticket_id, user_id=user_id, queued_at=queued_at, order_number=placed.order.number)
    return order_queue.PLACED


def _plain(details: dict) -> dict:
    """Error details as JSON-safe values (a quote holds Decimals)."""
    return json.loads(json.dumps(details or {}, cls=DjangoJSONEncoder))


def _admit(*, user, checkout: CheckoutInput, key: str) -> tuple[Placed | None, flashgate.Ticket | None]:
    """The order this key already placed, if any; else pass a buy-now through the sold-out mark and the flash
    gate: (None, the unit taken at the gate or None where there is no gate), or Conflict when sold out."""
    if key:
        existing = _replayed(user=user, key=key)
        if existing is not None:
            return Placed(order=existing, created=False), None
    ticket = None
    if checkout.buy_now and isinstance(checkout.sku_id, int):
        if soldout.is_sold_out(checkout.sku_id):
            raise _sold_out(checkout.sku_id)
        try:
            ticket = flashgate.gate_enter(user=user, sku_id=checkout.sku_id, quantity=checkout.quantity)
        except flashgate.GateClosed:
            raise _sold_out(checkout.sku_id) from None
    return None, ticket


def _place_with_ticket(
    *, user, checkout: CheckoutInput, key: str, expected_total: Decimal | None, ticket: flashgate.Ticket | None
) -> Placed:
    """Place the order and settle the unit taken at the gate by what happened."""
    if ticket is None:
        return _order_place(user=user, checkout=checkout, key=key, expected_total=expected_total)[0]
    try:
        placed, flash_sale_ids = _order_place(user=user, checkout=checkout, key=key, expected_total=expected_total)
    except Conflict as exc:
        if exc.code == "out_of_stock":  # the database says none left: the gate re-reads its count
            ticket.sold_out()
        else:  # not placed: the unit is someone else's to take
            ticket.give_back()
        raise
    except BaseException:
        ticket.give_back()
        raise
    if placed.created:
        ticket.placed(flash_sale_ids)
    else:  # a replay of an order placed a moment ago by the same submit: this attempt took nothing
        ticket.give_back()
    return placed


def _order_place(*, user, checkout: CheckoutInput, key: str, expected_total: Decimal | None) -> tuple[Placed, set[int]]:
    """``order_place`` after the idempotency and sold-out checks: quote, refuse, place (and the flash sales the
    placed order took)."""
    quote = checkout_quote(user=user, checkout=checkout, strict=True)
    _refuse_unplaceable(quote)
    if expected_total is not None and money(expected_total) != quote.total:
        raise Conflict(
            "quote_changed",
            _("Prices or availability changed since you looked. Please check the new total."),
            details={"quote": quote_as_dict(quote), "expected_total": str(money(expected_total))},
        )
    flash_sale_ids = {line.flash_sale_id for line in quote.lines if line.flash_sale_id}
    for _attempt in range(NUMBER_ATTEMPTS):
        try:
            order, items, events = _place(user=user, quote=quote, key=key, buy_now=checkout.buy_now)
        except Conflict as exc:
            if exc.code == "out_of_stock":  # lost the race for the last units: tell the next buyers quickly
                soldout.mark_sold_out(_sold_out_skus(quote, exc))
            raise
        except IntegrityError:
            if key:  # the same submit won a race a moment ago: answer with its order
                existing = _replayed(user=user, key=key)
                if existing is not None:
                    return Placed(order=existing, created=False), set()
            # otherwise an order-number collision (one in a million per second): try a new number
            continue
        if order.total == 0:  # fully discounted: nothing to pay, so it is paid
            from shequ.orders.services.lifecycle import order_mark_paid

            order = order_mark_paid(
                order_id=order.pk, amount=order.total, provider="free", paid_at=timezone.now(), payment_ref=order.number
            )
            return Placed(order=order, created=True), flash_sale_ids
        return Placed(order=order, created=True, items=items, events=events), flash_sale_ids
    raise Conflict("order_busy", _("We could not place the order. Please try again."))


def _item(order: Order, line: QuoteLine) -> OrderItem:
    offer = line.offer
    return OrderItem(
        order=order,
        sku_id=line.sku_id,
        product_id=offer.product_id,
        product_name=offer.product_name[:120],
        product_name_en=offer.product_name_en[:160],
        variant_label=offer.variant_label[:120],
        sku_code=offer.sku_code,
        image_url=offer.image_url[:300],
        unit_price=line.unit_price,
        list_price=offer.list_price,
        quantity=line.quantity,
        line_total=line.line_total,
        weight_grams=offer.weight_grams,
        flash_sale_id=line.flash_sale_id,
    )


def flash_allowance_take(*, user, flash_sale_id: int, per_user_limit: int, quantity: int) -> None:
    """Count ``quantity`` against the person's limit in a flash sale, or raise Conflict ``flash_sale_limit``.

    One upsert: a first purchase inserts the row; a later one adds to it only while the sum stays within the
    limit. ON CONFLICT takes the row lock and checks the condition against the latest committed quantity, so two
    tabs of one buyer racing cannot both pass (PostgreSQL; SQLite has one writer at a time anyway).
    """
    table = FlashSalePurchase._meta.db_table
    taken = None
    if quantity <= per_user_limit:
        with prepared_cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (flash_sale_id, user_id, quantity) VALUES (%s, %s, %s) "  # noqa: S608
                f"ON CONFLICT (flash_sale_id, user_id) DO UPDATE SET quantity = {table}.quantity + excluded.quantity "
                f"WHERE {table}.quantity + excluded.quantity <= %s RETURNING quantity",
                [flash_sale_id, user.pk, quantity, per_user_limit],
            )
            taken = cursor.fetchone()
    if taken is None:
        raise Conflict(
            "flash_sale_limit",
            _("You have reached the flash sale's limit per person."),
            details={"flash_sale_id": flash_sale_id, "per_user_limit": per_user_limit},
        )


def flash_allotment_take(*, flash_sale_id: int, quantity: int, now) -> None:
    """Count ``quantity`` against the sale's allotment while it runs (one conditional UPDATE on the row's own
    columns, re-checked by PostgreSQL against the latest committed ``sold``), or raise Conflict."""
    table = FlashSale._meta.db_table
    at = connection.ops.adapt_datetimefield_value(now)
    with prepared_cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET sold = sold + %s WHERE id = %s AND is_active = %s AND starts_at <= %s "  # noqa: S608
            "AND ends_at > %s AND (allotment IS NULL OR sold + %s <= allotment)",
            [quantity, flash_sale_id, True, at, at, quantity],
        )
        taken = cursor.rowcount
    if not taken:
        raise Conflict("out_of_stock", _("The flash sale is sold out."), details={"flash_sale_id": flash_sale_id})


def _placed_properties(order: Order, quote: Quote) -> dict:
    return {
        "order_number": order.number,
        "total": str(order.total),
        "items_total": str(order.items_total),
        "items": [
            {
                "sku_id": line.sku_id,
                "product_id": line.offer.product_id,
                "quantity": line.quantity,
                "unit_price": str(line.unit_price),
            }
            for line in quote.lines
        ],
        "quantity": sum(line.quantity for line in quote.lines),
        "coupon_code": order.coupon_code,
        "coupon_discount": str(order.coupon_discount),
        "issued_coupon_ids": [quoted.issued.pk for quoted in quote.wallet_coupons],
        "kind": order.kind,
        "channel": order.channel,
        "utm_campaign": order.utm_campaign,
    }


def _place(*, user, quote: Quote, key: str, buy_now: bool) -> tuple[Order, list[OrderItem], list[OrderEvent]]:
    now = timezone.now()
    address = quote.address
    totals = quote.totals
    context = current_event_context()
    channel = context.channel if context else ""
    campaign = context.utm.get("utm_campaign", "") if context else ""
    with transaction.atomic():
        order = Order.objects.create(
            number=order_number_new(now),
            user=user,
            kind=OrderKind.FLASH_SALE if quote.has_flash_sale else OrderKind.NORMAL,
            recipient=address.recipient,
            phone=address.phone,
            province=address.province,
            city=address.city,
            district=address.district,
            detail=address.detail,
            postal_code=address.postal_code,
            carrier_code=quote.carrier_code,
            items_total=totals.items_total,
            shipping_fee=totals.shipping_fee,
            coupon_discount=totals.coupon_discount,
            points_discount=totals.points_discount,
            points_used=quote.points_used,
            total=totals.total,
            coupon_code=quote.coupon.code if quote.coupon is not None else "",
            invoice=quote.invoice,
            note=quote.note,
            channel=channel[:32],
            utm_campaign=campaign[:100],
            idempotency_key=key,
            payment_deadline=now + timedelta(minutes=int(orders_setting("PAYMENT_TIMEOUT_MINUTES"))),
        )
        items = OrderItem.objects.bulk_create([_item(order, line) for line in quote.lines])
        placed_event = state.event_add(
            order, "placed", data={"total": str(order.total), "items": sum(line.quantity for line in quote.lines)}
        )
        order_notify(order, "placed")  # before the hot rows: they stay locked for as little as possible
        if not buy_now:
            cart_items_remove(user=user, item_ids=[line.cart_item_id for line in quote.lines if line.cart_item_id])
        if quote.coupon is not None:
            wallet_discount = sum((quoted.discount for quoted in quote.wallet_coupons), Decimal(0))
            code_discount = totals.coupon_discount - wallet_discount
            coupon_hold(coupon=quote.coupon, user=user, order_id=order.pk, discount=code_discount)
        if quote.wallet_coupons:
            wallet_coupons_hold(user=user, quotes=quote.wallet_coupons, order_id=order.pk)
        if quote.points_used:
            points_provider().hold(user=user, order_id=order.pk, points=quote.points_used)
        flash_lines = sorted((line for line in quote.lines if line.flash_sale_id), key=lambda line: line.flash_sale_id)
        for line in flash_lines:  # the person's own allowance first: only their own row is locked
            flash_allowance_take(
                user=user,
                flash_sale_id=line.flash_sale_id,
                per_user_limit=line.offer.flash.per_user_limit,
                quantity=line.quantity,
            )
        stock_lines = [(line.sku_id, line.quantity) for line in quote.lines]
        stock_reservations_add(order_id=order.pk, lines=stock_lines)
        track(user, "order_placed", _placed_properties(order, quote))  # buffered: written after commit
        # The hot rows last and back to back, then the commit: stock (SKUs in id order), then the flash sales'
        # counters (the same order as cancellation, so they never wait on each other in a cycle). Nothing else
        # runs while they are locked: a thread that waits for the interpreter here would hold up every buyer.
        sold_out = stock_levels_take(lines=stock_lines)
        for line in flash_lines:
            flash_allotment_take(flash_sale_id=line.flash_sale_id, quantity=line.quantity, now=now)
    if sold_out:  # committed: note it for the next buyers, and let the product's in-stock flag follow
        soldout.mark_sold_out(sold_out)
        stock_products_touch(sku_ids=sold_out)
    return order, items, [placed_event]
