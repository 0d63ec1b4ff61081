"""Stock reservations for orders: all-or-nothing, idempotent release and commit, returns."""

import pytest

from shequ.catalog.testing import make_product
from shequ.core.errors import Conflict
from shequ.inventory.models import MovementKind, ReservationStatus, StockMovement, StockReservation
from shequ.inventory.services import stock_commit, stock_release, stock_reserve, stock_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_skus():
    product = make_product(skus=[{"stock": 5}, {"stock": 2}])
    return list(product.skus.order_by("pk"))


def test_reserve_holds_stock_and_writes_the_ledger(two_skus, stock_of):
    first, second = two_skus

    stock_reserve(order_id=1, lines=[(first.pk, 2), (second.pk, 1), (first.pk, 1)])

    assert stock_of(first) == (5, 3)
    assert stock_of(second) == (2, 1)
    assert StockReservation.objects.filter(order_id=1, status=ReservationStatus.RESERVED).count() == 2
    assert StockMovement.objects.filter(kind=MovementKind.RESERVE, reference="order:1").count() == 2


def test_reserve_is_all_or_nothing(two_skus, stock_of):
    first, second = two_skus

    with pytest.raises(Conflict) as caught:
        stock_reserve(order_id=2, lines=[(first.pk, 1), (second.pk, 3)])

    assert caught.value.code == "out_of_stock"
    assert caught.value.details == {"sku_id": second.pk, "available": 2}
    assert stock_of(first) == (5, 0)
    assert not StockReservation.objects.exists()


def test_release_gives_back_once(two_skus, stock_of):
    first, _second = two_skus
    stock_reserve(order_id=3, lines=[(first.pk, 4)])

    stock_release(order_id=3)
    stock_release(order_id=3)

    assert stock_of(first) == (5, 0)
    assert StockReservation.objects.get(order_id=3).status == ReservationStatus.RELEASED


def test_commit_takes_the_goods_out_once(two_skus, stock_of):
    first, _second = two_skus
    stock_reserve(order_id=4, lines=[(first.pk, 2)])

    stock_commit(order_id=4)
    stock_commit(order_id=4)
    stock_release(order_id=4)  # nothing is held any more

    assert stock_of(first) == (3, 0)
    assert StockReservation.objects.get(order_id=4).status == ReservationStatus.COMMITTED


def test_selling_out_and_restocking_flip_the_product_in_stock_flag(two_skus):
    _first, second = two_skus
    product = second.product
    make_product()  # unrelated

    stock_reserve(order_id=5, lines=[(second.pk, 2)])
    product.refresh_from_db()
    assert product.in_stock is True  # the first SKU still has stock

    stock_reserve(order_id=6, lines=[(two_skus[0].pk, 5)])
    product.refresh_from_db()
    assert product.in_stock is False

    stock_release(order_id=6)
    product.refresh_from_db()
    assert product.in_stock is True


def test_returned_goods_go_back_on_hand(two_skus, stock_of):
    first, _second = two_skus

    stock_return(sku_id=first.pk, quantity=2, reference="AS1")

    assert stock_of(first) == (7, 0)
    assert StockMovement.objects.filter(kind=MovementKind.RETURN, reference="AS1").exists()
