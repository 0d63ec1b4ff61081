"""Alipay, end to end against the local fake gateway (see fakes/alipay.py): real HTTP, real RSA2."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from shequ.analytics.models import Event
from shequ.core.errors import Conflict, InvalidInput
from shequ.orders.models import Order, OrderEvent, OrderStatus
from shequ.payments.error_codes import RefundFailed
from shequ.payments.models import Payment, PaymentNotification, PaymentStatus, Refund, RefundStatus
from shequ.payments.services import payment_refund, payment_start, refunds_resubmit_pending
from shequ.payments.tests.conftest import post_alipay_notification
from shequ.payments.tests.fakes import keys

pytestmark = pytest.mark.django_db
RETURN_URL = "https://shop.example.com/payments/return/1/"


def start(order, *, channel: str = "wap"):
    return payment_start(order=order, provider="alipay", return_url=RETURN_URL, channel=channel)


def open_cashier(alipay, url: str) -> httpx.Response:
    """The buyer's browser follows the redirect to Alipay."""
    response = httpx.get(url)
    assert response.status_code == 200
    assert alipay.errors == [], alipay.errors
    return response


def paid_order(alipay, user, make_order, client, total: str = "100.00") -> tuple[Order, Payment]:
    order = make_order(user, total=total)
    started = start(order)
    open_cashier(alipay, started.url)
    assert post_alipay_notification(client, alipay.notification(started.payment.out_trade_no)).content == b"success"
    started.payment.refresh_from_db()
    return order, started.payment


# --- starting ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("channel", "method"), [("wap", "alipay.trade.wap.pay"), ("page", "alipay.trade.page.pay")])
def test_start_redirects_to_a_gateway_request_alipay_accepts(alipay, user, make_order, channel, method):
    # given an order of ¥59.80
    order = make_order(user, total="59.80")
    # when the buyer starts paying with Alipay
    started = start(order, channel=channel)
    # then the browser is sent to the gateway with a request it accepts (signature, timestamp, fields)
    assert started.kind == "redirect"
    assert started.url.startswith(alipay.gateway + "?")
    open_cashier(alipay, started.url)
    params = dict(parse_qsl(urlsplit(started.url).query))
    assert params["method"] == method
    assert params["notify_url"] == "https://shop.example.com/payments/notify/alipay/"
    assert params["return_url"] == RETURN_URL
    trade = alipay.trades[started.payment.out_trade_no]
    assert trade.total_amount == Decimal("59.80")


def test_a_request_signed_with_another_key_is_refused_by_the_gateway(alipay, user, make_order, settings):
    settings.SHEQU_PAYMENTS = {
        **settings.SHEQU_PAYMENTS,
        "ALIPAY": alipay.config(PRIVATE_KEY=keys.private_pem(keys.new_key())),
    }
    started = start(make_order(user))
    httpx.get(started.url)
    assert alipay.errors == ["isv.invalid-signature"]
    assert alipay.trades == {}


def test_start_twice_opens_the_same_trade(alipay, user, make_order):
    order = make_order(user)
    first, second = start(order), start(order)
    open_cashier(alipay, first.url)
    open_cashier(alipay, second.url)
    assert second.reused is True
    assert second.payment.pk == first.payment.pk
    assert list(alipay.trades) == [first.payment.out_trade_no]


# --- notifications -----------------------------------------------------------------------------------------


def test_notification_pays_the_order(alipay, client, user, make_order):
    # given a started payment the buyer completes on Alipay
    order = make_order(user, total="59.80")
    started = start(order)
    open_cashier(alipay, started.url)
    # when Alipay notifies
    response = post_alipay_notification(client, alipay.notification(started.payment.out_trade_no))
    # then we answer "success" and the order is paid
    assert response.status_code == 200
    assert response.content == b"success"
    payment = Payment.objects.get(pk=started.payment.pk)
    assert payment.status == PaymentStatus.PAID
    assert payment.provider_trade_no == alipay.trades[payment.out_trade_no].trade_no
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    logged = PaymentNotification.objects.get()
    assert (logged.verified, logged.outcome, logged.out_trade_no) == (True, "paid", payment.out_trade_no)
    assert Event.objects.filter(name="payment_succeeded").count() == 1


