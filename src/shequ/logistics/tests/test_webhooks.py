"""Tracking pushed by carriers: signed pushes are stored once and move the order on; forged, stale or
malformed pushes are refused with a 4xx, logged, and change nothing."""

import json
import logging
import time
from datetime import UTC, timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from shequ.catalog.testing import make_product
from shequ.logistics.models import Carrier, ShipmentStatus, TrackingEvent
from shequ.logistics.providers import kuaidi100, signed_webhook
from shequ.logistics.testing import paid_order, ship
from shequ.notifications.models import Notification

pytestmark = pytest.mark.django_db

SECRET = "s3cret-for-zto-webhooks"
URL = "/logistics/webhook/zto/"


@pytest.fixture
def shipment(user, carriers, sandbox_payments):
    carrier = Carrier.objects.get(code="zto")
    carrier.webhook_secret = SECRET
    carrier.save()
    sku = make_product(skus=[{"list_price": "25.00"}]).skus.get()
    return ship(paid_order(user, lines=[(sku, 1)]), tracking_no="ZT9000000001")


def body_for(*events, tracking_no="ZT9000000001") -> bytes:
    return json.dumps({"tracking_no": tracking_no, "events": list(events)}, ensure_ascii=False).encode()


def event(ident, status, description, minutes_ago=0):
    at = (timezone.now() - timedelta(minutes=minutes_ago)).isoformat()
    return {"id": ident, "status": status, "description": description, "location": "上海市", "occurred_at": at}


def post(client, body: bytes, *, secret=SECRET, timestamp=None, signature=None, url=URL):
    timestamp = str(int(time.time())) if timestamp is None else str(timestamp)
    signature = signature if signature is not None else signed_webhook.sign(secret, timestamp, body)
    return client.post(
        url,
        data=body,
        content_type="application/json",
        headers={"X-Shequ-Timestamp": timestamp, "X-Shequ-Signature": signature},
    )


def test_a_signed_push_is_stored_once_even_when_sent_twice(client, shipment):
    body = body_for(
        event("e1", "in_transit", "【杭州市】已揽收", 30), event("e2", "in_transit", "快件已到达【上海转运中心】", 10)
    )

    first = post(client, body)
    again = post(client, body)

    assert first.status_code == 200 and first.json() == {"ok": True, "received": 2, "stored": 2, "status": "in_transit"}
    assert again.status_code == 200 and again.json()["stored"] == 0
    assert list(TrackingEvent.objects.values_list("external_id", flat=True).order_by("occurred_at")) == ["e1", "e2"]
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.IN_TRANSIT


def test_a_delivered_push_moves_the_order_to_delivered(client, shipment, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, body_for(event("e9", "delivered", "【上海市】已签收，签收人：本人", 1)))

    assert response.status_code == 200
    shipment.refresh_from_db()
    order = shipment.order
    order.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED and shipment.delivered_at is not None
    assert order.status == "delivered" and order.delivered_at == shipment.delivered_at
    assert order.auto_confirm_at == shipment.delivered_at + timedelta(days=7)
    # ORDERS tells the buyer about the delivery; logistics does not repeat it.
    kinds = list(Notification.objects.filter(user=user).values_list("kind", flat=True))
    assert "order_delivered" in kinds and "shipment" not in kinds


def test_out_for_delivery_notifies_the_buyer(client, shipment, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, body_for(event("e5", "out_for_delivery", "【上海市徐汇区】派送中，派件员：王师傅", 1)))

    note = Notification.objects.get(user=user, kind="shipment")
    assert "ZT9000000001" in note.body and "王师傅" in note.body
    assert note.data["i18n"]["title"] == "Your parcel is out for delivery"


@pytest.mark.parametrize(
    ("secret", "timestamp_offset", "signature", "code"),
    [
        ("wrong-secret-entirely", 0, None, "webhook_signature_invalid"),
        (SECRET, 0, "sha256=" + "0" * 64, "webhook_signature_invalid"),
        (SECRET, 0, "", "webhook_signature_invalid"),
        (SECRET, -360, None, "webhook_timestamp_invalid"),
        (SECRET, +360, None, "webhook_timestamp_invalid"),
    ],
)
def test_forged_or_stale_pushes_are_401_logged_and_store_nothing(
    client, shipment, caplog, secret, timestamp_offset, signature, code
):
    body = body_for(event("e9", "delivered", "已签收"))
    with caplog.at_level(logging.WARNING, logger="shequ.logistics"):
        response = post(client, body, secret=secret, timestamp=int(time.time()) + timestamp_offset, signature=signature)

    assert response.status_code == 401
    assert response.json()["code"] == code
    assert "tracking webhook rejected" in caplog.text
    assert not TrackingEvent.objects.exists()
    shipment.order.refresh_from_db()
    assert shipment.order.status == "shipped"


def test_a_replayed_body_under_a_new_timestamp_does_not_verify(client, shipment):
    body = body_for(event("e9", "delivered", "已签收"))
    old = int(time.time()) - 3600
    captured = signed_webhook.sign(SECRET, old, body)

    response = post(client, body, timestamp=int(time.time()), signature=captured)

    assert response.status_code == 401
    assert not TrackingEvent.objects.exists()


