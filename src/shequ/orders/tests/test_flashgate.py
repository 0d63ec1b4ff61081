"""The flash sale's Redis gate (orders/flashgate.py): it answers buyers once the units are gone, and never keeps
a unit from a buyer for longer than a moment — whatever happens to the order that took it at the gate."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, connections

from shequ.core.errors import DomainError
from shequ.orders import flashgate
from shequ.orders.models import FlashSale
from shequ.orders.services import CheckoutInput, order_cancel, order_place
from shequ.orders.testing import make_address, make_flash_sale

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _redis_only():
    if not isinstance(caches["default"], RedisCache):
        pytest.skip("the gate runs on Redis only (set REDIS_URL)")


def buyer(make_user, *, address: bool = True):
    person = make_user()
    if address:
        make_address(person)
    return person


def buy(person, sale: FlashSale, key: str = ""):
    """Place a "buy now" order; the order, or the error code the buyer is shown."""
    try:
        return order_place(user=person, checkout=CheckoutInput(sku_id=sale.sku_id, quantity=1), idempotency_key=key)
    except DomainError as exc:
        return exc.code


def flush_cache() -> None:
    """What a Redis restart or an operator's flush does to the gate: our keys are gone."""
    backend = caches["default"]
    client = backend._cache.get_client(None, write=True)
    prefix = backend.make_and_validate_key("")
    for key in list(client.scan_iter(match=f"{prefix}*")):
        client.delete(key)


def test_buyers_after_the_allotment_are_answered_at_the_gate(make_user):
    sale = make_flash_sale(allotment=2)
    first, second, late = (buyer(make_user) for _ in range(3))

    assert buy(first, sale).created and buy(second, sale).created
    assert buy(late, sale) == "out_of_stock"

    sale.refresh_from_db()
    assert sale.sold == 2


def test_an_order_the_database_refuses_gives_its_unit_back(make_user):
    sale = make_flash_sale(allotment=1)
    homeless = buyer(make_user, address=False)  # passes the gate, then placement refuses: no address

    assert buy(homeless, sale) == "address_required"
    assert buy(buyer(make_user), sale).created  # the unit it took at the gate went back

    sale.refresh_from_db()
    assert sale.sold == 1


def test_cancelling_gives_the_unit_back_to_the_gate(make_user):
    sale = make_flash_sale(allotment=1)
    first, second, third = (buyer(make_user) for _ in range(3))
    placed = buy(first, sale)
    assert buy(second, sale) == "out_of_stock"

    order_cancel(order=placed.order, actor=first)

    assert buy(third, sale).created
    sale.refresh_from_db()
    assert sale.sold == 1


def test_a_flushed_cache_still_sells_exactly_the_allotment(make_user):
    sale = make_flash_sale(allotment=2)
    assert buy(buyer(make_user), sale).created

    flush_cache()

    assert buy(buyer(make_user), sale).created  # the gate re-read what is left from the database
    assert buy(buyer(make_user), sale) == "out_of_stock"
    sale.refresh_from_db()
    assert sale.sold == 2


def test_a_unit_lost_at_the_gate_comes_back_when_the_gate_is_reread(make_user, settings):
    settings.SHEQU_ORDERS = {**getattr(settings, "SHEQU_ORDERS", {}), "FLASH_GATE_SECONDS": 0.5}
    sale = make_flash_sale(allotment=1)
    # A worker takes the last unit at the gate and dies before placing anything: the ticket is never settled.
    assert flashgate.gate_enter(user=buyer(make_user), sku_id=sale.sku_id, quantity=1) is not None
    patient = buyer(make_user)
    assert buy(patient, sale) == "out_of_stock"

    time.sleep(0.6)

    assert buy(patient, sale).created
    sale.refresh_from_db()
    assert sale.sold == 1


def test_a_replayed_submit_returns_its_order_and_keeps_the_unit_for_others(make_user):
    sale = make_flash_sale(allotment=2)
    person = buyer(make_user)
    first = buy(person, sale, key="click-0001")

    again = buy(person, sale, key="click-0001")

    assert not again.created and again.order.number == first.order.number
    assert buy(buyer(make_user), sale).created
    sale.refresh_from_db()
    assert sale.sold == 2


def test_a_second_order_of_the_same_person_is_refused_and_the_unit_stays(make_user):
    sale = make_flash_sale(allotment=2)
    person = buyer(make_user)
    assert buy(person, sale).created

    assert buy(person, sale) == "flash_sale_limit"

    assert buy(buyer(make_user), sale).created
    assert buy(buyer(make_user), sale) == "out_of_stock"


def test_a_race_through_the_gate_sells_exactly_the_allotment(make_user):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to prove")
    sale = make_flash_sale(allotment=10)
    people = [buyer(make_user) for _ in range(30)]
    barrier = threading.Barrier(len(people))

    def attempt(person):
        try:
            barrier.wait(timeout=30)
            return buy(person, sale)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        results = list(pool.map(attempt, people))

    outcomes = Counter(r if isinstance(r, str) else "placed" for r in results)
    assert outcomes == {"placed": 10, "out_of_stock": 20}
    sale.refresh_from_db()
    assert sale.sold == 10
    assert buy(buyer(make_user), sale) == "out_of_stock"
