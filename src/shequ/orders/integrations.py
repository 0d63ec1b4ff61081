"""The calls orders makes into logistics and payments, in one place.

Imports happen inside the functions: logistics and payments import orders' services too, and payments may
not be installed yet in a given checkout of the tree (then refunds wait for an operator, see lifecycle).
"""

from __future__ import annotations

import hashlib
import logging
from decimal import Decimal

from django.core.cache import cache

logger = logging.getLogger("shequ.orders")


DELIVERY_OPTIONS_SECONDS = 30


def delivery_options(*, province: str, weight_grams: int, items_total: Decimal) -> list:
    """Logistics' options for this parcel, cached for half a minute: the buy path asks for every order, and
    carriers' fee tables change rarely (a change reaches checkout within 30 s; an order keeps the fee it showed)."""
    from shequ.logistics.services import delivery_options as options

    key = f"orders:delivery:{hashlib.sha256(f'{province}|{weight_grams}|{items_total}'.encode()).hexdigest()}"
    found = cache.get(key)
    if found is None:
        found = options(province=province, weight_grams=weight_grams, items_total=items_total)
        cache.set(key, found, DELIVERY_OPTIONS_SECONDS)
    return found


def shipment_create(*, order, carrier_code: str, tracking_no: str):
    from shequ.logistics.services import shipment_create as create

    return create(order=order, carrier_code=carrier_code, tracking_no=tracking_no)


def shipments_for_order(*, order) -> list:
    try:
        from shequ.logistics.selectors import shipments_for_order as shipments
    except ImportError:  # pragma: no cover - logistics always ships with orders
        return []
    return list(shipments(order=order))


def carriers_for_shipping() -> list[tuple[str, str]]:
    """(code, name) of the carriers an operator can ship with."""
    from shequ.logistics.selectors import carrier_display_name, carriers_active

    return [(carrier.code, carrier_display_name(carrier)) for carrier in carriers_active()]


def payment_refund_available() -> bool:
    try:
        from shequ.payments.services import payment_refund  # noqa: F401
    except ImportError:
        return False
    return True


def payment_refund(*, order, amount: Decimal, reason: str, reference: str) -> bool:
    """Ask PAYMENTS to refund; False (logged) when it cannot right now, so an operator can follow up."""
    try:
        from shequ.payments.services import payment_refund as refund
    except ImportError:
        logger.warning("payments not available: refund of order %s waits for an operator", order.number)
        return False
    refund(order=order, amount=amount, reason=reason, reference=reference)
    return True
