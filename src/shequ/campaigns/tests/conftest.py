"""Fixtures for campaigns tests: a shop, points to spend, coupon templates, trials and mall items."""

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
    product = make_product(skus=[{"list_price": "10.00", "weight_grams": 500, "stock": 20}])
    return {"carrier": carrier, "product": product, "sku": product.skus.get(), "address": make_address(user)}


@pytest.fixture
def give_points():
    from shequ.loyalty.services import points_award

    counter = iter(range(1, 10_000))

    def give(user, points: int):
        return points_award(user_id=user.pk, points=points, kind="test", reference=f"gift-{next(counter)}")

    return give


@pytest.fixture
def balance():
    from shequ.loyalty.selectors import points_balance

    return lambda user: points_balance(user_id=user.pk)


@pytest.fixture
def template(db):
    from shequ.coupons.models import CouponTemplate

    return CouponTemplate.objects.create(
        code="mall-20",
        name="满99减20",
        kind="threshold",
        amount=Decimal("20"),
        min_spend=Decimal("99"),
        valid_days=30,
        per_user_limit=None,
    )


@pytest.fixture
def make_trial(db, shop):
    from shequ.campaigns.models import Trial

    def make(**fields):
        now = timezone.now()
        spec = {
            "title": "新品试用",
            "sku": shop["sku"],
            "units": 2,
            "apply_starts_at": now - timedelta(hours=1),
            "apply_ends_at": now + timedelta(days=3),
            "review_deadline": now + timedelta(days=20),
            "seed": "s1",
            **fields,
        }
        return Trial.objects.create(**spec)

    return make


@pytest.fixture
def make_item(db, template, shop):
    from shequ.campaigns.models import MallItem

    def make(**fields):
        spec = {"kind": "coupon", "title": "满99减20券", "points_cost": 100, "stock": 5, "coupon_template": template}
        spec.update(fields)
        if spec["kind"] == "product":
            spec.setdefault("sku", shop["sku"])
            spec["coupon_template"] = None
        return MallItem.objects.create(**spec)

    return make
