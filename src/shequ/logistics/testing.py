"""Test helpers for logistics and after-sales: carriers, and real orders taken through ORDERS and PAYMENTS.

Orders are placed, paid (sandbox provider) and shipped through the other modules' own services, so these
tests exercise the integration, not a copy of it. Tests using ``paid_order`` need the sandbox switched on:
use the ``sandbox_payments`` fixture (see the tests' conftest).
"""

from __future__ import annotations

import itertools
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from shequ.core.seeding import SeedContext
from shequ.logistics.models import Carrier, Shipment, ShipmentStatus, ShippingRate
from shequ.logistics.providers.base import TrackingUpdate

_waybills = itertools.count(1)


def seed_carriers() -> None:
    """The demo carriers and fee tables (logistics/seed.py)."""
    import random

    from shequ.logistics.seed import seed_carriers as seed

    seed(SeedContext(rng=random.Random(1), log=lambda _message: None))  # noqa: S311 - demo data, not a secret


def make_carrier(
    code: str = "test",
    *,
    rates: list[dict] | None = None,
    secret: str = "",
    is_active: bool = True,
    position: int = 0,
) -> Carrier:
    carrier = Carrier.objects.create(
        code=code,
        name=f"{code}快递",
        name_en=f"{code} Express",
        delivery_days="2–3",
        webhook_secret=secret,
        is_active=is_active,
        position=position,
    )
    for rate in rates or [{}]:
        spec = {"provinces": [], "first_fee": Decimal("10"), "extra_fee": Decimal("4"), **rate}
        ShippingRate.objects.create(carrier=carrier, **spec)
    return carrier


def next_waybill(prefix: str = "ZT") -> str:
    return f"{prefix}{next(_waybills):010d}"


def paid_order(
    user,
    *,
    lines: list[tuple[object, int]],
    coupon_code: str = "",
    carrier_code: str = "zto",
    province: str = "上海市",
    city: str = "上海市",
    district: str = "徐汇区",
):
    """Place (through the cart) and pay (sandbox) an order of ``lines`` = [(sku, quantity)]."""
    from shequ.accounts.models import Address
    from shequ.accounts.services.addresses import AddressData, address_create
    from shequ.cart.owner import CartOwner
    from shequ.cart.services import cart_add_item
    from shequ.orders.models import Order
    from shequ.orders.services import CheckoutInput, order_place
    from shequ.payments.services import payment_sandbox_complete, payment_start

    address = Address.objects.filter(user=user, province=province, city=city).first() or address_create(
        user=user,
        data=AddressData(
            recipient="王小明",
            phone="13912345678",
            province=province,
            city=city,
            district=district,
            detail="漕溪北路88号3栋1201室",
            postal_code="200030",
        ),
    )
    owner = CartOwner(user=user)
    for sku, quantity in lines:
        cart_add_item(owner=owner, sku_id=sku.pk, quantity=quantity)
    placed = order_place(
        user=user, checkout=CheckoutInput(address_id=address.pk, carrier_code=carrier_code, coupon_code=coupon_code)
    )
    start = payment_start(order=placed.order, provider="sandbox", return_url="/")
    payment_sandbox_complete(user=user, out_trade_no=start.payment.out_trade_no, succeed=True)
    return Order.objects.get(pk=placed.order.pk)


def ship(order, *, carrier_code: str = "zto", tracking_no: str = "") -> Shipment:
    """Ship a paid order through ORDERS (which records the shipment here)."""
    from shequ.orders.services import order_ship

    order_ship(order=order, carrier_code=carrier_code, tracking_no=tracking_no or next_waybill())
    return Shipment.objects.filter(order=order).latest("id")


def deliver(shipment: Shipment, *, at: datetime | None = None) -> None:
    """The carrier reports the parcel signed for (as a push or a poll would)."""
    from shequ.logistics.services import tracking_updates_record

    tracking_updates_record(
        shipment_id=shipment.pk,
        updates=[
            TrackingUpdate(
                external_id=f"signed-{shipment.pk}",
                status=ShipmentStatus.DELIVERED,
                description="【上海市】已签收，签收人：本人",
                occurred_at=at or timezone.now(),
                location="上海市",
            )
        ],
    )
