"""Races that must not charge or refund twice, run for real on PostgreSQL (several connections at once)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection

from shequ.analytics.models import Event
from shequ.core.errors import Conflict
from shequ.core.testing import run_together
from shequ.orders.models import Order, OrderEvent, OrderStatus
from shequ.payments.models import Payment, PaymentStatus, Refund, RefundStatus
from shequ.payments.services import payment_notification_receive, payment_refund, payment_start

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 8


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the races only exist on PostgreSQL")


def test_the_same_notification_at_the_same_moment_pays_once(wechatpay, user, make_order):
    order = make_order(user, total="59.80")
    started = payment_start(order=order, provider="wechatpay", return_url="https://shop.example.com/r/")
    headers, body = wechatpay.payment_notification(started.payment.out_trade_no)
    lowered = {name.lower(): value for name, value in headers.items()}

    replies = run_together(
        lambda i: (
            payment_notification_receive(
                provider="wechatpay", body=body, headers=lowered, remote_addr=f"10.0.0.{i}"
            ).status
        )
    )

    assert replies == [204] * THREADS
    assert Payment.objects.get().status == PaymentStatus.PAID
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID
    assert OrderEvent.objects.filter(order=order, kind="paid").count() == 1
    assert Event.objects.filter(name="payment_succeeded").count() == 1


def test_pay_tapped_many_times_at_once_opens_one_payment(sandbox, user, make_order):
    order = make_order(user)

    results = run_together(
        lambda i: (
            payment_start(
                order=Order.objects.get(pk=order.pk), provider="sandbox", return_url="https://shop.example.com/r/"
            ).payment.out_trade_no
        )
    )

    assert len(set(results)) == 1, results
    assert Payment.objects.filter(order=order).count() == 1


def test_concurrent_partial_refunds_never_exceed_what_was_paid(sandbox, user, make_order):
    from shequ.payments.services import payment_sandbox_complete

    order = make_order(user, total="100.00")
    started = payment_start(order=order, provider="sandbox", return_url="https://shop.example.com/r/")
    payment_sandbox_complete(user=user, out_trade_no=started.payment.out_trade_no, succeed=True)

    results = run_together(
        lambda i: (
            payment_refund(
                order=Order.objects.get(pk=order.pk), amount=Decimal("30.00"), reason="race", reference=f"AS{i}"
            ).status
        )
    )

    outcomes = Counter("conflict" if isinstance(r, Conflict) else r for r in results)
    assert outcomes == {RefundStatus.SUCCEEDED: 3, "conflict": THREADS - 3}, results
    assert Refund.objects.filter(status=RefundStatus.SUCCEEDED).count() == 3
    assert Payment.objects.get().refunded_amount == Decimal("90.00")
    assert Order.objects.get(pk=order.pk).refunded_total == Decimal("90.00")
