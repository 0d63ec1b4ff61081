"""Kuaidi100 (快递100) push notifications — the tracking aggregator most Chinese shops subscribe through.

Kuaidi100 POSTs a form with ``param`` (JSON) and ``sign`` = upper-case hex MD5 of ``param + salt``, where the
salt is the one given when the parcel was subscribed (we use the carrier's webhook secret). ``param`` looks
like::

    {"status": "polling", "billstatus": "got", "message": "",
     "lastResult": {"message": "ok", "state": "0", "ischeck": "0", "com": "zhongtong", "nu": "ZT123",
                    "data": [{"context": "快件已到达【上海转运中心】", "time": "2026-05-01 10:00:00",
                              "ftime": "2026-05-01 10:00:00", "status": "在途", "areaName": "上海市"}]}}

and expects ``{"result": true, "returnCode": "200", "message": "成功"}`` back (anything else is retried).
MD5 is Kuaidi100's choice, not ours; the salt is secret and compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from zoneinfo import ZoneInfo

from shequ.logistics.models import ShipmentStatus
from shequ.logistics.providers.base import PushOnlyProvider, TrackingUpdate

CHINA = ZoneInfo("Asia/Shanghai")
# Kuaidi100 company codes of the carriers we seed (our carrier code → theirs).
COMPANY_CODES = {"sf": "shunfeng", "jd": "jd", "zto": "zhongtong", "yto": "yuantong", "ems": "ems"}
# Per-scan status words and overall state codes.
STATUS_WORDS = {
    "在途": ShipmentStatus.IN_TRANSIT,
    "揽收": ShipmentStatus.IN_TRANSIT,
    "转投": ShipmentStatus.IN_TRANSIT,
    "清关": ShipmentStatus.IN_TRANSIT,
    "派件": ShipmentStatus.OUT_FOR_DELIVERY,
    "签收": ShipmentStatus.DELIVERED,
    "疑难": ShipmentStatus.EXCEPTION,
    "拒签": ShipmentStatus.EXCEPTION,
    "退签": ShipmentStatus.RETURNED,
    "退回": ShipmentStatus.RETURNED,
}
STATE_CODES = {
    "0": ShipmentStatus.IN_TRANSIT,
    "1": ShipmentStatus.IN_TRANSIT,
    "2": ShipmentStatus.EXCEPTION,
    "3": ShipmentStatus.DELIVERED,
    "4": ShipmentStatus.RETURNED,
    "5": ShipmentStatus.OUT_FOR_DELIVERY,
    "6": ShipmentStatus.RETURNED,
    "7": ShipmentStatus.IN_TRANSIT,
    "8": ShipmentStatus.IN_TRANSIT,
    "14": ShipmentStatus.EXCEPTION,
}
MAX_EVENTS = 300


class Kuaidi100Provider(PushOnlyProvider):
    """Kuaidi100 pushes; there is nothing to pull (its query API could be added here)."""

    code = "kuaidi100"


def sign(param: str, salt: str) -> str:
    return hashlib.md5((param + salt).encode(), usedforsecurity=False).hexdigest().upper()


def verify(*, param: str, signature: str, salt: str) -> bool:
    return hmac.compare_digest(sign(param, salt).encode(), (signature or "").strip().upper().encode())


def _status(item: dict, state: str, newest: bool) -> ShipmentStatus:
    word = str(item.get("status") or "").strip()
    if word in STATUS_WORDS:
        return STATUS_WORDS[word]
    # Older subscriptions send no per-scan status: the overall state describes the newest scan only.
    if newest and state in STATE_CODES:
        return STATE_CODES[state]
    return ShipmentStatus.IN_TRANSIT


def parse(param: str) -> tuple[str, str, list[TrackingUpdate]]:
    """(tracking number, Kuaidi100 company code, updates) from a verified ``param``; ValueError if malformed."""
    data = json.loads(param)
    last = data.get("lastResult") if isinstance(data, dict) else None
    if not isinstance(last, dict):
        raise ValueError("lastResult missing")
    tracking_no, company = last.get("nu"), str(last.get("com") or "")
    items = last.get("data")
    if not isinstance(tracking_no, str) or not tracking_no.strip():
        raise ValueError("nu missing")
    if not isinstance(items, list) or len(items) > MAX_EVENTS:
        raise ValueError("data missing or too long")
    state = str(last.get("state") or "")
    updates = []
    for index, item in enumerate(items):  # newest first, as Kuaidi100 sends them
        if not isinstance(item, dict):
            raise ValueError("scan is not an object")
        context = str(item.get("context") or "").strip()
        when = str(item.get("ftime") or item.get("time") or "")
        if not context or len(context) > 300:
            raise ValueError("scan context")
        occurred_at = datetime.strptime(when, "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)
        # Kuaidi100 gives scans no id: the time and text identify a scan across repeated pushes.
        external_id = "k100-" + hashlib.sha256(f"{when}|{context}".encode()).hexdigest()[:40]
        updates.append(
            TrackingUpdate(
                external_id=external_id,
                status=str(_status(item, state, newest=index == 0)),
                description=context,
                occurred_at=occurred_at,
                location=str(item.get("areaName") or "")[:120],
            )
        )
    return tracking_no.strip().upper(), company, updates