def test_the_same_notification_twice_pays_once(alipay, client, user, make_order):
    order = make_order(user)
    started = start(order)
    open_cashier(alipay, started.url)
    notification = alipay.notification(started.payment.out_trade_no)
    first = post_alipay_notification(client, notification)
    second = post_alipay_notification(client, notification)
    assert first.content == second.content == b"success"
    assert Payment.objects.filter(order=order, status=PaymentStatus.PAID).count() == 1
    assert OrderEvent.objects.filter(order=order, kind="paid").count() == 1
    assert Event.objects.filter(name="payment_succeeded").count() == 1
    assert list(PaymentNotification.objects.order_by("id").values_list("outcome", flat=True)) == ["paid", "duplicate"]


def test_a_forged_notification_is_rejected_and_logged(alipay, client, user, make_order):
    order = make_order(user)
    started = start(order)
    open_cashier(alipay, started.url)
    forged = alipay.notification(started.payment.out_trade_no, sign_key=keys.new_key())
    response = post_alipay_notification(client, forged)
    assert response.status_code == 400
    assert response.content == b"failure"
    logged = PaymentNotification.objects.get()
    assert (logged.verified, logged.outcome, logged.out_trade_no) == (
        False,
        "bad_signature",
        started.payment.out_trade_no,
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert Payment.objects.get().status == PaymentStatus.CREATED


def test_an_amount_changed_after_signing_is_rejected(alipay, client, user, make_order):
    order = make_order(user, total="59.80")
    started = start(order)
    open_cashier(alipay, started.url)
    tampered = {**alipay.notification(started.payment.out_trade_no), "total_amount": "0.01"}
    assert post_alipay_notification(client, tampered).content == b"failure"
    assert PaymentNotification.objects.get().outcome == "bad_signature"
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_a_signed_notification_for_another_amount_is_rejected(alipay, client, user, make_order):
    order = make_order(user, total="59.80")
    started = start(order)
    open_cashier(alipay, started.url)
    response = post_alipay_notification(client, alipay.notification(started.payment.out_trade_no, total_amount="0.01"))
    assert response.content == b"failure"
    logged = PaymentNotification.objects.get()
    assert (logged.verified, logged.outcome) == (True, "amount_mismatch")
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_a_notification_for_an_unknown_trade_is_rejected_and_logged(alipay, client, db):
    response = post_alipay_notification(client, alipay.notification("P999NOSUCHTRADE", total_amount="10.00"))
    assert response.content == b"failure"
    logged = PaymentNotification.objects.get()
    assert (logged.verified, logged.outcome, logged.out_trade_no) == (True, "unknown_trade", "P999NOSUCHTRADE")
    assert not Payment.objects.exists()


def test_a_notification_for_another_app_is_rejected(alipay, client, user, make_order):
    order = make_order(user)
    started = start(order)
    open_cashier(alipay, started.url)
    response = post_alipay_notification(client, alipay.notification(started.payment.out_trade_no, app_id="2021999"))
    assert response.content == b"failure"
    assert PaymentNotification.objects.get().outcome == "wrong_merchant"
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_a_notification_without_a_signature_is_rejected(alipay, client, user, make_order):
    order = make_order(user)
    started = start(order)
    open_cashier(alipay, started.url)
    unsigned = alipay.notification(started.payment.out_trade_no)
    del unsigned["sign"]
    assert post_alipay_notification(client, unsigned).status_code == 400
    assert PaymentNotification.objects.get().outcome == "bad_signature"


def test_garbage_is_rejected_and_logged(alipay, client, db):
    response = client.post("/payments/notify/alipay/", data=b"\xff\xfe%%%", content_type="application/octet-stream")
    assert response.status_code == 400
    assert PaymentNotification.objects.get().outcome == "malformed"


def test_a_waiting_trade_notification_changes_nothing(alipay, client, user, make_order):
    order = make_order(user)
    started = start(order)
    open_cashier(alipay, started.url)
    waiting = alipay.notification(started.payment.out_trade_no, trade_status="WAIT_BUYER_PAY")
    assert post_alipay_notification(client, waiting).content == b"success"
    assert Payment.objects.get().status == PaymentStatus.CREATED
    assert PaymentNotification.objects.get().outcome == "ignored"


def test_payment_for_an_order_cancelled_meanwhile_is_refunded_not_revived(
    alipay, client, user, make_order, django_capture_on_commit_callbacks
):
    # given a payment started, then the order cancelled (timed out) before Alipay's notification arrives
    order = make_order(user, total="59.80")
    started = start(order)
    open_cashier(alipay, started.url)
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.CANCELLED)
    # when the notification arrives
    with django_capture_on_commit_callbacks(execute=True):
        response = post_alipay_notification(client, alipay.notification(started.payment.out_trade_no))
    # then it is acknowledged, the order stays cancelled, and the money goes back automatically
    assert response.content == b"success"
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.CLOSED
    assert payment.paid_at is not None
    refund = Refund.objects.get(payment=payment)
    assert (refund.status, refund.amount, refund.reason) == (
        RefundStatus.SUCCEEDED,
        Decimal("59.80"),
        "auto:order_not_payable",
    )
    assert alipay.trades[payment.out_trade_no].refunds == {refund.out_refund_no: Decimal("59.80")}
    assert PaymentNotification.objects.get().outcome == "refunded_not_applied"
    assert not Event.objects.filter(name="payment_succeeded").exists()


