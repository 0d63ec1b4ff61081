"""API shapes for payments."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class ErrorOut(Schema):
    code: str
    message: str
    details: dict | None = None


class PaymentStartIn(Schema):
    provider: str = Field(..., max_length=16, examples=["wechatpay"])
    channel: str = Field("", max_length=16, description="alipay: wap | page; wechatpay: h5 | native | jsapi")
    openid: str = Field("", max_length=128, description="the payer's openid, for WeChat JSAPI / mini-program")


class PaymentStartOut(Schema):
    out_trade_no: str
    provider: str
    amount: Decimal
    kind: str = Field(..., description="redirect | qr | jsapi | page")
    url: str = ""
    params: dict[str, Any] = {}
    reused: bool


class PaymentOut(Schema):
    out_trade_no: str
    provider: str
    status: str
    amount: Decimal
    refunded_amount: Decimal
    created_at: datetime
    paid_at: datetime | None = None


class PaymentStatusOut(Schema):
    order_number: str
    order_status: str
    state: str = Field(..., description="paid | pending | failed | cancelled | none")
    payment: PaymentOut | None = None


class PaymentMethodOut(Schema):
    name: str
    label: str
    channels: list[str]
