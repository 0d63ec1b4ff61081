"""Reads about payments and refunds, for our pages and for the other apps (orders, after-sales, admin)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum

from shequ.payments.models import Payment, PaymentStatus, Refund, RefundStatus
from shequ.payments.providers.base import PaymentProvider
from shequ.payments.providers.registry import providers_enabled


def payment_methods() -> list[PaymentProvider]:
    """The ways of paying switched on in this deployment."""
    return providers_enabled()


def payments_for_order(*, order_id: int) -> QuerySet[Payment]:
    return Payment.objects.filter(order_id=order_id).order_by("-created_at", "-id")


def payment_latest_for_order(*, order_id: int) -> Payment | None:
    """The payment that paid the order, else the most recent attempt."""
    return (
        Payment.objects.filter(order_id=order_id, status=PaymentStatus.PAID).first()
        or payments_for_order(order_id=order_id).first()
    )


def refunds_for_order(*, order_id: int) -> QuerySet[Refund]:
    return Refund.objects.filter(payment__order_id=order_id).order_by("created_at", "id")


@dataclass(frozen=True)
class Refundable:
    paid: Decimal
    refunded: Decimal
    in_flight: Decimal

    @property
    def remaining(self) -> Decimal:
        return max(self.paid - self.refunded - self.in_flight, Decimal("0.00"))


def refundable_for_order(*, order_id: int) -> Refundable:
    """How much of the order's payment can still be refunded (after-sales shows it to operators)."""
    payment = Payment.objects.filter(order_id=order_id, status=PaymentStatus.PAID).first()
    if payment is None:
        zero = Decimal("0.00")
        return Refundable(paid=zero, refunded=zero, in_flight=zero)
    pending = payment.refunds.filter(status=RefundStatus.PENDING).aggregate(total=Sum("amount"))["total"]
    return Refundable(paid=payment.amount, refunded=payment.refunded_amount, in_flight=pending or Decimal("0.00"))


@dataclass(frozen=True)
class PayPage:
    order: object
    methods: list[PaymentProvider]
    payment: Payment | None
    payable: bool


def pay_page_for_user(*, user, order_number: str) -> PayPage:
    """What the "choose how to pay" page shows for the buyer's own order (NotFound for others')."""
    from shequ.payments.access import order_get_for_payer

    order = order_get_for_payer(user=user, number=order_number)
    return PayPage(
        order=order,
        methods=payment_methods(),
        payment=payment_latest_for_order(order_id=order.pk),
        payable=order.status == "pending_payment",
    )


def sandbox_payment_for_user(*, user, out_trade_no: str) -> Payment:
    """A sandbox payment of the user's own order, for the sandbox cashier page (only while the sandbox is on)."""
    from shequ.payments.access import payment_get_for_user
    from shequ.payments.providers.registry import provider_enabled

    provider_enabled("sandbox")
    payment = payment_get_for_user(user=user, out_trade_no=out_trade_no)
    if payment.provider != "sandbox":
        from shequ.payments import error_codes

        raise error_codes.payment_not_found()
    return payment