def test_return_page_asks_alipay_when_the_notification_is_late(alipay, web_client, user, make_order):
    order = make_order(user)
    started = start(order)
    open_cashier(alipay, started.url)
    alipay.buyer_pays(started.payment.out_trade_no)  # no notification yet
    response = web_client.get(f"/payments/return/{order.number}/")
    assert 'data-testid="payment-state-paid"' in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_return_page_stays_pending_while_the_buyer_has_not_paid(alipay, web_client, user, make_order):
    order = make_order(user)
    open_cashier(alipay, start(order).url)
    response = web_client.get(f"/payments/return/{order.number}/")
    assert 'data-testid="payment-state-pending"' in response.content.decode()


# --- refunds -----------------------------------------------------------------------------------------------


def test_full_refund(alipay, client, user, make_order):
    order, payment = paid_order(alipay, user, make_order, client, total="59.80")
    refund = payment_refund(order=order, amount=Decimal("59.80"), reason="不想要了", reference="AS1")
    assert refund.status == RefundStatus.SUCCEEDED
    assert alipay.trades[payment.out_trade_no].refunds == {refund.out_refund_no: Decimal("59.80")}
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.refunded_amount == Decimal("59.80")
    assert order.status == OrderStatus.REFUNDED
    assert order.refunded_total == Decimal("59.80")
    assert Event.objects.filter(name="refund_succeeded").count() == 1


def test_partial_refunds_never_add_up_to_more_than_was_paid(alipay, client, user, make_order):
    order, payment = paid_order(alipay, user, make_order, client, total="100.00")
    first = payment_refund(order=order, amount=Decimal("30.00"), reason="少发一件", reference="AS1")
    second = payment_refund(order=order, amount=Decimal("50.00"), reason="破损", reference="AS2")
    assert first.status == second.status == RefundStatus.SUCCEEDED
    with pytest.raises(Conflict) as refused:
        payment_refund(order=order, amount=Decimal("20.01"), reason="再退", reference="AS3")
    assert refused.value.code == "refund_exceeds_paid"
    assert refused.value.details == {"refundable": "20.00"}
    assert len(alipay.trades[payment.out_trade_no].refunds) == 2
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.refunded_amount == Decimal("80.00")
    assert order.refunded_total == Decimal("80.00")
    assert order.status == OrderStatus.PAID


