"""The demo after-sales requests: opened and moved through the services on recently delivered orders."""

import random

import pytest

from shequ.aftersales.models import AfterSaleRequest
from shequ.aftersales.seed import seed_aftersales
from shequ.core.seeding import SeedContext, seeders

pytestmark = pytest.mark.django_db


def test_requests_are_seeded_on_delivered_orders_after_the_orders_seeder(delivered):
    summary = seed_aftersales(SeedContext(rng=random.Random(5), log=lambda _m: None))

    assert summary == {"requests": 1}
    aftersale = AfterSaleRequest.objects.get()
    assert aftersale.order_id == delivered.pk and aftersale.events.exists()
    order = {seeder.name: seeder.order for seeder in seeders()}
    assert order["aftersales.demo"] > order["logistics.tracking"] > order["orders.demo"]
