"""Shipments: created by ORDERS when an order ships; idempotent; a waybill belongs to one order."""

import pytest

from shequ.catalog.testing import make_product
from shequ.core.errors import Conflict, InvalidInput
from shequ.logistics.models import Shipment, ShipmentStatus
from shequ.logistics.services import shipment_create
from shequ.logistics.testing import paid_order, ship

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(user, carriers, sandbox_payments):
    sku = make_product(skus=[{"list_price": "25.00", "weight_grams": 400}]).skus.get()
    return paid_order(user, lines=[(sku, 2)])


def test_shipping_an_order_records_its_shipment(order):
    shipment = ship(order, tracking_no="zt 1234 5678 90")

    assert (shipment.order_id, shipment.carrier.code, shipment.tracking_no, shipment.status) == (
        order.pk,
        "zto",
        "ZT1234567890",
        ShipmentStatus.CREATED,
    )
    order.refresh_from_db()
    assert order.status == "shipped"


def test_the_same_waybill_twice_for_the_same_order_is_one_shipment(order):
    first = shipment_create(order=order, carrier_code="zto", tracking_no="ZT000111222")
    again = shipment_create(order=order, carrier_code="zto", tracking_no="zt000111222")

    assert again.pk == first.pk
    assert Shipment.objects.count() == 1


def test_a_waybill_of_another_order_is_a_conflict(order, make_user):
    other = paid_order(make_user(), lines=[(order.items.get().sku, 1)])
    shipment_create(order=order, carrier_code="zto", tracking_no="ZT000111222")

    with pytest.raises(Conflict) as caught:
        shipment_create(order=other, carrier_code="zto", tracking_no="ZT000111222")

    assert caught.value.code == "tracking_no_taken"
    assert Shipment.objects.count() == 1


@pytest.mark.parametrize(
    ("carrier", "number", "code"),
    [
        ("zto", "12", "tracking_no_invalid"),
        ("zto", "ZT<script>", "tracking_no_invalid"),
        ("zto", "Z" * 41, "tracking_no_invalid"),
        ("nope", "ZT1234567890", "carrier_not_found"),
    ],
)
def test_bad_waybills_are_refused_and_nothing_is_recorded(order, carrier, number, code):
    with pytest.raises(InvalidInput) as caught:
        shipment_create(order=order, carrier_code=carrier, tracking_no=number)

    assert caught.value.code == code
    assert not Shipment.objects.exists()
