"""Fixtures for wallet-coupon tests: a shop (carrier, a ¥10 SKU, the buyer's address) and template factory."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone


@pytest.fixture
def shop(db, user):
    from shequ.catalog.testing import make_product
    from shequ.orders.testing import make_address, make_shipping

    carrier = make_shipping("std", first_fee="8.00", free_over="99.00")
    product = make_product(skus=[{"list_price": "10.00", "weight_grams": 500, "stock": 50}])
    return {"carrier": carrier, "product": product, "sku": product.skus.get(), "address": make_address(user)}


@pytest.fixture
def make_template(db):
    from shequ.coupons.models import CouponTemplate

    counter = iter(range(1, 10_000))

    def make(**fields):
        n = next(counter)
        spec = {
            "code": f"tpl-{n}",
            "name": f"券{n}",
            "kind": "fixed",
            "amount": Decimal("5.00"),
            "valid_days": 30,
            **fields,
        }
        return CouponTemplate.objects.create(**spec)

    return make


@pytest.fixture
def grant():
    from shequ.coupons.services import coupon_grant

    def give(template, user, *, reference="r1", source="admin", **kwargs):
        return coupon_grant(template_code=template.code, user_id=user.pk, source=source, reference=reference, **kwargs)

    return give


@pytest.fixture
def expire():
    from shequ.coupons.models import IssuedCoupon

    def run(issued):
        IssuedCoupon.objects.filter(pk=issued.pk).update(
            valid_from=timezone.now() - timedelta(days=10), valid_until=timezone.now() - timedelta(minutes=1)
        )

    return run
