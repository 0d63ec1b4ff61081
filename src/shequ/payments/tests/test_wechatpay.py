"""WeChat Pay API v3, end to end against the local fake (see fakes/wechatpay.py): real HTTP, RSA, AES-GCM."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from shequ.analytics.models import Event
from shequ.core.errors import Conflict
from shequ.orders.models import Order, OrderEvent, OrderStatus
from shequ.payments.error_codes import PaymentProviderUnavailable, RefundFailed
from shequ.payments.models import Payment, PaymentNotification, PaymentStatus, Refund, RefundStatus
from shequ.payments.services import payment_refund, payment_sandbox_complete, payment_start, refunds_resubmit_pending
from shequ.payments.tests.conftest import post_wechat_notification, set_payments
from shequ.payments.tests.fakes import keys

pytestmark = pytest.mark.django_db
RETURN_URL = "https://shop.example.com/payments/return/1/"


def start(order, *, channel: str = "h5", openid: str = ""):
    return payment_start(
        order=order,
        provider="wechatpay",
        return_url=RETURN_URL,
        channel=channel,
        client_ip="203.0.113.7",
        openid=openid,
    )


def notify(client, wechatpay, out_trade_no: str, **options):
    headers, body = wechatpay.payment_notification(out_trade_no, **options)
    return post_wechat_notification(client, headers, body)


def paid_order(wechatpay, user, make_order, client, total: str = "100.00") -> tuple[Order, Payment]:
    order = make_order(user, total=total)
    started = start(order)
    assert notify(client, wechatpay, started.payment.out_trade_no).status_code == 204
    started.payment.refresh_from_db()
    return order, started.payment


# --- starting ----------------------------------------------------------------------------------------------


def test_h5_start_redirects_to_wechat_with_our_return_url(wechatpay, user, make_order):
    # given an order of ¥59.80
    order = make_order(user, total="59.80")
    # when the buyer starts paying in a phone browser
    started = start(order, channel="h5")
    # then WeChat Pay accepted our signed order (5980 fen) and we send the browser to its h5_url
    assert started.kind == "redirect"
    url = urlsplit(started.url)
    assert url.netloc == "wx.tenpay.com"
    assert parse_qs(url.query)["redirect_url"] == [RETURN_URL]
    txn = wechatpay.transactions[started.payment.out_trade_no]
    assert (txn.kind, txn.total, txn.notify_url) == ("h5", 5980, "https://shop.example.com/payments/notify/wechatpay/")
    assert wechatpay.errors == []


def test_native_start_gives_a_code_to_scan(wechatpay, user, make_order):
    started = start(make_order(user), channel="native")
    assert started.kind == "qr"
    assert started.url.startswith("weixin://wxpay/bizpayurl?pr=")


def test_jsapi_start_gives_signed_parameters_for_the_mini_program(wechatpay, user, make_order):
    started = start(make_order(user), channel="jsapi", openid="oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
    params = started.params
    assert started.kind == "jsapi"
    assert params["package"] == f"prepay_id={wechatpay.transactions[started.payment.out_trade_no].prepay_id}"
    assert params["signType"] == "RSA"
    message = f"{params['appId']}\n{params['timeStamp']}\n{params['nonceStr']}\n{params['package']}\n"
    assert keys.rsa_verify(wechatpay.merchant_key.public_key(), message, params["paySign"])


def test_jsapi_without_openid_is_refused(wechatpay, user_api, user, make_order):
    order = make_order(user)
    response = user_api.api(
        "post", f"/payments/{order.number}/start", json={"provider": "wechatpay", "channel": "jsapi"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "openid_required"


def test_start_through_the_api(wechatpay, user_api, user, make_order):
    order = make_order(user)
    response = user_api.api(
        "post", f"/payments/{order.number}/start", json={"provider": "wechatpay", "channel": "native"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["kind"] == "qr"


def test_desktop_pay_page_shows_a_qr_code(wechatpay, web_client, user, make_order):
    order = make_order(user)
    response = web_client.post(
        f"/payments/pay/{order.number}/",
        {"provider": "wechatpay"},
        headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0"},
    )
    assert response.status_code == 200
    assert 'data-testid="pay-qr"' in response.content.decode()
    assert "<svg" in response.content.decode()


def test_start_twice_reuses_the_trade_and_wechat_agrees(wechatpay, user, make_order):
    order = make_order(user)
    first, second = start(order), start(order)
    assert second.payment.pk == first.payment.pk
    assert list(wechatpay.transactions) == [first.payment.out_trade_no]
    assert wechatpay.errors == []


def test_requests_signed_with_the_wrong_key_are_refused_by_wechat(wechatpay, user, make_order, settings):
    set_payments(settings, WECHATPAY=wechatpay.config(PRIVATE_KEY=keys.private_pem(keys.new_key())))
    order = make_order(user)
    with pytest.raises(PaymentProviderUnavailable) as refused:
        start(order)
    assert refused.value.status == 502
    assert wechatpay.errors == ["SIGN_ERROR"]
    assert wechatpay.transactions == {}


def test_an_answer_not_signed_by_wechat_is_not_trusted(wechatpay, user, make_order):
    wechatpay.failure = "forged_response"
    with pytest.raises(PaymentProviderUnavailable):
        start(make_order(user))


def test_wechat_down_is_a_502_not_a_500(wechatpay, user_api, user, make_order):
    wechatpay.failure = "http_500"
    order = make_order(user)
    response = user_api.api("post", f"/payments/{order.number}/start", json={"provider": "wechatpay"})
    assert response.status_code == 502
    assert response.json()["code"] == "payment_provider_error"
    wechatpay.failure = None
    retried = user_api.api("post", f"/payments/{order.number}/start", json={"provider": "wechatpay"})
    assert retried.status_code == 200
    assert Payment.objects.filter(order=order).count() == 1


# --- notifications -----------------------------------------------------------------------------------------


def test_notification_pays_the_order(wechatpay, client, user, make_order):
    order = make_order(user, total="59.80")
    started = start(order)
    response = notify(client, wechatpay, started.payment.out_trade_no)
    assert response.status_code == 204
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.PAID
    assert payment.provider_trade_no == wechatpay.transactions[payment.out_trade_no].transaction_id
    assert "payer" not in payment.raw["paid"]  # the payer's openid is not kept
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    logged = PaymentNotification.objects.get()
    assert (logged.verified, logged.outcome) == (True, "paid")
    assert logged.headers["wechatpay-serial"] == wechatpay.platform_serial
    assert Event.objects.filter(name="payment_succeeded").count() == 1


def test_notification_verified_with_a_platform_certificate(wechatpay, client, user, make_order, settings):
    wechatpay.verify_with = "certificate"
    set_payments(settings, WECHATPAY=wechatpay.config())
    order = make_order(user)
    started = start(order)
    assert notify(client, wechatpay, started.payment.out_trade_no).status_code == 204
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_the_same_notification_twice_pays_once(wechatpay, client, user, make_order):
    order = make_order(user)
    started = start(order)
    headers, body = wechatpay.payment_notification(started.payment.out_trade_no)
    first = post_wechat_notification(client, dict(headers), body)
    second = post_wechat_notification(client, dict(headers), body)
    assert first.status_code == second.status_code == 204
    assert Payment.objects.filter(status=PaymentStatus.PAID).count() == 1
    assert OrderEvent.objects.filter(order=order, kind="paid").count() == 1
    assert Event.objects.filter(name="payment_succeeded").count() == 1
    assert list(PaymentNotification.objects.order_by("id").values_list("outcome", flat=True)) == ["paid", "duplicate"]


def _assert_rejected(response, outcome: str, order) -> None:
    assert response.status_code == 400
    assert response.json()["code"] == "FAIL"
    logged = PaymentNotification.objects.get()
    assert logged.verified is False
    assert logged.outcome == outcome
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert not Payment.objects.filter(status=PaymentStatus.PAID).exists()


def test_a_forged_notification_is_rejected_and_logged(wechatpay, client, user, make_order):
    order = make_order(user)
    started = start(order)
    response = notify(client, wechatpay, started.payment.out_trade_no, sign_key=keys.new_key())
    _assert_rejected(response, "bad_signature", order)


def test_a_body_changed_after_signing_is_rejected(wechatpay, client, user, make_order):
    order = make_order(user)
    started = start(order)
    headers, body = wechatpay.payment_notification(started.payment.out_trade_no)
    tampered = json.loads(body)
    tampered["event_type"] = "TRANSACTION.SUCCESS "
    response = post_wechat_notification(client, headers, json.dumps(tampered).encode())
    _assert_rejected(response, "bad_signature", order)


def test_a_replayed_old_notification_is_rejected(wechatpay, client, user, make_order):
    # genuinely signed by WeChat Pay, but ten minutes old
    order = make_order(user)
    started = start(order)
    response = notify(client, wechatpay, started.payment.out_trade_no, timestamp=int(time.time()) - 600)
    _assert_rejected(response, "stale_timestamp", order)


def test_a_notification_encrypted_with_another_apiv3_key_is_rejected(wechatpay, client, user, make_order):
    order = make_order(user)
    started = start(order)
    response = notify(client, wechatpay, started.payment.out_trade_no, apiv3_key="z" * 32)
    _assert_rejected(response, "decrypt_failed", order)


def test_a_notification_from_an_unknown_serial_is_rejected(wechatpay, client, user, make_order):
    order = make_order(user)
    started = start(order)
    headers, body = wechatpay.payment_notification(started.payment.out_trade_no)
    headers["Wechatpay-Serial"] = "PUB_KEY_ID_SOMEONE_ELSE"
    _assert_rejected(post_wechat_notification(client, headers, body), "bad_signature", order)


def test_a_notification_without_signature_headers_is_rejected(wechatpay, client, user, make_order):
    order = make_order(user)
    started = start(order)
    _headers, body = wechatpay.payment_notification(started.payment.out_trade_no)
    _assert_rejected(post_wechat_notification(client, {}, body), "bad_signature", order)


def test_a_signed_notification_for_another_amount_is_rejected(wechatpay, client, user, make_order):
    order = make_order(user, total="59.80")
    started = start(order)
    response = notify(client, wechatpay, started.payment.out_trade_no, total=1)
    assert response.status_code == 400
    logged = PaymentNotification.objects.get()
    assert (logged.verified, logged.outcome) == (True, "amount_mismatch")
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_a_notification_for_another_merchant_is_rejected(wechatpay, client, user, make_order):
    order = make_order(user)
    started = start(order)
    response = notify(client, wechatpay, started.payment.out_trade_no, mchid="1230000109")
    assert response.status_code == 400
    assert PaymentNotification.objects.get().outcome == "wrong_merchant"


def test_a_notification_for_an_unknown_trade_is_rejected_and_logged(wechatpay, client, db):
    response = notify(client, wechatpay, "P000000NOSUCH", total=100)
    assert response.status_code == 400
    logged = PaymentNotification.objects.get()
    assert (logged.outcome, logged.out_trade_no) == ("unknown_trade", "P000000NOSUCH")


def test_a_notification_while_wechatpay_is_switched_off_is_rejected(wechatpay, client, user, make_order, settings):
    order = make_order(user)
    started = start(order)
    set_payments(settings)  # WeChat Pay no longer configured
    headers, body = wechatpay.payment_notification(started.payment.out_trade_no)
    response = post_wechat_notification(client, headers, body)
    assert response.status_code == 400
    assert PaymentNotification.objects.get().outcome == "provider_disabled"


def test_payment_for_a_cancelled_order_is_refunded_automatically(
    wechatpay, client, user, make_order, django_capture_on_commit_callbacks
):
    order = make_order(user, total="59.80")
    started = start(order)
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.CANCELLED)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(client, wechatpay, started.payment.out_trade_no).status_code == 204
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.SUCCEEDED
    assert list(wechatpay.transactions[started.payment.out_trade_no].refunds) == [refund.out_refund_no]


def test_an_order_paid_twice_keeps_one_payment_and_refunds_the_other(
    wechatpay, client, web_client, user, make_order, django_capture_on_commit_callbacks
):
    # given the buyer opened WeChat Pay, then paid in the sandbox instead
    order = make_order(user, total="59.80")
    wechat = start(order)
    web_client.post(f"/payments/pay/{order.number}/", {"provider": "sandbox"})
    sandbox_payment = Payment.objects.get(provider="sandbox")
    payment_sandbox_complete(user=user, out_trade_no=sandbox_payment.out_trade_no, succeed=True)
    # when WeChat Pay's payment goes through as well
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(client, wechatpay, wechat.payment.out_trade_no).status_code == 204
    # then the order is paid once, and the second payment is given back
    assert list(Payment.objects.filter(status=PaymentStatus.PAID).values_list("provider", flat=True)) == ["sandbox"]
    second = Payment.objects.get(provider="wechatpay")
    assert second.status == PaymentStatus.CLOSED
    assert Refund.objects.get(payment=second).status == RefundStatus.SUCCEEDED
    assert OrderEvent.objects.filter(order=order, kind="paid").count() == 1
    assert Event.objects.filter(name="payment_succeeded").count() == 1


def test_return_page_asks_wechat_when_the_notification_is_late(wechatpay, web_client, user, make_order):
    order = make_order(user)
    started = start(order)
    wechatpay.buyer_pays(started.payment.out_trade_no)
    response = web_client.get(f"/payments/return/{order.number}/", headers={"HX-Request": "true"})
    assert 'data-testid="payment-state-paid"' in response.content.decode()


# --- refunds -----------------------------------------------------------------------------------------------


def test_full_refund(wechatpay, client, user, make_order):
    order, payment = paid_order(wechatpay, user, make_order, client, total="59.80")
    refund = payment_refund(order=order, amount=Decimal("59.80"), reason="不想要了", reference="AS1")
    assert refund.status == RefundStatus.SUCCEEDED
    record = wechatpay.transactions[payment.out_trade_no].refunds[refund.out_refund_no]
    assert record["amount"]["refund"] == 5980
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED


def test_partial_refunds_then_the_one_too_many_is_refused(wechatpay, client, user, make_order):
    order, payment = paid_order(wechatpay, user, make_order, client, total="100.00")
    payment_refund(order=order, amount=Decimal("33.33"), reason="a", reference="AS1")
    payment_refund(order=order, amount=Decimal("66.66"), reason="b", reference="AS2")
    with pytest.raises(Conflict) as refused:
        payment_refund(order=order, amount=Decimal("0.02"), reason="c", reference="AS3")
    assert refused.value.details == {"refundable": "0.01"}
    assert wechatpay.transactions[payment.out_trade_no].refunded == 9999
    order.refresh_from_db()
    assert order.refunded_total == Decimal("99.99")


def test_a_processing_refund_is_finished_by_the_refund_notification(wechatpay, client, user, make_order):
    order, _payment = paid_order(wechatpay, user, make_order, client)
    wechatpay.refund_mode = "processing"
    refund = payment_refund(order=order, amount=Decimal("25.00"), reason="x", reference="AS1")
    assert refund.status == RefundStatus.PENDING
    assert refund.provider_refund_no
    headers, body = wechatpay.refund_notification(refund.out_refund_no)
    assert post_wechat_notification(client, dict(headers), body).status_code == 204
    refund.refresh_from_db()
    order.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert order.refunded_total == Decimal("25.00")
    # the same notification again changes nothing
    assert post_wechat_notification(client, dict(headers), body).status_code == 204
    order.refresh_from_db()
    assert order.refunded_total == Decimal("25.00")
    assert PaymentNotification.objects.order_by("-id").first().outcome == "duplicate"


def test_an_abnormal_refund_notification_marks_the_refund_failed(wechatpay, client, user, make_order):
    order, _payment = paid_order(wechatpay, user, make_order, client)
    wechatpay.refund_mode = "processing"
    refund = payment_refund(order=order, amount=Decimal("25.00"), reason="x", reference="AS1")
    headers, body = wechatpay.refund_notification(refund.out_refund_no, status="ABNORMAL")
    assert post_wechat_notification(client, headers, body).status_code == 204
    refund.refresh_from_db()
    assert refund.status == RefundStatus.FAILED
    order.refresh_from_db()
    assert order.refunded_total == 0


def test_a_refund_notification_for_an_unknown_refund_is_rejected(wechatpay, client, user, make_order):
    order, _payment = paid_order(wechatpay, user, make_order, client)
    wechatpay.refund_mode = "processing"
    refund = payment_refund(order=order, amount=Decimal("25.00"), reason="x", reference="AS1")
    headers, body = wechatpay.refund_notification(refund.out_refund_no)
    Refund.objects.filter(pk=refund.pk).update(out_refund_no="R-SOMETHING-ELSE")
    assert post_wechat_notification(client, headers, body).status_code == 400
    assert PaymentNotification.objects.order_by("-id").first().outcome == "unknown_refund"


def test_a_refund_wechat_refuses_is_failed(wechatpay, client, user, make_order):
    order, _payment = paid_order(wechatpay, user, make_order, client)
    wechatpay.refund_mode = "not_enough"
    with pytest.raises(RefundFailed) as failed:
        payment_refund(order=order, amount=Decimal("10.00"), reason="x", reference="AS1")
    assert failed.value.details["provider_error"] == "NOT_ENOUGH"
    assert Refund.objects.get().status == RefundStatus.FAILED
    order.refresh_from_db()
    assert order.refunded_total == 0


def test_a_refund_during_an_outage_is_sent_again_later(wechatpay, client, user, make_order):
    order, payment = paid_order(wechatpay, user, make_order, client)
    wechatpay.refund_mode = "http_500"
    refund = payment_refund(order=order, amount=Decimal("10.00"), reason="x", reference="AS1")
    assert refund.status == RefundStatus.PENDING
    wechatpay.refund_mode = "success"
    Refund.objects.filter(pk=refund.pk).update(created_at=refund.created_at.replace(year=2020))
    refunds_resubmit_pending()
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert wechatpay.transactions[payment.out_trade_no].refunded == 1000
