"""Payments with real orders: placed through checkout, paid, cancelled and refunded through the orders app."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shequ.catalog.testing import make_product
from shequ.inventory.models import StockLevel
from shequ.orders.models import OrderStatus
from shequ.orders.services import order_cancel
from shequ.orders.testing import make_address, make_shipping, place_order
from shequ.payments.models import Payment, PaymentStatus, Refund, RefundStatus
from shequ.payments.tests.conftest import post_alipay_notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed(user):
    """An order of 2 × ¥30.00 (free delivery over ¥50), placed through checkout: stock reserved."""
    make_shipping("std", first_fee="8.00", free_over="50.00")
    make_address(user)
    sku = make_product(skus=[{"list_price": "30.00", "stock": 10}]).skus.get()
    return place_order(user, lines=[(sku, 2)]), sku


def test_pay_then_cancel_before_shipping_refunds_everything(
    web_client, user, placed, sandbox, django_capture_on_commit_callbacks
):
    # given an order placed and paid with the sandbox
    order, sku = placed
    assert order.total == Decimal("60.00")
    web_client.post(f"/payments/pay/{order.number}/", {"provider": "sandbox"})
    payment = Payment.objects.get(order=order)
    web_client.post(f"/payments/sandbox/{payment.out_trade_no}/", {"action": "pay"})
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    # when the buyer cancels before it ships (orders asks payments for the refund after commit)
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, actor=user, reason="买错了")
    # then the whole payment is refunded and the order ends refunded, the stock free again
    refund = Refund.objects.get(payment=payment)
    assert (refund.amount, refund.status, refund.reference) == (
        Decimal("60.00"),
        RefundStatus.SUCCEEDED,
        f"cancel-{order.number}",
    )
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert order.refunded_total == Decimal("60.00")
    assert payment.refunded_amount == Decimal("60.00")
    assert StockLevel.objects.get(sku=sku).reserved == 0


def test_a_late_payment_for_an_order_cancelled_by_the_clock_is_given_back(
    alipay, client, user, placed, django_capture_on_commit_callbacks
):
    # given an Alipay payment started, and the order then cancelled for being overdue
    from shequ.orders.services import orders_cancel_overdue
    from shequ.payments.services import payment_start
    from shequ.payments.tests.test_alipay import open_cashier

    order, sku = placed
    started = payment_start(order=order, provider="alipay", return_url="https://shop.example.com/r/")
    open_cashier(alipay, started.url)
    assert orders_cancel_overdue(now=timezone.now() + timedelta(hours=1)) == 1
    # when Alipay's notification arrives after all
    with django_capture_on_commit_callbacks(execute=True):
        response = post_alipay_notification(client, alipay.notification(started.payment.out_trade_no))
    # then the order stays cancelled (its stock was released, not sold twice) and the money goes back
    assert response.content == b"success"
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert StockLevel.objects.get(sku=sku).reserved == 0
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.CLOSED
    assert Refund.objects.get(payment=payment).status == RefundStatus.SUCCEEDED
    assert sum(alipay.trades[payment.out_trade_no].refunds.values()) == Decimal("60.00")


def test_a_partial_refund_for_items_is_recorded_on_those_items(web_client, user, placed, sandbox):
    from shequ.payments.services import payment_refund

    order, _sku = placed
    web_client.post(f"/payments/pay/{order.number}/", {"provider": "sandbox"})
    payment = Payment.objects.get(order=order)
    web_client.post(f"/payments/sandbox/{payment.out_trade_no}/", {"action": "pay"})
    item = order.items.get()

    refund = payment_refund(
        order=order, amount=Decimal("30.00"), reason="一件破损", reference="AS-1", items=[(item.pk, 1)]
    )

    assert refund.status == RefundStatus.SUCCEEDED
    item.refresh_from_db()
    order.refresh_from_db()
    assert item.refunded_quantity == 1
    assert (order.status, order.refunded_total) == (OrderStatus.PAID, Decimal("30.00"))
