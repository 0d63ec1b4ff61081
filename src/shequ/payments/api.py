"""Payments API: list the ways to pay, start paying an order, and see where its payment stands."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router

from shequ.accounts.api_auth import user_auth
from shequ.core.clients import client_ip
from shequ.payments import selectors, services
from shequ.payments.schemas import ErrorOut, PaymentMethodOut, PaymentStartIn, PaymentStartOut, PaymentStatusOut

ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
    502: ErrorOut,
}

router = Router(tags=["payments"], auth=user_auth)


def _payment_out(payment) -> dict | None:
    if payment is None:
        return None
    return {
        "out_trade_no": payment.out_trade_no,
        "provider": payment.provider,
        "status": payment.status,
        "amount": payment.amount,
        "refunded_amount": payment.refunded_amount,
        "created_at": payment.created_at,
        "paid_at": payment.paid_at,
    }


@router.get("/methods", response={200: list[PaymentMethodOut], **ERRORS})
def methods(request: HttpRequest):
    """The ways of paying switched on here (the first channel of each is its default)."""
    return [
        {"name": method.name, "label": str(method.label), "channels": list(method.channels)}
        for method in selectors.payment_methods()
    ]


@router.post("/{order_number}/start", response={200: PaymentStartOut, **ERRORS})
def start(request: HttpRequest, order_number: str, payload: PaymentStartIn):
    """Start paying a pending order. Calling again reuses the open payment (a double tap never pays twice).

    ``kind`` says what to do next: ``redirect`` → open ``url``; ``qr`` → show ``url`` as a QR code;
    ``jsapi`` → pass ``params`` to ``wx.requestPayment``; ``page`` → open ``url`` (the demo sandbox).
    """
    started = services.payment_start_for_user(
        user=request.user,
        order_number=order_number,
        provider=payload.provider,
        channel=payload.channel,
        openid=payload.openid,
        return_url=request.build_absolute_uri(reverse("payments:return", args=[order_number])),
        client_ip=client_ip(request),
    )
    return {
        "out_trade_no": started.payment.out_trade_no,
        "provider": started.payment.provider,
        "amount": started.payment.amount,
        "kind": started.kind,
        "url": request.build_absolute_uri(started.url) if started.kind == "page" else started.url,
        "params": started.params,
        "reused": started.reused,
    }


@router.get("/{order_number}/status", response={200: PaymentStatusOut, **ERRORS})
def status(request: HttpRequest, order_number: str):
    """Where the order's payment stands; asks the provider when the payment is still open."""
    found = services.payment_return_status(user=request.user, order_number=order_number)
    return {
        "order_number": found.order.number,
        "order_status": found.order.status,
        "state": found.state,
        "payment": _payment_out(found.payment),
    }
