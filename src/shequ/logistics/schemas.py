"""API shapes for logistics."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema


class ErrorOut(Schema):
    code: str
    message: str
    details: dict | None = None


class CarrierOut(Schema):
    code: str
    name: str
    delivery_days: str


class DeliveryOptionsQuery(Schema):
    province: str = Field(..., max_length=32, description="Province, e.g. 浙江省 (or 浙江)")
    weight_grams: int = Field(..., ge=0, le=1_000_000, description="Parcel weight in grams")
    items_total: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2, description="Goods total in yuan")


class DeliveryOptionOut(Schema):
    carrier_code: str
    name: str
    fee: Decimal
    free: bool
    delivery_days: str


class TrackingEventOut(Schema):
    status: str
    status_label: str
    description: str
    location: str
    occurred_at: datetime


class ShipmentOut(Schema):
    id: int
    order_number: str
    carrier_code: str
    carrier_name: str
    tracking_no: str
    tracking_url: str
    status: str
    status_label: str
    shipped_at: datetime
    delivered_at: datetime | None
    events: list[TrackingEventOut]
