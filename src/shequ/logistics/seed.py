"""Demo carriers with realistic fee tables (warehouse in Hangzhou, so 江浙沪 is the cheap zone).

Fees are the kind an FMCG brand shop pays on a contract: first kilogram, then per started extra kilogram;
remote regions (Xinjiang, Tibet) cost more and never ship free; only SF Express and EMS reach Hong Kong and
Macau. Standard carriers ship free from ¥99, the premium ones from a higher amount.
"""

from __future__ import annotations

import random
import secrets
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from shequ.core.seeding import SeedContext
from shequ.logistics.models import Carrier, Shipment, ShipmentStatus, ShippingRate

NEAR = ["江苏省", "浙江省", "上海市"]
FAR = ["内蒙古自治区", "甘肃省", "青海省", "宁夏回族自治区", "海南省"]
REMOTE = ["新疆维吾尔自治区", "西藏自治区"]
HK_MACAU = ["香港特别行政区", "澳门特别行政区"]


def _k100(company: str) -> str:
    return f"https://www.kuaidi100.com/chaxun?com={company}&nu={{tracking_no}}"


# code, name, English name, days, tracking page, free from, [(provinces, first fee, extra fee per kg, free?)]
CARRIERS = [
    (
        "zto",
        "中通快递",
        "ZTO Express",
        "2–4",
        _k100("zhongtong"),
        "99",
        [
            (NEAR, "8", "2", True),
            ([], "10", "4", True),
            (FAR, "12", "6", True),
            (REMOTE, "18", "12", False),
        ],
    ),
    (
        "yto",
        "圆通速递",
        "YTO Express",
        "2–4",
        _k100("yuantong"),
        "99",
        [
            (NEAR, "8", "2", True),
            ([], "10", "4", True),
            (FAR, "12", "6", True),
            (REMOTE, "20", "12", False),
        ],
    ),
    (
        "jd",
        "京东物流",
        "JD Logistics",
        "1–3",
        _k100("jd"),
        "149",
        [
            (NEAR, "12", "2", True),
            ([], "15", "5", True),
            (FAR, "18", "8", True),
            (REMOTE, "22", "12", False),
        ],
    ),
    (
        "sf",
        "顺丰速运",
        "SF Express",
        "1–2",
        _k100("shunfeng"),
        "199",
        [
            (NEAR, "13", "2", True),
            ([], "18", "5", True),
            (FAR, "22", "10", True),
            (REMOTE, "25", "15", False),
            (HK_MACAU, "32", "12", False),
        ],
    ),
    (
        "ems",
        "邮政EMS",
        "China Post EMS",
        "3–6",
        _k100("ems"),
        "199",
        [
            ([], "15", "5", True),
            (FAR, "18", "8", True),
            (REMOTE, "20", "10", False),
            (HK_MACAU, "45", "15", False),
        ],
    ),
]


@transaction.atomic
def seed_carriers(ctx: SeedContext) -> dict:
    created = 0
    for position, (code, name, name_en, days, url, free_over, rates) in enumerate(CARRIERS):
        carrier, was_created = Carrier.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "delivery_days": days,
                "tracking_url": url,
                "webhook_secret": secrets.token_urlsafe(24),
                "position": position,
            },
        )
        created += was_created
        if carrier.rates.exists():
            continue
        ShippingRate.objects.bulk_create(
            ShippingRate(
                carrier=carrier,
                provinces=provinces,
                first_weight_grams=1000,
                first_fee=Decimal(first),
                extra_unit_grams=1000,
                extra_fee=Decimal(extra),
                free_over=Decimal(free_over) if free else None,
            )
            for provinces, first, extra, free in rates
        )
    return {"carriers": created}


def seed_tracking(ctx: SeedContext) -> dict:
    """Give the demo orders' parcels a tracking history (orders.demo ships them but no carrier has reported).

    Delivered parcels get the sandbox carrier's whole journey stretched to end when the order was delivered;
    parcels still on their way restart a little before now, so the demo shows them moving (the poller runs
    every few minutes and signs them for within the hour).
    """
    from shequ.logistics.providers.sandbox import SandboxTrackingProvider
    from shequ.logistics.services import shipment_poll, tracking_query, tracking_updates_record

    rng = random.Random(ctx.rng.randrange(1 << 32))
    now = timezone.now()
    history = moving = 0
    for shipment in Shipment.objects.filter(events__isnull=True).select_related("carrier", "order").order_by("id"):
        order = shipment.order
        # Never write scans in the future, whatever the order's (back-dated) delivery time says.
        signed_at = min(order.delivered_at, now) if order.delivered_at else None
        if signed_at and order.shipped_at and signed_at > order.shipped_at:
            Shipment.objects.filter(pk=shipment.pk).update(shipped_at=order.shipped_at, last_polled_at=now)
            shipment.shipped_at = order.shipped_at
            query = tracking_query(shipment)
            step = (signed_at - order.shipped_at) / SandboxTrackingProvider().steps(query)
            # A second's slack: the stretched timetable must not miss the signature by a rounding microsecond.
            updates = SandboxTrackingProvider(step=step).fetch(query, now=signed_at + timedelta(seconds=1))
            tracking_updates_record(shipment_id=shipment.pk, updates=updates, notify_buyer=False)
            history += 1
        elif shipment.status == ShipmentStatus.CREATED:
            started = now - timedelta(minutes=rng.uniform(0, 45))
            Shipment.objects.filter(pk=shipment.pk).update(shipped_at=started)
            shipment_poll(shipment_id=shipment.pk, now=now)
            moving += 1
    return {"history": history, "on_their_way": moving}
