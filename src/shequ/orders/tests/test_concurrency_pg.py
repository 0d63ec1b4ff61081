"""No overselling under concurrency, proved on PostgreSQL with real threads, connections and transactions.

Each thread places its order in its own database connection (and so its own transaction); a barrier releases
them together so they really race for the same rows.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from shequ.catalog.testing import make_product
from shequ.core.errors import DomainError
from shequ.inventory.models import ReservationStatus, StockLevel, StockReservation
from shequ.orders.models import FlashSalePurchase, Order, OrderStatus
from shequ.orders.services import CheckoutInput, order_cancel, order_place
from shequ.orders.testing import make_address, make_flash_sale, make_shipping

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to prove")


def race(calls):
    """Run the callables at the same moment, each in its own thread and connection; return results/error codes."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait(timeout=30)
            return call()
        except DomainError as exc:
            return exc.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def buyers(make_user, count):
    people = [make_user() for _ in range(count)]
    for person in people:
        make_address(person)
    return people


def buy(user, sku_id, key=""):
    return lambda: order_place(user=user, checkout=CheckoutInput(sku_id=sku_id, quantity=1), idempotency_key=key)


def assert_stock_accounted_for(sku, *, on_hand):
    level = StockLevel.objects.get(sku=sku)
    held = sum(
        StockReservation.objects.filter(sku=sku, status=ReservationStatus.RESERVED).values_list("quantity", flat=True)
    )
    assert level.on_hand == on_hand
    assert level.reserved == held
    assert level.on_hand - level.reserved >= 0
    return level


def test_forty_buyers_ten_units_exactly_ten_orders(make_user):
    make_shipping()
    sku = make_product(skus=[{"stock": 10, "list_price": "9.90"}]).skus.get()
    people = buyers(make_user, 40)

    results = race([buy(person, sku.pk) for person in people])

    outcomes = Counter("placed" if not isinstance(r, str) else r for r in results)
    assert outcomes == {"placed": 10, "out_of_stock": 30}
    level = assert_stock_accounted_for(sku, on_hand=10)
    assert level.reserved == 10
    assert StockReservation.objects.filter(sku=sku, status=ReservationStatus.RESERVED).count() == 10
    assert Order.objects.filter(status=OrderStatus.PENDING_PAYMENT).count() == 10

    placed = [r.order for r in results if not isinstance(r, str)]
    race([lambda order=order: order_cancel(order=order, actor=order.user) for order in placed[:3]])

    level = assert_stock_accounted_for(sku, on_hand=10)
    assert level.reserved == 7
    assert StockReservation.objects.filter(sku=sku, status=ReservationStatus.RELEASED).count() == 3


def test_flash_sale_per_person_limit_and_allotment_hold_under_a_race(make_user):
    sale = make_flash_sale(allotment=10)
    sku = sale.sku
    people = buyers(make_user, 15)

    # 40 attempts from 15 people: most people try two or three times at once.
    results = race([buy(people[i % len(people)], sku.pk) for i in range(40)])

    orders = [r.order for r in results if not isinstance(r, str)]
    assert len(orders) == 10
    assert set(Counter(r for r in results if isinstance(r, str))) <= {"out_of_stock", "flash_sale_limit"}
    per_person = Counter(order.user_id for order in orders)
    assert max(per_person.values()) == 1
    sale.refresh_from_db()
    assert sale.sold == 10 <= sale.allotment
    assert dict(FlashSalePurchase.objects.filter(quantity__gt=0).values_list("user_id", "quantity")) == dict(per_person)
    level = assert_stock_accounted_for(sku, on_hand=100)
    assert level.reserved == 10


def test_double_submit_with_one_idempotency_key_makes_one_order(make_user):
    make_shipping()
    sku = make_product(skus=[{"stock": 10}]).skus.get()
    (person,) = buyers(make_user, 1)

    results = race([buy(person, sku.pk, key="same-click-0001") for _ in range(6)])

    numbers = {r.order.number for r in results}
    assert len(numbers) == 1
    assert sum(1 for r in results if r.created) == 1
    assert Order.objects.count() == 1
    assert assert_stock_accounted_for(sku, on_hand=10).reserved == 1
