"""What a provider's verified word does to our payments: pay the order once, and only once.

Every callback goes through ``payment_notification_receive``: verify (adapter), match against our rows,
apply, log. The same path serves the sandbox's "pay" button and a status query on the return page, so the
rules live in one place:

- an unknown ``out_trade_no``, a foreign merchant id or an amount that is not the payment's → rejected and
  logged, nothing changes;
- a payment already settled → acknowledged, nothing changes (the provider repeats notifications until it
  hears "success", and people replay them);
- the order cannot take the money (cancelled meanwhile, or already paid through another payment) → the
  payment is recorded as received but not applied (status ``closed`` with ``paid_at``) and refunded in full
  automatically. Refunding beats flagging for operators: the order is gone (stock released, coupon back),
  the money is the buyer's, and the refund needs no judgement. A refund that fails is visible in the admin.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from shequ.analytics.services import track
from shequ.core import ratelimit
from shequ.core.errors import DomainError
from shequ.payments import error_codes
from shequ.payments.models import Payment, PaymentStatus, Refund
from shequ.payments.orders_port import order_mark_paid
from shequ.payments.providers.base import (
    CallbackReply,
    NotificationRejected,
    PaymentProvider,
    ProviderError,
    VerifiedNotification,
)
from shequ.payments.providers.registry import PROVIDERS, provider_enabled, provider_get
from shequ.payments.services.common import lock_order_payments, logger, notification_log
from shequ.payments.services.refunds import refund_create_automatic, refund_mark

MAX_NOTIFICATION_BYTES = 64 * 1024
NOTIFICATIONS_PER_IP_PER_MINUTE = 600


@dataclass(frozen=True)
class Outcome:
    code: str  # what is logged in PaymentNotification.outcome
    accepted: bool  # tell the provider "received" (no retry) or not


def payment_notification_receive(
    *, provider: str, body: bytes, headers: Mapping[str, str], remote_addr: str
) -> CallbackReply:
    """Handle one HTTP callback from ``provider``; always logged, never raises for bad input.

    ``headers`` must have lower-case names.
    """
    if not ratelimit.hit(f"payments:notify:{remote_addr}", limit=NOTIFICATIONS_PER_IP_PER_MINUTE, window=60).allowed:
        return CallbackReply(status=429, body=b"slow down")  # not logged: a flood must not fill the log
    if provider not in PROVIDERS:
        notification_log(
            provider=provider,
            out_trade_no="",
            verified=False,
            outcome="unknown_provider",
            body=body,
            headers=headers,
            remote_addr=remote_addr,
        )
        return CallbackReply(status=404, body=b"unknown provider")
    adapter = provider_get(provider)

    def reject(outcome: str, out_trade_no: str = "") -> CallbackReply:
        notification_log(
            provider=provider,
            out_trade_no=out_trade_no,
            verified=False,
            outcome=outcome,
            body=body,
            headers=headers,
            remote_addr=remote_addr,
        )
        return adapter.reply(ok=False, message=outcome)

    if not adapter.configured:
        return reject("provider_disabled")
    if len(body) > MAX_NOTIFICATION_BYTES:
        return reject("too_large")
    try:
        message = adapter.parse_notification(body=body, headers=headers)
    except NotificationRejected as exc:
        return reject(exc.outcome, exc.out_trade_no)

    outcome = notification_apply(adapter=adapter, message=message)
    notification_log(
        provider=provider,
        out_trade_no=message.out_trade_no,
        verified=True,
        outcome=outcome.code,
        body=body,
        headers=headers,
        remote_addr=remote_addr,
    )
    return adapter.reply(ok=outcome.accepted, message=outcome.code)


def notification_apply(*, adapter: PaymentProvider, message: VerifiedNotification) -> Outcome:
    """Apply a verified provider message (callback, query answer or sandbox button) to our rows."""
    if message.kind == "refund":
        return _refund_notice_apply(adapter, message)
    return _payment_message_apply(adapter, message)


def _payment_message_apply(adapter: PaymentProvider, message: VerifiedNotification) -> Outcome:
    automatic_refund: Refund | None = None
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update().filter(out_trade_no=message.out_trade_no, provider=adapter.name).first()
        )
        if payment is None:
            return Outcome("unknown_trade", accepted=False)
        if not message.merchant_ok:
            return Outcome("wrong_merchant", accepted=False)
        if message.amount != payment.amount:
            return Outcome("amount_mismatch", accepted=False)
        if message.status == "pending":
            return Outcome("ignored", accepted=True)
        if message.status == "closed":
            if payment.status == PaymentStatus.CREATED:
                payment.status = PaymentStatus.CLOSED
                payment.save(update_fields=["status"])
                return Outcome("closed", accepted=True)
            return Outcome("ignored", accepted=True)
        if payment.paid_at is not None:
            return Outcome("duplicate", accepted=True)

        lock_order_payments(payment.order_id)
        payment.paid_at = message.paid_at or timezone.now()
        payment.provider_trade_no = message.provider_trade_no or payment.provider_trade_no
        payment.raw = {**payment.raw, "paid": message.raw}
        already_paid = (
            Payment.objects.filter(order_id=payment.order_id, status=PaymentStatus.PAID).exclude(pk=payment.pk).exists()
        )
        reason = "duplicate_payment" if already_paid else ""
        if not reason:
            try:
                with transaction.atomic():
                    payment.status = PaymentStatus.PAID
                    payment.save(update_fields=["status", "paid_at", "provider_trade_no", "raw"])
                    order_mark_paid(
                        order_id=payment.order_id,
                        amount=payment.amount,
                        provider=adapter.name,
                        paid_at=payment.paid_at,
                        payment_ref=payment.out_trade_no,
                    )
            except DomainError as exc:  # order_not_payable (cancelled meanwhile), amount_mismatch
                reason = exc.code
            except IntegrityError:  # another payment of this order became paid at the same moment
                reason = "duplicate_payment"
        if reason:
            # Money received that the order cannot take: keep the record, give the money back.
            payment.status = PaymentStatus.CLOSED
            payment.raw = {**payment.raw, "not_applied": reason}
            payment.save(update_fields=["status", "paid_at", "provider_trade_no", "raw"])
            automatic_refund = refund_create_automatic(payment=payment, reason=reason)
        else:
            track(
                payment.order.user_id,
                "payment_succeeded",
                {
                    "order_number": payment.order.number,
                    "provider": adapter.name,
                    "amount": payment.amount,
                    "out_trade_no": payment.out_trade_no,
                },
            )
    if automatic_refund is not None:
        logger.warning(
            "payment %s received for an order that cannot take it (%s); refunding automatically",
            payment.out_trade_no,
            automatic_refund.reason,
        )
        return Outcome("refunded_not_applied", accepted=True)
    return Outcome("paid", accepted=True)


def _refund_notice_apply(adapter: PaymentProvider, message: VerifiedNotification) -> Outcome:
    refund = (
        Refund.objects.select_related("payment")
        .filter(out_refund_no=message.out_refund_no, payment__provider=adapter.name)
        .first()
    )
    if refund is None or refund.payment.out_trade_no != message.out_trade_no:
        return Outcome("unknown_refund", accepted=False)
    if not message.merchant_ok:
        return Outcome("wrong_merchant", accepted=False)
    if message.amount is not None and message.amount != refund.amount:
        return Outcome("amount_mismatch", accepted=False)
    if message.status == "pending":
        return Outcome("ignored", accepted=True)
    changed = refund_mark(
        refund_id=refund.pk,
        succeeded=message.status == "succeeded",
        provider_refund_no=message.provider_refund_no,
        error_code="provider_notice",
    )
    if not changed:
        return Outcome("duplicate", accepted=True)
    return Outcome("refund_succeeded" if message.status == "succeeded" else "refund_failed", accepted=True)


# --- the sandbox and status queries ---------------------------------------------------------------------


def payment_sandbox_complete(*, user, out_trade_no: str, succeed: bool) -> Payment:
    """The buyer pressed "pay" or "fail" on the sandbox cashier page."""
    adapter = provider_enabled("sandbox")
    payment = Payment.objects.select_related("order").filter(out_trade_no=out_trade_no, provider="sandbox").first()
    if payment is None or payment.order.user_id != getattr(user, "pk", None):
        raise error_codes.payment_not_found()
    if payment.status != PaymentStatus.CREATED:
        raise error_codes.payment_closed()
    if succeed:
        message = VerifiedNotification(
            kind="payment",
            out_trade_no=out_trade_no,
            status="paid",
            amount=payment.amount,
            provider_trade_no=f"SB{out_trade_no}",
            paid_at=timezone.now(),
        )
        outcome = notification_apply(adapter=adapter, message=message)
        notification_log(
            provider="sandbox",
            out_trade_no=out_trade_no,
            verified=True,
            outcome=outcome.code,
            body=b"pay",
            headers={},
            remote_addr="",
        )
    else:
        payment_fail(payment_id=payment.pk, reason="sandbox_declined")
    payment.refresh_from_db()
    return payment


def payment_fail(*, payment_id: int, reason: str) -> bool:
    """Mark an open payment failed (the buyer's payment did not go through); the order stays payable."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("order").get(pk=payment_id)
        if payment.status != PaymentStatus.CREATED:
            return False
        payment.status = PaymentStatus.FAILED
        payment.raw = {**payment.raw, "failed": reason}
        payment.save(update_fields=["status", "raw"])
        track(
            payment.order.user_id,
            "payment_failed",
            {
                "order_number": payment.order.number,
                "provider": payment.provider,
                "reason": reason,
                "out_trade_no": payment.out_trade_no,
            },
        )
    return True


def payment_sync(*, payment: Payment) -> Payment:
    """Ask the provider how an open payment stands and apply the (verified) answer; quiet on any failure.

    Used by the return page: the buyer is often back before the notification arrives.
    """
    if payment.status != PaymentStatus.CREATED:
        return payment
    adapter = provider_get(payment.provider)
    if not adapter.configured:
        return payment
    try:
        message = adapter.query(out_trade_no=payment.out_trade_no)
    except (ProviderError, NotificationRejected) as exc:
        logger.info("payment query failed out_trade_no=%s error=%s", payment.out_trade_no, exc)
        return payment
    if message is not None and message.status in {"paid", "closed"}:
        notification_apply(adapter=adapter, message=message)
        payment.refresh_from_db()
    return payment


PAID_ORDER_STATES = {"paid", "shipped", "delivered", "completed", "refunding", "refunded"}
SYNC_EVERY_SECONDS = 5


@dataclass(frozen=True)
class ReturnStatus:
    order: object
    payment: Payment | None
    state: str  # "paid" | "pending" | "failed" | "cancelled" | "none"


def payment_return_status(*, user, order_number: str, sync: bool = True) -> ReturnStatus:
    """Where the buyer's payment stands when they come back from the provider (asks the provider if unsure)."""
    from shequ.payments.access import order_get_for_payer
    from shequ.payments.selectors import payment_latest_for_order

    order = order_get_for_payer(user=user, number=order_number)
    payment = payment_latest_for_order(order_id=order.pk)
    if (
        sync
        and payment is not None
        and payment.status == PaymentStatus.CREATED
        and ratelimit.hit(f"payments:sync:{payment.pk}", limit=1, window=SYNC_EVERY_SECONDS).allowed
    ):
        payment = payment_sync(payment=payment)
        order.refresh_from_db(fields=["status"])
    if order.status in PAID_ORDER_STATES:
        state = "paid"
    elif order.status == "cancelled":
        state = "cancelled"
    elif payment is None:
        state = "none"
    elif payment.status == PaymentStatus.CREATED:
        state = "pending"
    else:
        state = "failed"
    return ReturnStatus(order=order, payment=payment, state=state)
