"""The pay page and the sandbox cashier, end to end through the Django test client."""

from __future__ import annotations

import pytest
from django.test import Client

from shequ.analytics.models import Event
from shequ.orders.models import OrderStatus
from shequ.payments.models import Payment, PaymentNotification, PaymentStatus
from shequ.payments.tests.conftest import set_payments

pytestmark = pytest.mark.django_db


def start_sandbox(client: Client, order) -> Payment:
    response = client.post(f"/payments/pay/{order.number}/", {"provider": "sandbox"})
    assert response.status_code == 302, response.content
    payment = Payment.objects.get(order=order)
    assert response["Location"] == f"/payments/sandbox/{payment.out_trade_no}/"
    return payment


def test_pay_page_shows_the_total_and_the_ways_to_pay(web_client, user, make_order, sandbox):
    # given an order awaiting payment
    order = make_order(user, total="59.80")
    # when the buyer opens the pay page
    response = web_client.get(f"/payments/pay/{order.number}/")
    # then they see the total and the sandbox method
    assert response.status_code == 200
    body = response.content.decode()
    assert "59.80" in body
    assert 'data-testid="method-sandbox"' in body


def test_pay_page_of_someone_elses_order_is_not_found(web_client, make_user, make_order, sandbox):
    order = make_order(make_user())
    assert web_client.get(f"/payments/pay/{order.number}/").status_code == 404
    assert web_client.post(f"/payments/pay/{order.number}/", {"provider": "sandbox"}).status_code == 404
    assert not Payment.objects.exists()


