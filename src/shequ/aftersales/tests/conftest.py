from decimal import Decimal

import pytest

from shequ.catalog.testing import make_product
from shequ.coupons.models import Coupon
from shequ.logistics.testing import deliver, paid_order, seed_carriers, ship


@pytest.fixture
def carriers(db):
    seed_carriers()


@pytest.fixture
def sandbox_payments(settings):
    settings.SHEQU_PAYMENTS = {**settings.SHEQU_PAYMENTS, "SANDBOX_ENABLED": True}


@pytest.fixture
def skus(db):
    """Two SKUs: milk at ¥30 (stock 50) and biscuits at ¥20 (stock 50)."""
    milk = make_product("纯牛奶", skus=[{"list_price": "30.00", "weight_grams": 1100, "stock": 50}]).skus.get()
    biscuits = make_product("苏打饼干", skus=[{"list_price": "20.00", "weight_grams": 300, "stock": 50}]).skus.get()
    return milk, biscuits


@pytest.fixture
def coupon(db):
    return Coupon.objects.create(
        code="SAVE11", name="立减11元", kind="fixed", amount=Decimal("11.00"), per_user_limit=5
    )


@pytest.fixture
def paid(user, carriers, sandbox_payments, skus, coupon):
    """Paid, not shipped: 3 × milk ¥30 + 1 × biscuits ¥20 = ¥110, coupon −¥11, free shipping → ¥99 paid."""
    milk, biscuits = skus
    return paid_order(user, lines=[(milk, 3), (biscuits, 1)], coupon_code="SAVE11")


@pytest.fixture
def shipped(paid):
    ship(paid)
    paid.refresh_from_db()
    return paid


@pytest.fixture
def delivered(shipped):
    deliver(shipped.shipments.get())
    shipped.refresh_from_db()
    return shipped


@pytest.fixture
def operator(make_user):
    return make_user(nickname="客服小美", is_staff=True, is_superuser=True)
