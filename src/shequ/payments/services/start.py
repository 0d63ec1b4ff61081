"""Start paying for an order: one open payment per order and way of paying, reused on a second click."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shequ.analytics.services import track
from shequ.payments import error_codes
from shequ.payments.models import Payment, PaymentStatus
from shequ.payments.providers.base import PaymentRequest, ProviderError
from shequ.payments.providers.registry import provider_enabled
from shequ.payments.services.common import lock_order_payments, logger, new_number, notify_url

PENDING_PAYMENT = "pending_payment"


@dataclass(frozen=True)
class PaymentStart:
    """What the client does next: follow ``url`` ("redirect"), show it as a QR code ("qr"), hand ``params`` to
    the WeChat bridge ("jsapi"), or open our sandbox page ("page")."""

    payment: Payment
    kind: str
    url: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    reused: bool = False


def _subject(order) -> str:
    return f"{settings.SHEQU_SITE_NAME} {order.number}"


def payment_start(
    *,
    order,
    provider: str,
    return_url: str,
    client_ip: str = "",
    channel: str = "",
    openid: str = "",
    mobile: bool = True,
) -> PaymentStart:
    """Open a payment for a pending order with ``provider``; an open one for the same way of paying is reused.

    Reusing means a double-clicked "pay" (or coming back to pay after closing the cashier) never creates a
    second trade that could be paid twice: the provider is asked again with the same ``out_trade_no`` and
    the same parameters, which both Alipay and WeChat Pay accept as the same trade.
    """
    adapter = provider_enabled(provider)
    channel = channel or adapter.default_channel(mobile=mobile)
    if channel not in adapter.channels:
        raise error_codes.channel_unsupported()
    if channel == "jsapi" and not openid:
        raise error_codes.openid_required()

    with transaction.atomic():
        lock_order_payments(order.pk)
        order.refresh_from_db(fields=["status", "total", "payment_deadline"])
        deadline_passed = order.payment_deadline is not None and order.payment_deadline <= timezone.now()
        if order.status != PENDING_PAYMENT or deadline_passed or order.total <= 0:
            raise error_codes.order_not_payable()
        if Payment.objects.filter(order_id=order.pk, status=PaymentStatus.PAID).exists():
            raise error_codes.order_not_payable()
        payment = (
            Payment.objects.filter(
                order_id=order.pk,
                provider=adapter.name,
                status=PaymentStatus.CREATED,
                amount=order.total,
                raw__channel=channel,
            )
            .order_by("-created_at", "-id")
            .first()
        )
        reused = payment is not None
        if payment is None:
            payment = Payment.objects.create(
                order_id=order.pk,
                provider=adapter.name,
                out_trade_no=new_number("P"),
                amount=order.total,
                raw={"channel": channel},
            )

    request = PaymentRequest(
        out_trade_no=payment.out_trade_no,
        amount=payment.amount,
        subject=_subject(order),
        notify_url=notify_url(adapter.name, return_url),
        return_url=return_url,
        channel=channel,
        client_ip=client_ip,
        openid=openid,
        expires_at=order.payment_deadline,
    )
    # The provider is called outside the transaction: no lock is held across the network. The payment row
    # is already committed, so a retry after a failure reuses it.
    try:
        instructions = adapter.start(request)
    except ProviderError as exc:
        logger.warning(
            "payment start failed provider=%s out_trade_no=%s error=%s", adapter.name, payment.out_trade_no, exc
        )
        raise error_codes.PaymentProviderUnavailable(exc.code) from exc

    track(
        order.user_id,
        "payment_started",
        {
            "order_number": order.number,
            "provider": adapter.name,
            "channel": channel,
            "amount": payment.amount,
            "out_trade_no": payment.out_trade_no,
            "reused": reused,
        },
    )
    return PaymentStart(
        payment=payment, kind=instructions.kind, url=instructions.url, params=instructions.params, reused=reused
    )


def payment_start_for_user(
    *,
    user,
    order_number: str,
    provider: str,
    return_url: str,
    client_ip: str = "",
    channel: str = "",
    openid: str = "",
    mobile: bool = True,
) -> PaymentStart:
    """The buyer starts paying their own order (NotFound for anyone else's)."""
    from shequ.payments.access import order_get_for_payer

    order = order_get_for_payer(user=user, number=order_number)
    return payment_start(
        order=order,
        provider=provider,
        return_url=return_url,
        client_ip=client_ip,
        channel=channel,
        openid=openid,
        mobile=mobile,
    )
