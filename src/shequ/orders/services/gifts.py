"""Gift orders: a zero-price order of one unit for a points-mall product or a new-product trial winner.

It reserves stock like any order and then goes through the normal flow (paid at once with nothing to pay,
then shipped, delivered, confirmed). ``reference`` makes it idempotent: the same redemption or trial win
returns the order it already created.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.accounts.access import address_get_for_user
from shequ.analytics.services import track
from shequ.core.errors import Conflict, InvalidInput, NotFound
from shequ.inventory.services import stock_levels_take, stock_products_touch, stock_reservations_add
from shequ.orders import integrations, soldout, state
from shequ.orders.models import Order, OrderItem, OrderKind
from shequ.orders.numbers import order_number_new
from shequ.orders.pricing import sku_offers
from shequ.orders.services.placement import Placed

GIFT_KINDS = (OrderKind.POINTS, OrderKind.TRIAL)
ZERO = Decimal("0.00")


def _key(kind: str, reference: str) -> str:
    key = f"gift-{kind}-{reference}"
    if not 8 <= len(key) <= 64:
        raise InvalidInput("gift_reference_invalid", _("Invalid gift reference."))
    return key


def order_place_gift(*, user, sku_id: int, address_id: int, kind: str, reference: str) -> Placed:
    """Place a free one-unit order of ``sku_id`` to the person's address (kind points or trial). The same
    ``reference`` returns the same order; the caller's transaction (if any) covers the whole placement."""
    if kind not in GIFT_KINDS:
        raise InvalidInput("gift_kind_invalid", _("Unknown gift order kind."))
    key = _key(kind, reference)
    existing = Order.objects.filter(user=user, idempotency_key=key).first()
    if existing is not None:
        return Placed(order=existing, created=False)
    if not address_id:
        raise InvalidInput("address_required", _("Add a delivery address."), details={"field": "address_id"})
    address = address_get_for_user(user=user, address_id=address_id)
    offer = sku_offers(sku_ids=[sku_id], user=user).get(sku_id)
    if offer is None:
        raise NotFound("sku_not_found", _("This item does not exist."))
    if not offer.purchasable:
        raise Conflict("sku_unavailable", _("An item is no longer on sale."), details={"sku_id": sku_id})
    if offer.available < 1:
        raise Conflict(
            "out_of_stock",
            _("Sorry, there is not enough stock left for this item."),
            details={"sku_id": sku_id, "available": 0},
        )
    options = integrations.delivery_options(
        province=address.province, weight_grams=offer.weight_grams, items_total=ZERO
    )
    if not options:
        raise InvalidInput(
            "carrier_unavailable", _("Sorry, we cannot deliver to this address yet."), details={"field": "address_id"}
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            order = Order.objects.create(
                number=order_number_new(now),
                user=user,
                kind=kind,
                recipient=address.recipient,
                phone=address.phone,
                province=address.province,
                city=address.city,
                district=address.district,
                detail=address.detail,
                postal_code=address.postal_code,
                carrier_code=options[0].carrier_code,
                items_total=ZERO,
                shipping_fee=ZERO,
                total=ZERO,
                idempotency_key=key,
                payment_deadline=now,
            )
            OrderItem.objects.create(
                order=order,
                sku_id=sku_id,
                product_id=offer.product_id,
                product_name=offer.product_name[:120],
                product_name_en=offer.product_name_en[:160],
                variant_label=offer.variant_label[:120],
                sku_code=offer.sku_code,
                image_url=offer.image_url[:300],
                unit_price=ZERO,
                list_price=offer.list_price,
                quantity=1,
                line_total=ZERO,
                weight_grams=offer.weight_grams,
            )
            state.event_add(order, "placed", data={"total": "0.00", "items": 1, "gift": kind, "reference": reference})
            stock_reservations_add(order_id=order.pk, lines=[(sku_id, 1)])
            sold_out = stock_levels_take(lines=[(sku_id, 1)])
            from shequ.orders.services.lifecycle import order_mark_paid

            order = order_mark_paid(order_id=order.pk, amount=ZERO, provider="gift", paid_at=now, payment_ref=key)
            track(user, "gift_order_placed", {"order_number": order.number, "kind": kind, "sku_id": sku_id})
    except IntegrityError:  # the same gift raced us and won
        existing = Order.objects.filter(user=user, idempotency_key=key).first()
        if existing is None:
            raise
        return Placed(order=existing, created=False)
    if sold_out:
        transaction.on_commit(lambda: (soldout.mark_sold_out(sold_out), stock_products_touch(sku_ids=sold_out)))
    return Placed(order=order, created=True)
