"""The carriers console: fee tables inline, the webhook secret never shown back; shipments with their events."""

from datetime import timedelta

import pytest
from django.test import Client

from shequ.audit.models import AuditEntry
from shequ.catalog.testing import make_product
from shequ.logistics.models import Carrier, ShippingRate, TrackingEvent
from shequ.logistics.testing import paid_order, ship

pytestmark = pytest.mark.django_db


@pytest.fixture
def console(make_user):
    client = Client()
    client.force_login(make_user(is_staff=True, is_superuser=True), backend="django.contrib.auth.backends.ModelBackend")
    return client


def carrier_form(**changes):
    data = {
        "code": "dbl",
        "name": "德邦快递",
        "name_en": "Deppon",
        "delivery_days": "2–4",
        "tracking_url": "https://www.kuaidi100.com/chaxun?com=debangkuaidi&nu={tracking_no}",
        "webhook_secret": "a-very-long-secret-value",
        "is_active": "on",
        "position": "9",
        "rates-TOTAL_FORMS": "2",
        "rates-INITIAL_FORMS": "0",
        "rates-MIN_NUM_FORMS": "0",
        "rates-MAX_NUM_FORMS": "1000",
        "rates-0-provinces": "江苏, 浙江省，上海",
        "rates-0-first_weight_grams": "1000",
        "rates-0-first_fee": "9",
        "rates-0-extra_unit_grams": "1000",
        "rates-0-extra_fee": "2",
        "rates-0-free_over": "",
        "rates-1-provinces": "",
        "rates-1-first_weight_grams": "1000",
        "rates-1-first_fee": "12",
        "rates-1-extra_unit_grams": "1000",
        "rates-1-extra_fee": "5",
        "rates-1-free_over": "99",
    }
    data.update(changes)
    return data


def test_adding_a_carrier_with_its_fee_table(console):
    response = console.post("/admin/logistics/carrier/add/", carrier_form())

    assert response.status_code == 302, response.content.decode()[:2000]
    carrier = Carrier.objects.get(code="dbl")
    assert carrier.webhook_secret == "a-very-long-secret-value"
    assert sorted(tuple(r.provinces) for r in ShippingRate.objects.filter(carrier=carrier)) == [
        (),
        ("上海市", "江苏省", "浙江省"),
    ]
    assert AuditEntry.objects.filter(target_type="logistics.carrier", action="create").exists()
    assert "webhook_secret" in AuditEntry.objects.get(target_type="logistics.carrier").changes
    assert AuditEntry.objects.get(target_type="logistics.carrier").changes["webhook_secret"] == "***"


def test_the_secret_is_never_shown_and_kept_when_left_empty(console):
    console.post("/admin/logistics/carrier/add/", carrier_form())
    carrier = Carrier.objects.get(code="dbl")

    page = console.get(f"/admin/logistics/carrier/{carrier.pk}/change/").content.decode()
    assert "a-very-long-secret-value" not in page

    data = carrier_form(webhook_secret="", **{"rates-TOTAL_FORMS": "0"})
    console.post(f"/admin/logistics/carrier/{carrier.pk}/change/", data)
    carrier.refresh_from_db()
    assert carrier.webhook_secret == "a-very-long-secret-value"
    assert "webhook_secret" not in AuditEntry.objects.filter(action="update").latest("id").changes


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rates-0-provinces", "火星"),
        ("rates-0-extra_unit_grams", "0"),
        ("tracking_url", "javascript:alert(1)"),
        ("tracking_url", "https://example.com/no-placeholder"),
        ("webhook_secret", "short"),
    ],
)
def test_bad_carrier_input_is_refused(console, field, value):
    response = console.post("/admin/logistics/carrier/add/", carrier_form(**{field: value}))

    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not Carrier.objects.filter(code="dbl").exists()


def test_a_shipment_page_shows_its_events_and_can_ask_the_carrier_now(console, user, sandbox_payments):
    from shequ.logistics.testing import seed_carriers

    seed_carriers()
    sku = make_product(skus=[{"list_price": "25.00"}]).skus.get()
    shipment = ship(paid_order(user, lines=[(sku, 1)]))
    type(shipment).objects.filter(pk=shipment.pk).update(shipped_at=shipment.shipped_at - timedelta(minutes=25))

    response = console.post("/admin/logistics/shipment/", {"action": "poll_now", "_selected_action": [shipment.pk]})

    assert response.status_code == 302
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 3
    page = console.get(f"/admin/logistics/shipment/{shipment.pk}/change/").content.decode()
    assert "已揽收" in page
