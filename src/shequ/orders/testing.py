"""Test helpers for orders (used by orders' own tests and available to other modules' tests).

Everything goes through the real services: addresses through accounts, carriers and fees through logistics'
models, orders through ``order_place``; "paid" is ``order_mark_paid`` with the sandbox provider's name.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from shequ.accounts.services.addresses import AddressData, address_create
from shequ.cart.owner import CartOwner
from shequ.cart.services import cart_add_item
from shequ.catalog.testing import make_product
from shequ.orders.models import FlashSale, Order
from shequ.orders.services import CheckoutInput, order_mark_paid, order_place

DEFAULT_ADDRESS = {
    "recipient": "王小明",
    "phone": "13912345678",
    "province": "上海市",
    "city": "上海市",
    "district": "徐汇区",
    "detail": "漕溪北路88号3栋1201室",
    "postal_code": "200030",
}


def make_address(user, **fields):
    return address_create(user=user, data=AddressData(**{**DEFAULT_ADDRESS, **fields}))


def make_shipping(code: str = "std", *, first_fee: str = "8.00", free_over: str | None = "99.00", **rate):
    """A carrier delivering everywhere on the mainland: ``first_fee`` for the first kilo, free from ``free_over``."""
    from shequ.logistics.testing import make_carrier

    spec = {
        "first_fee": Decimal(first_fee),
        "extra_fee": Decimal("2.00"),
        "free_over": Decimal(free_over) if free_over else None,
        **rate,
    }
    return make_carrier(code, rates=[spec])


def place_order(user, *, lines: list[tuple[object, int]], via_cart: bool = False, **checkout) -> Order:
    """Place an order of [(sku, quantity)] for ``user`` (who needs an address and a carrier to exist)."""
    if via_cart or len(lines) > 1:
        owner = CartOwner(user=user)
        for sku, quantity in lines:
            cart_add_item(owner=owner, sku_id=sku.pk, quantity=quantity)
        return order_place(user=user, checkout=CheckoutInput(**checkout)).order
    sku, quantity = lines[0]
    return order_place(user=user, checkout=CheckoutInput(sku_id=sku.pk, quantity=quantity, **checkout)).order


def mark_paid(order: Order) -> Order:
    return order_mark_paid(
        order_id=order.pk, amount=order.total, provider="sandbox", paid_at=timezone.now(), payment_ref=f"T{order.pk}"
    )


def make_flash_sale(*, allotment: int, stock: int = 100, per_user_limit: int = 1) -> FlashSale:
    """A carrier and a ¥59.00 SKU with ``stock`` on a running flash sale at ¥9.90 of ``allotment`` units."""
    make_shipping()
    sku = make_product(skus=[{"stock": stock, "list_price": "59.00"}]).skus.get()
    now = timezone.now()
    return FlashSale.objects.create(
        sku=sku,
        title="秒杀",
        price=Decimal("9.90"),
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(hours=1),
        per_user_limit=per_user_limit,
        allotment=allotment,
    )