def test_pay_page_needs_a_login(client, user, make_order, sandbox):
    order = make_order(user)
    response = client.get(f"/payments/pay/{order.number}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_sandbox_pay_marks_the_order_paid(web_client, user, make_order, sandbox):
    # given a started sandbox payment
    order = make_order(user, total="59.80")
    payment = start_sandbox(web_client, order)
    page = web_client.get(f"/payments/sandbox/{payment.out_trade_no}/")
    assert page.status_code == 200
    assert 'data-testid="sandbox-pay"' in page.content.decode()
    # when the buyer presses "pay"
    response = web_client.post(f"/payments/sandbox/{payment.out_trade_no}/", {"action": "pay"})
    # then they land on the result page and the order is paid
    assert response.status_code == 302
    assert response["Location"] == f"/payments/return/{order.number}/"
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert payment.status == PaymentStatus.PAID
    assert payment.paid_at is not None
    result = web_client.get(response["Location"])
    assert 'data-testid="payment-state-paid"' in result.content.decode()
    assert Event.objects.filter(name="payment_succeeded", user_id=user.pk).count() == 1
    assert Event.objects.filter(name="payment_started", user_id=user.pk).count() == 1
    assert PaymentNotification.objects.get(provider="sandbox").outcome == "paid"


def test_sandbox_fail_leaves_the_order_payable_again(web_client, user, make_order, sandbox):
    # given a started sandbox payment
    order = make_order(user)
    first = start_sandbox(web_client, order)
    # when the buyer makes it fail
    response = web_client.post(f"/payments/sandbox/{first.out_trade_no}/", {"action": "fail"})
    # then the order still awaits payment and the result page offers to pay again
    assert response.status_code == 302
    order.refresh_from_db()
    first.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert first.status == PaymentStatus.FAILED
    result = web_client.get(response["Location"])
    assert 'data-testid="pay-again"' in result.content.decode()
    assert Event.objects.filter(name="payment_failed", user_id=user.pk).count() == 1
    # and paying again opens a new payment that can succeed
    again = web_client.post(f"/payments/pay/{order.number}/", {"provider": "sandbox"})
    second = Payment.objects.exclude(pk=first.pk).get(order=order)
    assert again["Location"] == f"/payments/sandbox/{second.out_trade_no}/"
    web_client.post(f"/payments/sandbox/{second.out_trade_no}/", {"action": "pay"})
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_a_finished_sandbox_payment_cannot_be_paid_again(web_client, user, make_order, sandbox):
    order = make_order(user)
    payment = start_sandbox(web_client, order)
    web_client.post(f"/payments/sandbox/{payment.out_trade_no}/", {"action": "fail"})
    # the back button, then "pay" on the failed attempt
    response = web_client.post(f"/payments/sandbox/{payment.out_trade_no}/", {"action": "pay"})
    assert response.status_code == 409
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_double_clicked_pay_reuses_the_open_payment(web_client, user, make_order, sandbox):
    order = make_order(user)
    first = web_client.post(f"/payments/pay/{order.number}/", {"provider": "sandbox"})
    second = web_client.post(f"/payments/pay/{order.number}/", {"provider": "sandbox"})
    assert first["Location"] == second["Location"]
    assert Payment.objects.filter(order=order).count() == 1


def test_sandbox_button_on_someone_elses_payment_is_not_found(web_client, make_user, make_order, sandbox):
    owner = make_user()
    order = make_order(owner)
    other = Client()
    other.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    payment = start_sandbox(other, order)
    assert web_client.get(f"/payments/sandbox/{payment.out_trade_no}/").status_code == 404
    assert web_client.post(f"/payments/sandbox/{payment.out_trade_no}/", {"action": "pay"}).status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_sandbox_rejects_an_unknown_action(web_client, user, make_order, sandbox):
    order = make_order(user)
    payment = start_sandbox(web_client, order)
    response = web_client.post(f"/payments/sandbox/{payment.out_trade_no}/", {"action": "steal"})
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED


def test_paying_a_cancelled_order_is_refused(web_client, user, make_order, sandbox):
    order = make_order(user, status=OrderStatus.CANCELLED)
    page = web_client.get(f"/payments/pay/{order.number}/")
    assert 'data-testid="pay-not-payable"' in page.content.decode()
    response = web_client.post(f"/payments/pay/{order.number}/", {"provider": "sandbox"})
    assert response.status_code == 409
    assert 'data-testid="pay-error"' in response.content.decode()
    assert not Payment.objects.exists()


def test_paying_after_the_deadline_is_refused(web_client, user, make_order, sandbox):
    order = make_order(user, deadline_minutes=-1)
    response = web_client.post(f"/payments/pay/{order.number}/", {"provider": "sandbox"})
    assert response.status_code == 409
    assert not Payment.objects.exists()


def test_switched_off_sandbox_is_neither_offered_nor_usable(web_client, user, make_order, settings):
    set_payments(settings, SANDBOX_ENABLED=False)
    order = make_order(user)
    page = web_client.get(f"/payments/pay/{order.number}/")
    assert 'data-testid="method-sandbox"' not in page.content.decode()
    response = web_client.post(f"/payments/pay/{order.number}/", {"provider": "sandbox"})
    assert response.status_code == 400
    assert not Payment.objects.exists()


def test_unknown_provider_is_refused(web_client, user, make_order, sandbox):
    order = make_order(user)
    response = web_client.post(f"/payments/pay/{order.number}/", {"provider": "paypal"})
    assert response.status_code == 400
    assert not Payment.objects.exists()


def test_callbacks_to_the_sandbox_are_rejected_and_logged(client, user, make_order, sandbox):
    order = make_order(user)
    response = client.post("/payments/notify/sandbox/", {"out_trade_no": "P1", "status": "paid"})
    assert response.status_code == 400
    logged = PaymentNotification.objects.get()
    assert (logged.provider, logged.verified, logged.outcome) == ("sandbox", False, "not_supported")
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_callback_for_an_unknown_provider_is_logged(client, sandbox):
    response = client.post("/payments/notify/paypal/", {"x": "1"})
    assert response.status_code == 404
    assert PaymentNotification.objects.get().outcome == "unknown_provider"


def test_callbacks_are_get_proof(client, sandbox):
    assert client.get("/payments/notify/alipay/").status_code == 405


def test_a_flood_of_callbacks_is_cut_off_without_filling_the_log(client, sandbox, monkeypatch):
    from shequ.payments.services import settle

    monkeypatch.setattr(settle, "NOTIFICATIONS_PER_IP_PER_MINUTE", 2)
    statuses = [client.post("/payments/notify/sandbox/", {"n": str(i)}).status_code for i in range(4)]
    assert statuses == [400, 400, 429, 429]
    assert PaymentNotification.objects.count() == 2


def test_an_oversized_callback_is_rejected_unread(client, alipay):
    response = client.post("/payments/notify/alipay/", data=b"a=" + b"x" * 70_000, content_type="text/plain")
    assert response.status_code == 400
    logged = PaymentNotification.objects.get()
    assert logged.outcome == "too_large"
    assert len(logged.body) <= 16_000
