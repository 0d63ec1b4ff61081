"""Checkout and orders API. Every price is computed on the server; other people's order numbers are 404."""

from __future__ import annotations

import math

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from shequ.accounts.api_auth import user_auth
from shequ.accounts.schemas import ErrorOut
from shequ.analytics.services import track
from shequ.orders import presentation, selectors
from shequ.orders.access import order_get_for_user
from shequ.orders.schemas import (
    AddressChangeIn,
    CancelIn,
    CheckoutIn,
    OrderOut,
    OrdersPageOut,
    PlaceIn,
    QueuedOut,
    QuoteOut,
    RecordsOut,
)
from shequ.orders.services import (
    CheckoutInput,
    Queued,
    checkout_quote,
    order_cancel,
    order_change_address,
    order_confirm_receipt,
    order_place_or_queue,
    quote_as_dict,
)

checkout_router = Router(tags=["checkout"], auth=user_auth)
router = Router(tags=["orders"], auth=user_auth)
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}


def checkout_input(payload: CheckoutIn) -> CheckoutInput:
    return CheckoutInput(
        item_ids=tuple(payload.item_ids) if payload.item_ids is not None else None,
        sku_id=payload.sku_id,
        quantity=payload.quantity,
        address_id=payload.address_id,
        carrier_code=payload.carrier_code.strip(),
        coupon_code=payload.coupon_code.strip(),
        points=payload.points,
        invoice=payload.invoice.dict() if payload.invoice else None,
        note=payload.note,
        issued_coupon_ids=tuple(payload.issued_coupon_ids),
    )


class QuoteQuery(Schema):
    item_ids: str = ""
    sku_id: int | None = None
    quantity: int = 1
    address_id: int | None = None
    carrier_code: str = ""
    coupon_code: str = ""
    points: int = 0


@checkout_router.post("/quote", response={200: QuoteOut, **ERRORS})
def quote_post(request: HttpRequest, payload: CheckoutIn):
    """Price cart lines (``item_ids``, or the ticked ones) or a "buy now" SKU, itemised, with what changed."""
    quote = checkout_quote(user=request.user, checkout=checkout_input(payload), strict=True)
    track(request.user, "checkout_started", {"source": "api", "total": str(quote.total), "lines": len(quote.lines)})
    return quote_as_dict(quote)


@checkout_router.get("/quote", response={200: QuoteOut, **ERRORS})
def quote_get(request: HttpRequest, query: Query[QuoteQuery]):
    """The same as POST, from query parameters (``item_ids`` comma-separated)."""
    ids = [part for part in query.item_ids.split(",") if part.strip()]
    payload = CheckoutIn(
        item_ids=[int(part) for part in ids if part.strip().isdigit()] if ids else None,
        sku_id=query.sku_id,
        quantity=query.quantity,
        address_id=query.address_id,
        carrier_code=query.carrier_code,
        coupon_code=query.coupon_code,
        points=query.points,
    )
    return quote_post(request, payload)


def _wants_async(request: HttpRequest) -> bool:
    """``Prefer: respond-async`` (RFC 7240): the client can take a 202 and poll."""
    prefer = request.headers.get("Prefer", "")
    return any(part.strip().lower().startswith("respond-async") for part in prefer.split(","))


def _queued_out(request: HttpRequest, ticket: str) -> dict:
    """A ticket as the API shows it; a placed one carries its order."""
    found = selectors.queued_ticket_for_user(user=request.user, ticket_id=ticket)
    order = None
    if found.order_number:
        order = presentation.order_out(selectors.order_detail_for_user(user=request.user, number=found.order_number))
    error = found.error
    return {
        "ticket": found.id,
        "status": found.status,
        "poll_url": reverse("api-v1:order_queued", kwargs={"ticket": found.id}),
        "order": order,
        "error": error,
    }


