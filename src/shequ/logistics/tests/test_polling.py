"""The poller: shipments on their way are asked about through their carrier's provider; the sandbox carrier
walks a parcel from pick-up to signed-for, and the delivered scan moves the order on."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shequ.catalog.testing import make_product
from shequ.logistics.models import Shipment, ShipmentStatus, TrackingEvent
from shequ.logistics.providers.base import TrackingProviderError, TrackingQuery
from shequ.logistics.providers.sandbox import SandboxTrackingProvider
from shequ.logistics.services import shipments_poll_due
from shequ.logistics.tasks import poll_tracking
from shequ.logistics.testing import paid_order, ship

pytestmark = pytest.mark.django_db
STEP = timedelta(minutes=10)  # SANDBOX_STEP_MINUTES


@pytest.fixture
def shipment(user, carriers, sandbox_payments):
    sku = make_product(skus=[{"list_price": "25.00"}]).skus.get()
    return ship(paid_order(user, lines=[(sku, 1)], province="广东省", city="广州市", district="天河区"))


def test_the_sandbox_parcel_travels_to_the_buyer_and_the_order_is_delivered(shipment):
    start = shipment.shipped_at

    first = shipments_poll_due(now=start + STEP * 1.5)
    shipment.refresh_from_db()
    assert first == {"polled": 1, "stored": 2, "failed": 0}
    assert shipment.status == ShipmentStatus.IN_TRANSIT
    assert "已揽收" in TrackingEvent.objects.order_by("occurred_at").first().description

    shipments_poll_due(now=start + STEP * 4.5)
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.OUT_FOR_DELIVERY
    assert TrackingEvent.objects.filter(description__contains="广州转运中心").exists()

    shipments_poll_due(now=start + STEP * 7)
    shipment.refresh_from_db()
    shipment.order.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    assert shipment.order.status == "delivered"
    descriptions = list(TrackingEvent.objects.order_by("occurred_at").values_list("description", flat=True))
    assert "已揽收" in descriptions[0] and "派送中" in descriptions[-2] and "已签收" in descriptions[-1]
    assert len(descriptions) == len(set(descriptions)) == 6  # each scan once, though asked three times


def test_a_shipment_asked_about_recently_waits_and_a_delivered_one_is_left_alone(shipment):
    now = shipment.shipped_at + STEP * 2

    assert shipments_poll_due(now=now)["polled"] == 1
    assert shipments_poll_due(now=now + timedelta(minutes=1))["polled"] == 0  # polled a minute ago
    shipments_poll_due(now=now + timedelta(hours=2))
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    assert shipments_poll_due(now=now + timedelta(hours=3))["polled"] == 0


def test_the_beat_task_runs_the_poller(shipment):
    Shipment.objects.filter(pk=shipment.pk).update(shipped_at=timezone.now() - timedelta(hours=3))

    result = poll_tracking.delay().get()

    assert result["polled"] == 1
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED


def test_a_failing_carrier_is_retried_later_and_does_not_stop_the_others(shipment, settings, monkeypatch):
    def broken(self, query, *, now):
        raise TrackingProviderError("carrier API timed out")

    monkeypatch.setattr(SandboxTrackingProvider, "fetch", broken)

    result = shipments_poll_due(now=shipment.shipped_at + STEP * 3)

    assert result == {"polled": 1, "stored": 0, "failed": 0}
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.CREATED and shipment.last_polled_at is not None


def test_a_push_only_carrier_is_not_polled(shipment, settings):
    settings.SHEQU_LOGISTICS = {"PROVIDERS": {"zto": "shequ.logistics.providers.kuaidi100.Kuaidi100Provider"}}

    assert shipments_poll_due(now=shipment.shipped_at + STEP * 9)["stored"] == 0
    assert not TrackingEvent.objects.exists()


def test_a_waybill_with_exc_has_a_failed_attempt_before_delivery():
    query = TrackingQuery(
        carrier_code="sf",
        carrier_name="顺丰速运",
        tracking_no="SFEXC123456",
        shipped_at=timezone.now() - timedelta(days=1),
        destination_city="北京市",
    )

    statuses = [u.status for u in SandboxTrackingProvider().fetch(query, now=timezone.now())]

    assert statuses[-3:] == ["exception", "out_for_delivery", "delivered"]