def test_a_missing_timestamp_is_refused(client, shipment):
    body = body_for(event("e1", "in_transit", "已揽收"))
    response = client.post(
        URL,
        data=body,
        content_type="application/json",
        headers={"X-Shequ-Signature": signed_webhook.sign(SECRET, "", body)},
    )

    assert response.status_code == 401
    assert response.json()["code"] == "webhook_timestamp_invalid"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        json.dumps({"tracking_no": "ZT9000000001", "events": []}).encode(),
        json.dumps(
            {
                "tracking_no": "ZT9000000001",
                "events": [
                    {"id": "x", "status": "teleported", "description": "?", "occurred_at": "2026-01-01T00:00:00+08:00"}
                ],
            }
        ).encode(),
        json.dumps(
            {
                "tracking_no": "ZT9000000001",
                "events": [
                    {
                        "id": "x",
                        "status": "in_transit",
                        "description": "naive time",
                        "occurred_at": "2026-01-01T00:00:00",
                    }
                ],
            }
        ).encode(),
    ],
)
def test_a_signed_but_malformed_push_is_400_and_stores_nothing(client, shipment, body):
    response = post(client, body)

    assert response.status_code == 400
    assert response.json()["code"] == "webhook_payload_invalid"
    assert not TrackingEvent.objects.exists()


def test_unknown_carrier_or_tracking_number_is_404(client, shipment):
    assert post(client, body_for(event("e1", "in_transit", "x")), url="/logistics/webhook/nobody/").status_code == 404
    response = post(client, body_for(event("e1", "in_transit", "x"), tracking_no="ZT0000000000"))
    assert response.status_code == 404 and response.json()["code"] == "shipment_not_found"
    assert not TrackingEvent.objects.exists()


def test_a_carrier_without_a_secret_accepts_no_pushes(client, shipment):
    carrier = Carrier.objects.get(code="yto")
    carrier.webhook_secret = ""
    carrier.save()

    response = post(client, body_for(event("e1", "in_transit", "x")), url="/logistics/webhook/yto/", secret="")

    assert response.status_code == 403 and response.json()["code"] == "webhook_not_configured"


def test_only_post_is_allowed(client, shipment):
    assert client.get(URL).status_code == 405


# --- Kuaidi100 ------------------------------------------------------------------------------------------


def k100_param(*scans, state="0", com="zhongtong", nu="ZT9000000001") -> str:
    return json.dumps(
        {
            "status": "polling",
            "billstatus": "got",
            "message": "",
            "lastResult": {
                "message": "ok",
                "state": state,
                "ischeck": "1" if state == "3" else "0",
                "com": com,
                "nu": nu,
                "data": list(scans),
            },
        },
        ensure_ascii=False,
    )


def k100_post(client, param: str, *, salt=SECRET, sign=None):
    data = urlencode({"param": param, "sign": sign if sign is not None else kuaidi100.sign(param, salt)})
    return client.post("/logistics/webhook/zto/kuaidi100/", data=data, content_type="application/x-www-form-urlencoded")


def test_a_kuaidi100_push_is_verified_stored_once_and_delivers(client, shipment):
    now = timezone.localtime()
    scans = [
        {
            "context": "【上海市】已签收，签收人：快递柜",
            "time": now.strftime("%Y-%m-%d %H:%M:%S"),
            "ftime": now.strftime("%Y-%m-%d %H:%M:%S"),
            "status": "签收",
            "areaName": "上海市",
        },
        {
            "context": "【杭州市】中通快递 已揽收",
            "time": (now - timedelta(hours=20)).strftime("%Y-%m-%d %H:%M:%S"),
            "ftime": (now - timedelta(hours=20)).strftime("%Y-%m-%d %H:%M:%S"),
            "status": "揽收",
        },
    ]
    param = k100_param(*scans, state="3")

    first = k100_post(client, param)
    again = k100_post(client, param)

    assert first.status_code == 200 and first.json() == {"result": True, "returnCode": "200", "message": "成功"}
    assert again.status_code == 200
    assert TrackingEvent.objects.count() == 2
    shipment.refresh_from_db()
    shipment.order.refresh_from_db()
    assert shipment.status == "delivered" and shipment.order.status == "delivered"


def test_a_kuaidi100_push_with_a_wrong_sign_is_refused(client, shipment):
    param = k100_param({"context": "已签收", "time": "2026-01-01 10:00:00", "status": "签收"}, state="3")

    for sign in ["", "0" * 32, kuaidi100.sign(param, "another salt")]:
        response = k100_post(client, param, sign=sign)
        assert response.status_code == 401
        assert response.json()["result"] is False and response.json()["code"] == "webhook_signature_invalid"
    assert not TrackingEvent.objects.exists()


def test_a_kuaidi100_push_for_another_company_is_refused(client, shipment):
    param = k100_param({"context": "已揽收", "time": "2026-01-01 10:00:00", "status": "揽收"}, com="shunfeng")

    response = k100_post(client, param)

    assert response.status_code == 400
    assert not TrackingEvent.objects.exists()


def test_the_timestamp_window_is_five_minutes_either_way():
    from datetime import datetime

    body = b"{}"
    now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    at = int(now.timestamp())
    for offset in (-300, 0, 300):
        signed_webhook.verify(
            secret=SECRET,
            timestamp=str(at + offset),
            signature=signed_webhook.sign(SECRET, at + offset, body),
            body=body,
            now=now,
            tolerance=300,
        )
    for offset in (-301, 301):
        with pytest.raises(signed_webhook.WebhookRejected):
            signed_webhook.verify(
                secret=SECRET,
                timestamp=str(at + offset),
                signature=signed_webhook.sign(SECRET, at + offset, body),
                body=body,
                now=now,
                tolerance=300,
            )