def test_the_same_reference_refunds_once(alipay, client, user, make_order):
    order, payment = paid_order(alipay, user, make_order, client)
    first = payment_refund(order=order, amount=Decimal("10.00"), reason="x", reference="AS1")
    again = payment_refund(order=order, amount=Decimal("10.00"), reason="x", reference="AS1")
    assert again.pk == first.pk
    assert len(alipay.trades[payment.out_trade_no].refunds) == 1


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-1"), Decimal("0.001")])
def test_refund_of_a_nonsense_amount_is_refused(alipay, client, user, make_order, amount):
    order, _payment = paid_order(alipay, user, make_order, client)
    with pytest.raises(InvalidInput) as refused:
        payment_refund(order=order, amount=amount, reason="x", reference="")
    assert refused.value.code == "invalid_amount"
    assert not Refund.objects.exists()


def test_refund_of_an_unpaid_order_is_refused(alipay, user, make_order):
    order = make_order(user)
    with pytest.raises(Conflict) as refused:
        payment_refund(order=order, amount=Decimal("1.00"), reason="x", reference="")
    assert refused.value.code == "order_not_paid"


def test_a_refund_alipay_refuses_is_failed_and_reported(alipay, client, user, make_order):
    order, payment = paid_order(alipay, user, make_order, client)
    alipay.failure = "balance"
    with pytest.raises(RefundFailed) as failed:
        payment_refund(order=order, amount=Decimal("10.00"), reason="x", reference="AS1")
    assert failed.value.details["provider_error"] == "ACQ.SELLER_BALANCE_NOT_ENOUGH"
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.FAILED
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.refunded_amount == 0
    assert order.refunded_total == 0
    assert Event.objects.filter(name="refund_failed").count() == 1


@pytest.mark.parametrize("failure", ["http_500", "unsigned_success", "forged_response"])
def test_a_refund_with_an_unknown_outcome_stays_pending_and_is_sent_again(alipay, client, user, make_order, failure):
    # given a refund whose answer cannot be trusted (server error, unsigned or forged "success")
    order, payment = paid_order(alipay, user, make_order, client)
    alipay.failure = failure
    refund = payment_refund(order=order, amount=Decimal("10.00"), reason="x", reference="AS1")
    assert refund.status == RefundStatus.PENDING
    order.refresh_from_db()
    assert order.refunded_total == 0
    # and the money cannot be promised twice meanwhile
    with pytest.raises(Conflict):
        payment_refund(order=order, amount=Decimal("95.00"), reason="y", reference="AS2")
    # when the gateway is healthy again and the periodic task sends it again (same out_request_no)
    alipay.failure = None
    Refund.objects.filter(pk=refund.pk).update(created_at=refund.created_at.replace(year=2020))
    assert refunds_resubmit_pending() == {"sent": 1, "failed": 0}
    # then it is refunded exactly once
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert order.refunded_total == Decimal("10.00")
    assert sum(alipay.trades[payment.out_trade_no].refunds.values()) == Decimal("10.00")


def test_refund_notice_settles_a_pending_refund(alipay, client, user, make_order):
    order, payment = paid_order(alipay, user, make_order, client)
    alipay.failure = "unsigned_success"  # Alipay refunded, but we could not trust the answer
    refund = payment_refund(order=order, amount=Decimal("10.00"), reason="x", reference="AS1")
    assert refund.status == RefundStatus.PENDING
    alipay.failure = None
    response = post_alipay_notification(client, alipay.refund_notification(payment.out_trade_no, refund.out_refund_no))
    assert response.content == b"success"
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert order.refunded_total == Decimal("10.00")
    assert PaymentNotification.objects.order_by("-id").first().outcome == "refund_succeeded"
