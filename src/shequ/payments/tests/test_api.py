"""The payments API: methods, start (with the double-tap rule) and status."""

from __future__ import annotations

import pytest

from shequ.analytics.models import Event
from shequ.orders.models import OrderStatus
from shequ.payments.models import Payment, PaymentStatus
from shequ.payments.services import payment_sandbox_complete

pytestmark = pytest.mark.django_db


def test_methods_lists_what_is_switched_on(user_api, sandbox):
    response = user_api.api("get", "/payments/methods")
    assert response.status_code == 200
    assert [m["name"] for m in response.json()] == ["sandbox"]


def test_start_returns_what_to_do_next(user_api, user, make_order, sandbox):
    # given an order awaiting payment
    order = make_order(user, total="12.34")
    # when the app starts paying with the sandbox
    response = user_api.api("post", f"/payments/{order.number}/start", json={"provider": "sandbox"})
    # then it gets the sandbox page to open
    assert response.status_code == 200, response.content
    body = response.json()
    payment = Payment.objects.get(order=order)
    assert body["kind"] == "page"
    assert body["url"] == f"http://testserver/payments/sandbox/{payment.out_trade_no}/"
    assert body["amount"] == "12.34"
    assert body["reused"] is False
    assert Event.objects.get(name="payment_started").properties["order_number"] == order.number


def test_start_twice_reuses_the_open_payment(user_api, user, make_order, sandbox):
    order = make_order(user)
    first = user_api.api("post", f"/payments/{order.number}/start", json={"provider": "sandbox"}).json()
    second = user_api.api("post", f"/payments/{order.number}/start", json={"provider": "sandbox"}).json()
    assert second["out_trade_no"] == first["out_trade_no"]
    assert second["reused"] is True
    assert Payment.objects.filter(order=order).count() == 1


def test_start_with_an_unknown_provider_is_400(user_api, user, make_order, sandbox):
    order = make_order(user)
    response = user_api.api("post", f"/payments/{order.number}/start", json={"provider": "paypal"})
    assert response.status_code == 400
    assert response.json()["code"] == "payment_provider_unknown"
    assert not Payment.objects.exists()


def test_start_with_a_provider_that_is_not_configured_is_400(user_api, user, make_order, sandbox):
    order = make_order(user)
    response = user_api.api("post", f"/payments/{order.number}/start", json={"provider": "alipay"})
    assert response.status_code == 400
    assert response.json()["code"] == "payment_provider_unavailable"


def test_start_with_a_channel_the_provider_lacks_is_400(user_api, user, make_order, sandbox):
    order = make_order(user)
    response = user_api.api("post", f"/payments/{order.number}/start", json={"provider": "sandbox", "channel": "qr"})
    assert response.status_code == 400
    assert response.json()["code"] == "payment_channel_unsupported"
    assert not Payment.objects.exists()


def test_start_with_an_overlong_provider_is_422(user_api, user, make_order, sandbox):
    order = make_order(user)
    response = user_api.api("post", f"/payments/{order.number}/start", json={"provider": "x" * 40})
    assert response.status_code == 422


def test_start_on_someone_elses_order_is_404(user_api, make_user, make_order, sandbox):
    order = make_order(make_user())
    response = user_api.api("post", f"/payments/{order.number}/start", json={"provider": "sandbox"})
    assert response.status_code == 404
    assert response.json()["code"] == "order_not_found"
    assert not Payment.objects.exists()


def test_start_needs_a_login(anon_api, user, make_order, sandbox):
    order = make_order(user)
    response = anon_api.api("post", f"/payments/{order.number}/start", json={"provider": "sandbox"})
    assert response.status_code == 401


def test_start_on_a_paid_order_is_409(user_api, user, make_order, sandbox):
    order = make_order(user)
    first = user_api.api("post", f"/payments/{order.number}/start", json={"provider": "sandbox"}).json()
    payment_sandbox_complete(user=user, out_trade_no=first["out_trade_no"], succeed=True)
    response = user_api.api("post", f"/payments/{order.number}/start", json={"provider": "sandbox"})
    assert response.status_code == 409
    assert response.json()["code"] == "order_not_payable"
    assert Payment.objects.filter(order=order).count() == 1


def test_start_on_a_cancelled_order_is_409(user_api, user, make_order, sandbox):
    order = make_order(user, status=OrderStatus.CANCELLED)
    response = user_api.api("post", f"/payments/{order.number}/start", json={"provider": "sandbox"})
    assert response.status_code == 409
    assert response.json()["code"] == "order_not_payable"
    assert not Payment.objects.exists()


def test_status_follows_the_payment(user_api, user, make_order, sandbox):
    order = make_order(user)
    url = f"/payments/{order.number}/status"
    assert user_api.api("get", url).json()["state"] == "none"
    started = user_api.api("post", f"/payments/{order.number}/start", json={"provider": "sandbox"}).json()
    pending = user_api.api("get", url).json()
    assert pending["state"] == "pending"
    assert pending["payment"]["status"] == PaymentStatus.CREATED
    payment_sandbox_complete(user=user, out_trade_no=started["out_trade_no"], succeed=True)
    paid = user_api.api("get", url).json()
    assert paid["state"] == "paid"
    assert paid["order_status"] == OrderStatus.PAID
    assert paid["payment"]["out_trade_no"] == started["out_trade_no"]
    assert paid["payment"]["paid_at"] is not None


def test_status_of_someone_elses_order_is_404(user_api, make_user, make_order, sandbox):
    order = make_order(make_user())
    assert user_api.api("get", f"/payments/{order.number}/status").status_code == 404
