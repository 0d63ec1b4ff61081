"""API shapes for checkout and orders. Prices a client sends are not part of any input: the server prices."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema


class InvoiceIn(Schema):
    type: str = Field(..., description="personal | company")
    title: str = Field(..., max_length=100)
    tax_id: str = Field("", max_length=30)


class CheckoutIn(Schema):
    item_ids: list[int] | None = Field(None, max_length=50, description="Cart line ids; leave out for ticked lines")
    sku_id: int | None = Field(None, description='"Buy now": this SKU instead of cart lines')
    quantity: int = 1
    address_id: int | None = Field(None, description="Leave out for the default address")
    carrier_code: str = Field("", max_length=32)
    coupon_code: str = Field("", max_length=32)
    issued_coupon_ids: list[int] = Field([], max_length=5, description="Wallet coupons (see /coupons/wallet)")
    points: int = 0
    invoice: InvoiceIn | None = None
    note: str = Field("", max_length=1000)


class PlaceIn(CheckoutIn):
    expected_total: Decimal | None = Field(
        None, max_digits=12, decimal_places=2, description="The total the buyer saw; a different one is 409"
    )
    idempotency_key: str = Field("", max_length=64, description="Or the Idempotency-Key header")


class QuoteLineOut(Schema):
    sku_id: int
    cart_item_id: int | None
    name: str
    variant: str
    image_url: str
    quantity: int
    unit_price: Decimal
    was_price: Decimal
    list_price: Decimal
    line_total: Decimal
    flash_sale_id: int | None
    price_changed: bool
    insufficient_stock: bool
    unavailable: bool
    flash_limit_exceeded: bool
    available: int
    messages: list[str]


class DeliveryOptionOut(Schema):
    carrier_code: str
    name: str
    fee: Decimal
    free: bool
    delivery_days: str


class QuoteOut(Schema):
    lines: list[QuoteLineOut]
    address_id: int | None
    delivery_options: list[DeliveryOptionOut]
    carrier_code: str
    coupon_code: str
    issued_coupon_ids: list[int] = []
    points_used: int
    items_total: Decimal
    shipping_fee: Decimal
    coupon_discount: Decimal
    points_discount: Decimal
    total: Decimal
    placeable: bool
    problems: list[str]


class OrderItemOut(Schema):
    id: int
    sku_id: int
    product_id: int
    name: str
    variant: str
    image_url: str
    unit_price: Decimal
    list_price: Decimal
    quantity: int
    line_total: Decimal
    refunded_quantity: int
    flash_sale: bool


class OrderEventOut(Schema):
    kind: str
    label: str
    status: str
    message: str
    created_at: datetime


class AddressOut(Schema):
    recipient: str
    phone_masked: str
    province: str
    city: str
    district: str
    detail: str
    postal_code: str


class ActionsOut(Schema):
    pay: bool
    cancel: bool
    change_address: bool
    confirm_receipt: bool
    after_sales: bool


class OrderSummaryOut(Schema):
    number: str
    status: str
    status_label: str
    kind: str
    total: Decimal
    item_count: int
    items: list[OrderItemOut]
    created_at: datetime
    payment_deadline: datetime | None
    actions: ActionsOut


class OrdersPageOut(Schema):
    items: list[OrderSummaryOut]
    count: int
    page: int
    page_size: int
    pages: int


class OrderOut(OrderSummaryOut):
    items_total: Decimal
    shipping_fee: Decimal
    coupon_discount: Decimal
    points_discount: Decimal
    points_used: int
    refunded_total: Decimal
    coupon_code: str
    carrier_code: str
    address: AddressOut
    invoice: dict
    note: str
    paid_at: datetime | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    auto_confirm_at: datetime | None
    cancel_reason: str
    events: list[OrderEventOut]
    pay_url: str


class CancelIn(Schema):
    reason: str = Field("", max_length=120)


class AddressChangeIn(Schema):
    address_id: int


class PurchaseOut(Schema):
    number: str
    total: Decimal
    paid_at: datetime
    status: str
    items: list[OrderItemOut]


class RefundRecordOut(Schema):
    order_number: str
    amount: Decimal
    at: datetime
    reference: str


class CouponRecordOut(Schema):
    code: str
    name: str
    discount: Decimal
    order_number: str
    at: datetime


class RecordsOut(Schema):
    spent: Decimal
    refunded: Decimal
    purchases: list[PurchaseOut]
    refunds: list[RefundRecordOut]
    coupons: list[CouponRecordOut]


class QueuedOut(Schema):
    """A flash-sale order a worker is placing: poll ``poll_url`` until ``status`` is ``placed`` (``order`` is
    then the order, to pay) or ``failed`` (``error`` says why; the unit went back to the sale)."""

    ticket: str
    status: str = Field(..., description="queued, placed or failed")
    poll_url: str
    order: OrderOut | None = None
    error: dict | None = Field(None, description="code, message and details of a failed placement")
