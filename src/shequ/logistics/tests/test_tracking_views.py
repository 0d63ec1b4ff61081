"""The buyer's tracking timeline: API, HTMX partial and page; other people's parcels are 404."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import Client

from shequ.analytics.models import Event
from shequ.catalog.testing import make_product
from shequ.logistics.selectors import shipments_for_order
from shequ.logistics.services import shipments_poll_due
from shequ.logistics.testing import paid_order, ship

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipment(user, carriers, sandbox_payments):
    sku = make_product(skus=[{"list_price": "25.00"}]).skus.get()
    shipment = ship(paid_order(user, lines=[(sku, 1)]), tracking_no="ZT5550001111")
    shipments_poll_due(now=shipment.shipped_at + timedelta(minutes=45))
    return shipment


def test_the_api_shows_my_parcel_with_its_timeline_newest_first(user_api, shipment, user):
    response = user_api.api("get", f"/logistics/shipments/{shipment.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["tracking_no"] == "ZT5550001111" and body["carrier_code"] == "zto"
    assert body["status"] == "out_for_delivery" and body["order_number"] == shipment.order.number
    assert "kuaidi100.com" in body["tracking_url"] and body["tracking_url"].endswith("ZT5550001111")
    times = [e["occurred_at"] for e in body["events"]]
    assert times == sorted(times, reverse=True) and len(times) == 5
    assert Event.objects.filter(user_id=user.pk, name="tracking_viewed").count() == 1


def test_someone_elses_parcel_is_404(api_for, make_user, shipment, anon_api):
    response = api_for(make_user()).api("get", f"/logistics/shipments/{shipment.pk}")

    assert response.status_code == 404 and response.json()["code"] == "shipment_not_found"
    assert anon_api.api("get", f"/logistics/shipments/{shipment.pk}").status_code == 401


def test_the_tracking_page_and_partial(web_client, shipment):
    page = web_client.get(f"/logistics/shipments/{shipment.pk}/")
    partial = web_client.get(f"/logistics/shipments/{shipment.pk}/", headers={"HX-Request": "true"})

    assert page.status_code == 200 and "<html" in page.content.decode()
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    html = partial.content.decode()
    assert "ZT5550001111" in html and "派送中" in html and html.count('data-testid="tracking-event"') == 5


def test_the_tracking_page_of_someone_elses_parcel_is_404(make_user, shipment):
    client = Client()
    client.force_login(make_user(), backend="django.contrib.auth.backends.ModelBackend")

    assert client.get(f"/logistics/shipments/{shipment.pk}/").status_code == 404


def test_the_partial_for_an_order_page_runs_two_queries_however_many_events(shipment, django_assert_num_queries):
    order = shipment.order
    with django_assert_num_queries(2):
        html = render_to_string("logistics/_tracking.html", {"shipments": shipments_for_order(order=order)})

    assert html.count('data-testid="shipment"') == 1 and "ZT5550001111" in html


def test_the_partial_says_when_nothing_was_shipped():
    html = render_to_string("logistics/_tracking.html", {"shipments": []})

    assert 'data-testid="tracking-none"' in html


def test_delivery_options_api(anon_api, carriers):
    response = anon_api.api("get", "/logistics/delivery-options?province=浙江&weight_grams=800&items_total=120")

    assert response.status_code == 200
    first = response.json()[0]
    assert first == {"carrier_code": "zto", "name": "中通快递", "fee": "0.00", "free": True, "delivery_days": "2–4"}


def test_delivery_options_api_bad_input(anon_api, carriers):
    response = anon_api.api("get", "/logistics/delivery-options?province=火星&weight_grams=800&items_total=10")
    assert response.status_code == 400 and response.json()["code"] == "province_unknown"
    assert (
        anon_api.api("get", "/logistics/delivery-options?province=浙江&weight_grams=-5&items_total=1").status_code
        == 422
    )


def test_carriers_api_in_english(anon_api, carriers):
    response = anon_api.api("get", "/logistics/carriers", headers={"Accept-Language": "en"})

    assert [c["name"] for c in response.json()][:2] == ["ZTO Express", "YTO Express"]
