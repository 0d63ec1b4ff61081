"""API shapes for after-sales. Length limits here stop oversized input before any service runs."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema
from pydantic import field_validator


class ErrorOut(Schema):
    code: str
    message: str
    details: dict | None = None


class AfterSaleCreateIn(Schema):
    """Multipart form fields; ``items`` is JSON: ``[{"order_item_id": 12, "quantity": 1}]``."""

    order_number: str = Field(..., max_length=24)
    kind: str = Field(..., max_length=12, examples=["return", "exchange", "refund_only"])
    reason: str = Field(..., max_length=20, examples=["damaged"])
    description: str = Field("", max_length=2000)
    items: str = Field(..., max_length=4000, examples=['[{"order_item_id": 12, "quantity": 1}]'])

    @field_validator("items")
    @classmethod
    def _items_json(cls, value: str) -> str:
        try:
            parsed = json.loads(value)
        except ValueError as exc:
            raise ValueError("items must be a JSON list") from exc
        if not isinstance(parsed, list) or not all(
            isinstance(row, dict)
            and isinstance(row.get("order_item_id"), int)
            and isinstance(row.get("quantity"), int)
            and not isinstance(row.get("quantity"), bool)
            for row in parsed
        ):
            raise ValueError('items must look like [{"order_item_id": 12, "quantity": 1}]')
        return value

    def item_pairs(self) -> list[tuple[int, int]]:
        return [(row["order_item_id"], row["quantity"]) for row in json.loads(self.items)]


class ReturnShipmentIn(Schema):
    carrier_code: str = Field(..., max_length=32)
    tracking_no: str = Field(..., max_length=60)


class AfterSaleItemOut(Schema):
    order_item_id: int
    product_name: str
    variant_label: str
    image_url: str
    quantity: int
    unit_price: Decimal

    # Read from an AfterSaleItem with its order_item loaded.
    @staticmethod
    def resolve_product_name(obj) -> str:
        return obj.order_item.product_name

    @staticmethod
    def resolve_variant_label(obj) -> str:
        return obj.order_item.variant_label

    @staticmethod
    def resolve_image_url(obj) -> str:
        return obj.order_item.image_url

    @staticmethod
    def resolve_unit_price(obj) -> Decimal:
        return obj.order_item.unit_price


class AfterSaleEventOut(Schema):
    status: str
    status_label: str
    note: str
    created_at: datetime

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class AfterSaleSummaryOut(Schema):
    """Read from an AfterSaleRequest with order and items (and their order lines) loaded."""

    number: str
    order_number: str
    kind: str
    kind_label: str
    reason: str
    reason_label: str
    status: str
    status_label: str
    refund_amount: Decimal
    created_at: datetime
    items: list[AfterSaleItemOut]

    @staticmethod
    def resolve_order_number(obj) -> str:
        return obj.order.number

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_reason_label(obj) -> str:
        return obj.get_reason_display()

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_items(obj) -> list:
        return list(obj.items.all())


class AfterSaleOut(AfterSaleSummaryOut):
    """Read from an AfterSaleRequest loaded by aftersale_get_for_user (photos and events too)."""

    description: str
    return_carrier: str
    return_tracking_no: str
    operator_note: str
    updated_at: datetime
    resolved_at: datetime | None
    photos: list[str]
    events: list[AfterSaleEventOut]
    can_withdraw: bool
    can_send_back: bool

    @staticmethod
    def resolve_photos(obj) -> list[str]:
        return [photo.image.url for photo in obj.photos.all()]

    @staticmethod
    def resolve_events(obj) -> list:
        return list(obj.events.all())

    @staticmethod
    def resolve_can_withdraw(obj) -> bool:
        from shequ.aftersales.state import can_withdraw

        return can_withdraw(obj)

    @staticmethod
    def resolve_can_send_back(obj) -> bool:
        from shequ.aftersales.state import can_send_back

        return can_send_back(obj)


class ClaimableLineOut(Schema):
    order_item_id: int
    product_name: str
    variant_label: str
    image_url: str
    unit_price: Decimal
    bought: int
    claimable: int
    refund_per_unit: Decimal


class EligibilityOut(Schema):
    order_number: str
    order_status: str
    kinds: list[str]
    window_closes_at: datetime | None
    lines: list[ClaimableLineOut]
