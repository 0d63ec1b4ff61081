"""The demo carriers seed once, before the orders seeder, with the fee tables the checkout uses."""

from decimal import Decimal

import pytest

from shequ.core.seeding import seeders
from shequ.logistics.models import Carrier
from shequ.logistics.services import shipping_fee
from shequ.logistics.testing import seed_carriers

pytestmark = pytest.mark.django_db


def test_carriers_seed_once_with_secrets_and_rates():
    seed_carriers()
    seed_carriers()

    assert list(Carrier.objects.values_list("code", flat=True)) == ["zto", "yto", "jd", "sf", "ems"]
    assert all(carrier.webhook_secret for carrier in Carrier.objects.all())
    assert Carrier.objects.get(code="zto").rates.count() == 4
    assert shipping_fee(
        carrier_code="sf", province="香港特别行政区", weight_grams=2500, items_total=Decimal("500")
    ) == Decimal("56.00")


def test_the_seeder_runs_before_orders():
    order = {seeder.name: seeder.order for seeder in seeders()}

    assert order["logistics.carriers"] == 15
    assert all(value > 15 for name, value in order.items() if name.startswith("orders"))


def test_demo_parcels_get_a_history_ending_at_delivery_and_the_rest_start_moving(user, sandbox_payments):
    import random
    from datetime import timedelta

    from django.utils import timezone

    from shequ.catalog.testing import make_product
    from shequ.core.seeding import SeedContext
    from shequ.logistics.models import Shipment, TrackingEvent
    from shequ.logistics.seed import seed_tracking
    from shequ.logistics.testing import paid_order, ship
    from shequ.orders.models import Order

    seed_carriers()
    sku = make_product(skus=[{"list_price": "25.00"}]).skus.get()
    delivered = ship(paid_order(user, lines=[(sku, 1)]))
    moving = ship(paid_order(user, lines=[(sku, 1)]))
    shipped_at, delivered_at = timezone.now() - timedelta(days=3), timezone.now() - timedelta(days=1)
    Order.objects.filter(pk=delivered.order_id).update(
        status="delivered", shipped_at=shipped_at, delivered_at=delivered_at
    )

    summary = seed_tracking(SeedContext(rng=random.Random(3), log=lambda _m: None))

    assert summary == {"history": 1, "on_their_way": 1}
    delivered.refresh_from_db()
    assert delivered.status == "delivered" and abs(delivered.delivered_at - delivered_at) < timedelta(seconds=1)
    assert TrackingEvent.objects.filter(shipment=delivered).count() == 6
    assert Shipment.objects.get(pk=moving.pk).shipped_at > timezone.now() - timedelta(minutes=46)
