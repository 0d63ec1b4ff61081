"""The orders module's settings (``SHEQU_ORDERS``), with defaults when a deployment leaves some out."""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    "PAYMENT_TIMEOUT_MINUTES": 30,
    "AUTO_CONFIRM_DAYS": 7,
    "MAX_QUANTITY_PER_LINE": 99,
    "MAX_CART_LINES": 50,
    # Dotted path of the PointsProvider (see orders/discounts.py); the loyalty module sets its own.
    "POINTS_PROVIDER": "shequ.orders.discounts.NoPointsProvider",
    # Dotted path of the ShippingBenefit (see orders/discounts.py): free shipping as a member benefit.
    "SHIPPING_BENEFIT_PROVIDER": "shequ.orders.discounts.NoShippingBenefit",
    # The most of the goods (after the coupon) points may pay for.
    "POINTS_MAX_SHARE": "0.5",
    # How long buyers of a SKU that just sold out are turned away from the cache (see orders/soldout.py).
    "SOLD_OUT_SECONDS": 2,
    # How long what a SKU is (names, picture, prices) may be served from the cache (see orders/pricing.py);
    # 0 reads it every time. Stock and flash sales are always read fresh.
    "OFFER_CACHE_SECONDS": 5,
    # How long the Redis gate of a flash sale trusts its own count before re-reading it from the database
    # (see orders/flashgate.py); 0 turns the gate off.
    "FLASH_GATE_SECONDS": 10,
    # Whether a flash-sale buy-now that asks for it (``Prefer: respond-async``) and won a unit at the gate is
    # answered at once with a ticket while a worker writes the order (see orders/order_queue.py). Needs a task
    # queue (CELERY_BROKER_URL) and the gate; elsewhere orders are always placed before the answer.
    "FLASH_QUEUE": True,
}


def orders_setting(name: str):
    return getattr(settings, "SHEQU_ORDERS", {}).get(name, DEFAULTS[name])
