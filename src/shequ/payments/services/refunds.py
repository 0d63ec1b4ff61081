"""Refunds, full and partial: never more than was paid, each one asked of the provider exactly once.

A refund is written ``pending`` (under the payment's row lock, so two concurrent refunds cannot together
exceed what was paid), then sent to the provider outside any lock, then marked ``succeeded`` or
``failed``. When the provider's answer is unknown (timeout, 5xx, unverifiable) the refund stays
``pending``: the periodic ``refunds_resubmit_pending`` sends it again with the same ``out_refund_no``, which
both providers treat as the same refund, and WeChat's REFUND.* notification may settle it first.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from shequ.analytics.services import track
from shequ.audit.models import AuditAction
from shequ.audit.services import audit_record
from shequ.payments import error_codes
from shequ.payments.models import Payment, PaymentStatus, Refund, RefundStatus
from shequ.payments.orders_port import order_apply_refund
from shequ.payments.providers.base import ProviderError, RefundRequest, quantize_yuan
from shequ.payments.providers.registry import provider_get
from shequ.payments.services.common import logger, new_number, notify_url

MAX_REFUND_REASON = 120
RESUBMIT_AFTER = timedelta(minutes=10)


def _clean_amount(amount) -> Decimal:
    if not isinstance(amount, Decimal):
        try:
            amount = Decimal(str(amount))
        except ArithmeticError as exc:
            raise error_codes.invalid_refund_amount() from exc
    try:
        amount = quantize_yuan(amount)
    except (ValueError, ArithmeticError) as exc:
        raise error_codes.invalid_refund_amount() from exc
    if amount <= 0:
        raise error_codes.invalid_refund_amount()
    return amount


def _in_flight(payment: Payment) -> Decimal:
    pending = payment.refunds.filter(status=RefundStatus.PENDING).aggregate(total=Sum("amount"))["total"]
    return pending or Decimal("0.00")


def payment_refund(
    *,
    order,
    amount: Decimal,
    reason: str,
    reference: str = "",
    items: list[tuple[int, int]] | None = None,
) -> Refund:
    """Refund ``amount`` of the order's payment (partially or in full) through its provider.

    Returns the Refund: ``succeeded`` (and ``orders.services.order_apply_refund`` has run), or ``pending``
    when the provider has yet to confirm (it will be finished by its notification or a resubmission).
    Raises Conflict("refund_exceeds_paid") beyond what is left, Conflict("order_not_paid") without a
    successful payment, and RefundFailed (502) when the provider refuses — the refund row is then
    ``failed``. A non-empty ``reference`` (e.g. the after-sales request number) makes the call idempotent:
    asking again returns the refund already made for it.
    """
    amount = _clean_amount(amount)
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(order_id=order.pk, status=PaymentStatus.PAID).first()
        if payment is None:
            raise error_codes.order_not_paid()
        if reference:
            existing = payment.refunds.filter(
                reference=reference[:40], status__in=[RefundStatus.PENDING, RefundStatus.SUCCEEDED]
            ).first()
            if existing is not None:
                return existing
        refundable = payment.amount - payment.refunded_amount - _in_flight(payment)
        if amount > refundable:
            raise error_codes.refund_exceeds_paid(max(refundable, Decimal("0.00")))
        refund = Refund.objects.create(
            payment=payment,
            out_refund_no=new_number("R"),
            amount=amount,
            reason=reason[:MAX_REFUND_REASON],
            reference=reference[:40],
        )
        if items:
            # The Refund row has no place for the refunded lines; they ride on the payment until it succeeds.
            payment.raw = {
                **payment.raw,
                "refund_items": {**payment.raw.get("refund_items", {}), refund.out_refund_no: [list(i) for i in items]},
            }
            payment.save(update_fields=["raw"])
        track(
            order.user_id,
            "refund_requested",
            {"order_number": order.number, "amount": amount, "out_refund_no": refund.out_refund_no},
        )
    return refund_submit(refund=refund)


def refund_create_automatic(*, payment: Payment, reason: str) -> Refund:
    """Give back a payment the order could not take; sent to the provider once the transaction commits.

    Caller holds the payment's row lock inside a transaction.
    """
    refund = Refund.objects.create(
        payment=payment,
        out_refund_no=new_number("R"),
        amount=payment.amount - payment.refunded_amount,
        reason=f"auto:{reason}"[:MAX_REFUND_REASON],
        reference="auto",
    )

    def send() -> None:
        from shequ.payments.tasks import refund_submit_task

        refund_submit_task.delay(refund.pk)

    transaction.on_commit(send)
    return refund


def refund_submit(*, refund: Refund) -> Refund:
    """Send a pending refund to its provider and record the answer. Idempotent on ``out_refund_no``."""
    payment = refund.payment
    adapter = provider_get(payment.provider)
    if not adapter.configured:
        logger.error("refund %s cannot be sent: provider %s is not configured", refund.out_refund_no, payment.provider)
        return refund
    request = RefundRequest(
        out_trade_no=payment.out_trade_no,
        provider_trade_no=payment.provider_trade_no,
        out_refund_no=refund.out_refund_no,
        amount=refund.amount,
        payment_total=payment.amount,
        reason=refund.reason,
        notify_url=notify_url(payment.provider) if payment.provider == "wechatpay" else "",
    )
    try:
        result = adapter.refund(request)
    except ProviderError as exc:
        logger.warning(
            "refund %s outcome unknown (%s); it stays pending and will be sent again", refund.out_refund_no, exc
        )
        return refund
    if result.status == "pending":
        if result.provider_refund_no and not refund.provider_refund_no:
            Refund.objects.filter(pk=refund.pk).update(provider_refund_no=result.provider_refund_no)
        refund.refresh_from_db()
        return refund
    refund_mark(
        refund_id=refund.pk,
        succeeded=result.status == "succeeded",
        provider_refund_no=result.provider_refund_no,
        error_code=result.error_code,
    )
    refund.refresh_from_db()
    if refund.status == RefundStatus.FAILED:
        logger.error(
            "refund %s refused by %s: %s %s",
            refund.out_refund_no,
            payment.provider,
            result.error_code,
            result.error_message,
        )
        raise error_codes.RefundFailed(refund, result.error_code)
    return refund


def refund_mark(*, refund_id: int, succeeded: bool, provider_refund_no: str = "", error_code: str = "") -> bool:
    """Record the provider's final word on a pending refund; False when it was already final.

    On success the payment's refunded total grows and, for a payment that paid its order, the order is told
    through ``order_apply_refund``. Payment first, then refund: the same lock order as ``payment_refund``.
    """
    with transaction.atomic():
        payment_id = Refund.objects.filter(pk=refund_id).values_list("payment_id", flat=True).get()
        payment = Payment.objects.select_for_update().select_related("order").get(pk=payment_id)
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.status != RefundStatus.PENDING:
            return False
        refund.completed_at = timezone.now()
        if provider_refund_no:
            refund.provider_refund_no = provider_refund_no[:64]
        order = payment.order
        if not succeeded:
            refund.status = RefundStatus.FAILED
            refund.save(update_fields=["status", "completed_at", "provider_refund_no"])
            track(
                order.user_id,
                "refund_failed",
                {
                    "order_number": order.number,
                    "amount": refund.amount,
                    "out_refund_no": refund.out_refund_no,
                    "error": error_code[:40],
                },
            )
            return True
        refund.status = RefundStatus.SUCCEEDED
        refund.save(update_fields=["status", "completed_at", "provider_refund_no"])
        Payment.objects.filter(pk=payment.pk).update(refunded_amount=F("refunded_amount") + refund.amount)
        if payment.status == PaymentStatus.PAID:
            items = payment.raw.get("refund_items", {}).get(refund.out_refund_no)
            order_apply_refund(
                order_id=payment.order_id,
                amount=refund.amount,
                items=[tuple(item) for item in items] if items else None,
                # Orders ignores a reference it has seen; each refund's own number keeps two refunds distinct.
                reference=refund.out_refund_no,
            )
        track(
            order.user_id,
            "refund_succeeded",
            {
                "order_number": order.number,
                "amount": refund.amount,
                "out_refund_no": refund.out_refund_no,
                "provider": payment.provider,
                "automatic": payment.status != PaymentStatus.PAID,
            },
        )
    return True


def refund_submit_pending(*, refund_id: int) -> str:
    """Send one refund if it is still pending (the task behind automatic refunds); return its status."""
    refund = Refund.objects.select_related("payment").filter(pk=refund_id, status=RefundStatus.PENDING).first()
    if refund is None:
        return "not_pending"
    try:
        return refund_submit(refund=refund).status
    except error_codes.RefundFailed:
        return RefundStatus.FAILED


def refunds_resubmit_pending(*, older_than: timedelta = RESUBMIT_AFTER) -> dict[str, int]:
    """Send again every refund still pending after ``older_than`` (the periodic task)."""
    cutoff = timezone.now() - older_than
    counts = {"sent": 0, "failed": 0}
    for refund in Refund.objects.select_related("payment").filter(status=RefundStatus.PENDING, created_at__lt=cutoff):
        try:
            refund_submit(refund=refund)
            counts["sent"] += 1
        except error_codes.RefundFailed:
            counts["failed"] += 1
    return counts


# --- operators ----------------------------------------------------------------------------------------


def payment_refund_by_operator(
    *, payment: Payment, amount: Decimal | None, reason: str, actor, ip: str = "", reference: str = ""
) -> Refund:
    """An operator refunds part of a paid payment, or (``amount=None``) all that is left of it; audited."""
    if payment.status != PaymentStatus.PAID:
        raise error_codes.order_not_paid()
    if amount is None:
        amount = payment.amount - payment.refunded_amount - _in_flight(payment)
        if amount <= 0:
            raise error_codes.refund_exceeds_paid(Decimal("0.00"))
    amount = _clean_amount(amount)
    audit_record(
        actor=actor,
        action=AuditAction.ADJUST,
        target=payment,
        target_user_id=payment.order.user_id,
        changes={"refund": str(amount), "reference": reference},
        reason=f"refund: {reason}"[:300],
        ip=ip,
    )
    return payment_refund(order=payment.order, amount=amount, reason=reason, reference=reference)


def refund_retry(*, refund: Refund, actor, ip: str = "") -> Refund:
    """An operator sends a failed or stuck refund again (same ``out_refund_no``, as both providers advise)."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status == RefundStatus.SUCCEEDED:
            raise error_codes.refund_not_retryable()
        if refund.status == RefundStatus.FAILED:
            refundable = payment.amount - payment.refunded_amount - _in_flight(payment)
            if refund.amount > refundable:
                raise error_codes.refund_exceeds_paid(max(refundable, Decimal("0.00")))
            refund.status = RefundStatus.PENDING
            refund.completed_at = None
            refund.save(update_fields=["status", "completed_at"])
        audit_record(
            actor=actor,
            action=AuditAction.OTHER,
            target=refund,
            target_user_id=payment.order.user_id,
            reason="refund_retry",
            ip=ip,
        )
    return refund_submit(refund=refund)
