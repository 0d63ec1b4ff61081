"""Shequ's own tracking webhook format, for carriers (or an aggregator) that push events to us.

POST /logistics/webhook/<carrier_code>/ with a JSON body::

    {"tracking_no": "ZT1234567890",
     "events": [{"id": "e-1", "status": "in_transit", "description": "快件已到达【上海转运中心】",
                 "location": "上海市", "occurred_at": "2026-05-01T10:00:00+08:00"}]}

and two headers: ``X-Shequ-Timestamp: <unix seconds>`` and
``X-Shequ-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>." + raw body, keyed with the carrier's secret>``.

The timestamp is inside the signed bytes on purpose: signing the body alone would let anyone who saw one
request replay it later under a fresh timestamp, which would make the 5-minute window meaningless.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime

from shequ.logistics.models import ShipmentStatus
from shequ.logistics.providers.base import TrackingUpdate

SIGNATURE_HEADER = "X-Shequ-Signature"
TIMESTAMP_HEADER = "X-Shequ-Timestamp"
PUSHABLE_STATUSES = {s.value for s in ShipmentStatus} - {ShipmentStatus.CREATED.value}
MAX_EVENTS = 200


class WebhookRejected(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sign(secret: str, timestamp: str | int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify(*, secret: str, timestamp: str, signature: str, body: bytes, now: datetime, tolerance: int) -> None:
    """Raise WebhookRejected unless the signature is right and the timestamp recent."""
    try:
        sent_at = int((timestamp or "").strip())
    except ValueError as exc:
        raise WebhookRejected("timestamp_missing") from exc
    # Compare the signature first so a forger learns nothing from which check failed first.
    expected = sign(secret, sent_at, body)
    if not hmac.compare_digest(expected.encode(), (signature or "").strip().encode()):
        raise WebhookRejected("signature_mismatch")
    if abs(now.timestamp() - sent_at) > tolerance:
        raise WebhookRejected("timestamp_out_of_window")


def parse(body: bytes) -> tuple[str, list[TrackingUpdate]]:
    """(tracking number, updates) from a verified body; ValueError when it is not in the documented shape."""
    data = json.loads(body.decode("utf-8"))
    if not isinstance(data, dict):
        raise ValueError("body is not an object")
    tracking_no = data.get("tracking_no")
    events = data.get("events")
    if not isinstance(tracking_no, str) or not tracking_no.strip():
        raise ValueError("tracking_no missing")
    if not isinstance(events, list) or not events or len(events) > MAX_EVENTS:
        raise ValueError("events missing or too many")
    updates = []
    for event in events:
        if not isinstance(event, dict):
            raise ValueError("event is not an object")
        external_id, status = event.get("id"), event.get("status")
        description, location = event.get("description"), event.get("location") or ""
        if not isinstance(external_id, str) or not 0 < len(external_id) <= 64:
            raise ValueError("event id")
        if status not in PUSHABLE_STATUSES:
            raise ValueError("event status")
        if not isinstance(description, str) or not 0 < len(description) <= 300:
            raise ValueError("event description")
        if not isinstance(location, str) or len(location) > 120:
            raise ValueError("event location")
        occurred_at = datetime.fromisoformat(str(event.get("occurred_at")))
        if occurred_at.tzinfo is None:
            raise ValueError("occurred_at needs a UTC offset")
        updates.append(
            TrackingUpdate(
                external_id=external_id,
                status=status,
                description=description.strip(),
                occurred_at=occurred_at,
                location=location.strip(),
            )
        )
    return tracking_no.strip().upper(), updates
