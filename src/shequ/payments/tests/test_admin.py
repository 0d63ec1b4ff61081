"""The back office: payments, refunds and the notification log are read-only; refunds are audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import next_phone
from django.test import Client

from shequ.accounts.services.operators import operator_create
from shequ.audit.models import AuditEntry
from shequ.orders.models import OrderStatus
from shequ.payments.models import Payment, PaymentStatus, Refund, RefundStatus
from shequ.payments.services import payment_sandbox_complete, payment_start

pytestmark = pytest.mark.django_db


def operator(*roles: str) -> Client:
    user, _ = operator_create(phone=next_phone(), password="Operator-2026", roles=list(roles))
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.operator = user
    return client


def paid(user, make_order, total: str = "80.00") -> Payment:
    order = make_order(user, total=total)
    started = payment_start(order=order, provider="sandbox", return_url="https://shop.example.com/r/")
    return payment_sandbox_complete(user=user, out_trade_no=started.payment.out_trade_no, succeed=True)


def refund_action(client: Client, payments: list[Payment], **form):
    data = {"action": "refund_payments", "_selected_action": [p.pk for p in payments], **form}
    return client.post("/admin/payments/payment/", data)


def test_an_operator_refunds_part_of_a_payment_and_it_is_audited(user, make_order, sandbox):
    # given a paid order and an administrator
    payment = paid(user, make_order)
    ops = operator("admin")
    # when they pick "refund" they get a form, and submitting it refunds
    form = refund_action(ops, [payment])
    assert form.status_code == 200
    assert 'name="reason"' in form.content.decode()
    response = refund_action(ops, [payment], apply="1", amount="30.00", reason="少发一件", reference="ops-1")
    assert response.status_code == 302
    refund = Refund.objects.get()
    assert (refund.amount, refund.status, refund.reference) == (Decimal("30.00"), RefundStatus.SUCCEEDED, "ops-1")
    entry = AuditEntry.objects.get(target_type="payments.payment")
    assert (entry.actor_id, entry.target_user_id, entry.changes["refund"]) == (ops.operator.pk, user.pk, "30.00")
    # and submitting the same form again (double click) does not refund twice
    refund_action(ops, [payment], apply="1", amount="30.00", reason="少发一件", reference="ops-1")
    assert Refund.objects.count() == 1


def test_an_empty_amount_refunds_everything_left(user, make_order, sandbox):
    payment = paid(user, make_order, total="80.00")
    ops = operator("admin")
    refund_action(ops, [payment], apply="1", amount="", reason="整单退款", reference="ops-2")
    payment.refresh_from_db()
    assert payment.refunded_amount == Decimal("80.00")
    assert payment.order.status == OrderStatus.REFUNDED


def test_an_operator_cannot_refund_more_than_is_left(user, make_order, sandbox):
    payment = paid(user, make_order, total="80.00")
    ops = operator("admin")
    response = refund_action(ops, [payment], apply="1", amount="80.01", reason="x", reference="ops-3")
    assert response.status_code == 302
    assert not Refund.objects.exists()
    assert "80.00" in str([m.message for m in response.wsgi_request._messages])


def test_customer_service_sees_payments_but_cannot_refund(user, make_order, sandbox):
    payment = paid(user, make_order)
    ops = operator("customer-service")
    listing = ops.get("/admin/payments/payment/")
    assert listing.status_code == 200
    assert payment.out_trade_no in listing.content.decode()
    assert "refund_payments" not in listing.content.decode()
    refund_action(ops, [payment], apply="1", amount="1.00", reason="x", reference="ops-4")
    assert not Refund.objects.exists()


def test_payments_cannot_be_edited_or_deleted_in_the_admin(user, make_order, sandbox):
    payment = paid(user, make_order)
    ops = operator("admin")
    assert ops.get(f"/admin/payments/payment/{payment.pk}/change/").status_code == 200
    ops.post(f"/admin/payments/payment/{payment.pk}/change/", {"status": "failed", "amount": "1.00"})
    assert ops.post(f"/admin/payments/payment/{payment.pk}/delete/", {"post": "yes"}).status_code == 403
    payment.refresh_from_db()
    assert (payment.status, payment.amount) == (PaymentStatus.PAID, Decimal("80.00"))
    assert ops.get("/admin/payments/paymentnotification/").status_code == 200
    assert ops.get("/admin/payments/refund/").status_code == 200


def test_an_operator_sends_a_refused_refund_again(wechatpay, client, user, make_order):
    # given a WeChat Pay refund refused for a low merchant balance
    from shequ.payments.error_codes import RefundFailed
    from shequ.payments.services import payment_refund
    from shequ.payments.tests.test_wechatpay import paid_order

    order, payment = paid_order(wechatpay, user, make_order, client, total="50.00")
    wechatpay.refund_mode = "not_enough"
    with pytest.raises(RefundFailed):
        payment_refund(order=order, amount=Decimal("50.00"), reason="x", reference="AS1")
    refund = Refund.objects.get()
    # when the balance is topped up and an operator sends it again
    wechatpay.refund_mode = "success"
    ops = operator("admin")
    response = ops.post("/admin/payments/refund/", {"action": "send_again", "_selected_action": [refund.pk]})
    # then the same refund (same out_refund_no) goes through, and the retry is audited
    assert response.status_code == 302
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert list(wechatpay.transactions[payment.out_trade_no].refunds) == [refund.out_refund_no]
    assert order.status == OrderStatus.REFUNDED
    assert AuditEntry.objects.filter(target_type="payments.refund", reason="refund_retry").count() == 1
    # and a finished refund cannot be sent again
    ops.post("/admin/payments/refund/", {"action": "send_again", "_selected_action": [refund.pk]})
    assert len(wechatpay.transactions[payment.out_trade_no].refunds) == 1