@router.post("", response={200: OrderOut, 201: OrderOut, 202: QueuedOut, **ERRORS})
def order_create(request: HttpRequest, response: HttpResponse, payload: PlaceIn):
    """Place an order (send an ``Idempotency-Key`` header: a repeat returns the same order with 200).
    A different ``expected_total`` than the server's is 409 ``quote_changed`` with the new quote.

    With ``Prefer: respond-async``, a flash-sale "buy now" that got a unit may be answered ``202`` with a
    ticket while a worker writes the order (where the deployment runs workers): poll ``poll_url`` (also in
    the ``Location`` header) until it is ``placed``. Other orders are still answered 201."""
    key = request.headers.get("Idempotency-Key") or payload.idempotency_key
    placed = order_place_or_queue(
        user=request.user,
        checkout=checkout_input(payload),
        idempotency_key=key,
        expected_total=payload.expected_total,
        queue=_wants_async(request),
    )
    if isinstance(placed, Queued):
        body = _queued_out(request, placed.ticket)
        response["Location"] = body["poll_url"]
        response["Preference-Applied"] = "respond-async"
        return Status(202, body)
    if placed.items is not None:
        body = presentation.order_out(placed.order, items=placed.items, events=placed.events)
    else:
        body = presentation.order_out(selectors.order_detail_for_user(user=request.user, number=placed.order.number))
    return Status(201 if placed.created else 200, body)


class ListQuery(Schema):
    status: str = Field("", max_length=20, description="A status (``paid``) or a tab (``unpaid``, ``to_receive``…)")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)


@router.get("", response={200: OrdersPageOut, **ERRORS})
def orders_list(request: HttpRequest, query: Query[ListQuery]):
    """My orders, newest first, ``?page=1&page_size=20`` (three queries whatever the page size)."""
    rows = selectors.order_list_for_user(user=request.user, status=query.status)
    count = rows.count()
    start = (query.page - 1) * query.page_size
    return {
        "items": [presentation.order_summary_out(order) for order in rows[start : start + query.page_size]],
        "count": count,
        "page": query.page,
        "page_size": query.page_size,
        "pages": math.ceil(count / query.page_size) if count else 0,
    }


@router.get("/queue/{ticket}", response={200: QueuedOut, **ERRORS}, url_name="order_queued")
def order_queued(request: HttpRequest, ticket: str):
    """A queued flash-sale order: ``queued`` (poll again in a second), ``placed`` (with the order) or
    ``failed`` (with the error). 404 for an unknown, expired or someone else's ticket."""
    return _queued_out(request, ticket)


@router.get("/records", response={200: RecordsOut, **ERRORS})
def records(request: HttpRequest):
    """My consumption records: purchases, refunds, coupons used."""
    found = selectors.consumption_records(user=request.user)
    return {
        "spent": found.spent,
        "refunded": found.refunded,
        "purchases": [
            {
                "number": order.number,
                "total": order.total,
                "paid_at": order.paid_at,
                "status": order.status,
                "items": [presentation.item_out(item) for item in order.items.all()],
            }
            for order in found.purchases
        ],
        "refunds": [vars(record) for record in found.refunds],
        "coupons": [vars(record) for record in found.coupons],
    }


@router.get("/{number}", response={200: OrderOut, **ERRORS})
def order_get(request: HttpRequest, number: str):
    order = selectors.order_detail_for_user(user=request.user, number=number)
    return presentation.order_out(order)


@router.post("/{number}/cancel", response={200: OrderOut, **ERRORS})
def order_cancel_endpoint(request: HttpRequest, number: str, payload: CancelIn):
    """Cancel: unpaid orders at once; paid ones before shipping are refunded."""
    order = order_get_for_user(user=request.user, number=number)
    order_cancel(order=order, actor=request.user, reason=payload.reason)
    return presentation.order_out(selectors.order_detail_for_user(user=request.user, number=number))


@router.post("/{number}/address", response={200: OrderOut, **ERRORS})
def order_address(request: HttpRequest, number: str, payload: AddressChangeIn):
    """Send the order to another of my addresses (before it ships)."""
    order = order_get_for_user(user=request.user, number=number)
    order_change_address(order=order, user=request.user, address_id=payload.address_id)
    return presentation.order_out(selectors.order_detail_for_user(user=request.user, number=number))


@router.post("/{number}/confirm", response={200: OrderOut, **ERRORS})
def order_confirm(request: HttpRequest, number: str):
    """Confirm the goods arrived (delivered → completed)."""
    order = order_get_for_user(user=request.user, number=number)
    order_confirm_receipt(order=order, actor=request.user)
    return presentation.order_out(selectors.order_detail_for_user(user=request.user, number=number))
