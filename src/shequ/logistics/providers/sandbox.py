"""A simulated Chinese carrier for the demo and the tests.

A parcel advances on a fixed timetable counted from when it was shipped, one step every
SHEQU_LOGISTICS["SANDBOX_STEP_MINUTES"]: picked up at the warehouse (已揽收), through the origin and destination
sorting centres (运输中), out for delivery with a courier (派送中), signed for (已签收). Asking again later returns
the same earlier events (same ids) plus any new ones, exactly like a real carrier's query API, so it exercises
deduplication. A tracking number containing "EXC" has a failed delivery attempt before it is signed for.
Everything is derived from the tracking number, so the same parcel always tells the same story.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from shequ.logistics.conf import logistics_setting
from shequ.logistics.models import ShipmentStatus
from shequ.logistics.providers.base import TrackingProvider, TrackingQuery, TrackingUpdate

COURIERS = ["王师傅", "李师傅", "张师傅", "刘师傅", "陈师傅", "杨师傅", "赵师傅", "黄师傅"]
PICKUP_POINTS = ["本人", "家门口", "快递柜", "菜鸟驿站", "前台", "物业"]


def _hub(city: str) -> str:
    name = (city or "").removesuffix("市") or "华东"
    return f"{name}转运中心"


class SandboxTrackingProvider(TrackingProvider):
    code = "sandbox"

    def __init__(self, step: timedelta | None = None) -> None:
        # ``step`` overrides the setting: the demo seeder stretches old parcels' journeys over real days.
        self.step = step

    def route(self, query: TrackingQuery) -> list[tuple[float, str, str, str]]:
        """(steps after shipping, status, description, location) for the whole journey."""
        digest = int(hashlib.sha256(query.tracking_no.encode()).hexdigest(), 16)
        courier = COURIERS[digest % len(COURIERS)]
        phone = f"1{3 + digest % 6}{digest % 10}****{digest % 10000:04d}"
        signer = PICKUP_POINTS[(digest // 7) % len(PICKUP_POINTS)]
        origin = logistics_setting("WAREHOUSE_CITY")
        destination = query.destination_city or query.destination_province or origin
        district = query.destination_district
        carrier = query.carrier_name
        steps: list[tuple[float, str, str, str]] = [
            (0.5, ShipmentStatus.IN_TRANSIT, f"【{origin}】{carrier} 已揽收，揽收员：{courier}", origin),
            (1, ShipmentStatus.IN_TRANSIT, f"快件已到达【{_hub(origin)}】", origin),
        ]
        if _hub(destination) != _hub(origin):
            steps += [
                (
                    2,
                    ShipmentStatus.IN_TRANSIT,
                    f"快件已从【{_hub(origin)}】发出，下一站【{_hub(destination)}】",
                    origin,
                ),
                (3, ShipmentStatus.IN_TRANSIT, f"快件已到达【{_hub(destination)}】", destination),
            ]
        else:
            steps.append((3, ShipmentStatus.IN_TRANSIT, f"快件已从【{_hub(origin)}】发出，正在派往营业点", origin))
        out = f"【{destination}{district}】派送中，派件员：{courier}，电话：{phone}，请保持电话畅通"
        steps.append((4, ShipmentStatus.OUT_FOR_DELIVERY, out, destination))
        if "EXC" in query.tracking_no.upper():
            steps += [
                (
                    5,
                    ShipmentStatus.EXCEPTION,
                    f"【{destination}】派送不成功：收件人电话无人接听，快件将再次派送",
                    destination,
                ),
                (6, ShipmentStatus.OUT_FOR_DELIVERY, out, destination),
            ]
        last = steps[-1][0] + 1
        signed = f"【{destination}】已签收，签收人：{signer}。感谢使用{carrier}，期待再次为您服务"
        steps.append((last, ShipmentStatus.DELIVERED, signed, destination))
        return steps

    def steps(self, query: TrackingQuery) -> float:
        """How many steps after shipping the parcel is signed for."""
        return self.route(query)[-1][0]

    def fetch(self, query: TrackingQuery, *, now: datetime) -> list[TrackingUpdate]:
        step = self.step or timedelta(minutes=logistics_setting("SANDBOX_STEP_MINUTES"))
        updates = []
        for index, (offset, status, description, location) in enumerate(self.route(query)):
            at = query.shipped_at + step * offset
            if at > now:
                break
            updates.append(
                TrackingUpdate(
                    external_id=f"sandbox-{index}",
                    status=str(status),
                    description=description,
                    occurred_at=at,
                    location=location,
                )
            )
        return updates
