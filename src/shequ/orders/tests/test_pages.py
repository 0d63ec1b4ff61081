"""The checkout and order pages (HTMX): quote updates, placing, prices that changed, actions, records."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shequ.cart.owner import CartOwner
from shequ.cart.services import cart_add_item
from shequ.coupons.models import Coupon
from shequ.coupons.services import coupon_save
from shequ.orders.models import Order, OrderStatus
from shequ.orders.services import order_ship
from shequ.orders.testing import make_address, mark_paid, place_order

pytestmark = pytest.mark.django_db


def field(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def test_checkout_page_shows_an_itemised_quote(web_client, user, shop):
    cart_add_item(owner=CartOwner(user=user), sku_id=shop["sku"].pk, quantity=2)

    page = web_client.get("/checkout/")

    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="items-total">¥20.00' in html
    assert 'data-testid="shipping-fee">¥8.00' in html
    assert 'data-testid="total">¥28.00' in html
    assert 'data-testid="delivery-option"' in html


def test_checkout_needs_login(client):
    response = client.get("/checkout/?sku_id=1")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_applying_a_coupon_updates_the_quote(web_client, shop):
    coupon_save(coupon=Coupon(code="OFF3", name="立减3元", kind="fixed", amount=Decimal("3")))
    params = {"sku_id": shop["sku"].pk, "quantity": 1, "coupon_code": "off3"}

    applied = web_client.post("/checkout/quote/", params, HTTP_HX_REQUEST="true").content.decode()
    wrong = web_client.post("/checkout/quote/", {**params, "coupon_code": "NOPE"}, HTTP_HX_REQUEST="true")

    assert 'data-testid="coupon-discount">−¥3.00' in applied
    assert 'data-testid="total">¥15.00' in applied
    assert 'data-testid="coupon-error"' in wrong.content.decode()


def test_place_order_goes_to_the_pay_page(web_client, shop):
    page = web_client.get(f"/checkout/?sku_id={shop['sku'].pk}&quantity=2").content.decode()

    response = web_client.post(
        "/checkout/place/",
        {
            "sku_id": shop["sku"].pk,
            "quantity": 2,
            "expected_total": field(page, "expected_total"),
            "idempotency_key": field(page, "idempotency_key"),
        },
    )

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/payments/pay/{order.number}/"
    assert order.total == Decimal("28.00")


def test_double_clicking_place_order_makes_one_order(web_client, shop):
    page = web_client.get(f"/checkout/?sku_id={shop['sku'].pk}").content.decode()
    form = {
        "sku_id": shop["sku"].pk,
        "expected_total": field(page, "expected_total"),
        "idempotency_key": field(page, "idempotency_key"),
    }

    first = web_client.post("/checkout/place/", form)
    second = web_client.post("/checkout/place/", form)

    assert first["Location"] == second["Location"]
    assert Order.objects.count() == 1


def test_a_price_change_is_shown_before_placing(web_client, shop):
    page = web_client.get(f"/checkout/?sku_id={shop['sku'].pk}").content.decode()
    sku = shop["sku"]
    sku.list_price = Decimal("12.00")
    sku.save()

    response = web_client.post(
        "/checkout/place/",
        {"sku_id": sku.pk, "expected_total": field(page, "expected_total"), "idempotency_key": "k-123456789"},
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert 'data-testid="checkout-error"' in html
    assert 'data-testid="total">¥20.00' in html
    assert field(html, "expected_total") == "20.00"
    assert not Order.objects.exists()


def test_tampered_hidden_fields_do_not_change_the_price(web_client, shop):
    response = web_client.post(
        "/checkout/place/", {"sku_id": shop["sku"].pk, "quantity": 1, "total": "0.01", "unit_price": "0.01"}
    )
    assert response.status_code == 302
    assert Order.objects.get().total == Decimal("18.00")


def test_negative_quantity_on_the_web_is_refused(web_client, shop):
    response = web_client.post("/checkout/place/", {"sku_id": shop["sku"].pk, "quantity": -4})

    assert response.status_code == 400
    assert not Order.objects.exists()


def test_orders_list_with_tabs(web_client, user, shop):
    unpaid = place_order(user, lines=[(shop["sku"], 1)])
    paid = mark_paid(place_order(user, lines=[(shop["sku"], 1)]))

    everything = web_client.get("/orders/").content.decode()
    to_ship = web_client.get("/orders/?status=to_ship").content.decode()

    assert unpaid.number in everything and paid.number in everything
    assert paid.number in to_ship and unpaid.number not in to_ship


def test_orders_page_query_count_does_not_grow(web_client, user, shop):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert web_client.get("/orders/").status_code == 200
        return len(captured)

    place_order(user, lines=[(shop["sku"], 1)])
    queries()  # warm up
    few = queries()
    for _ in range(8):
        place_order(user, lines=[(shop["sku"], 1)])
    # session + user (database sessions only), tab counts, page count, page, items, the page view event
    assert queries() == few <= 7


def test_order_detail_and_actions(web_client, user, shop):
    order = place_order(user, lines=[(shop["sku"], 1)])

    html = web_client.get(f"/orders/{order.number}/").content.decode()
    assert 'data-testid="order-pay"' in html
    assert f"/payments/pay/{order.number}/" in html

    web_client.post(f"/orders/{order.number}/cancel/", {"reason": "买错了"})
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert 'data-kind="cancelled"' in web_client.get(f"/orders/{order.number}/").content.decode()


def test_shipped_order_shows_tracking_and_confirm(web_client, user, shop):
    order = mark_paid(place_order(user, lines=[(shop["sku"], 1)]))
    order_ship(order=order, carrier_code="std", tracking_no="SF9876543210")

    html = web_client.get(f"/orders/{order.number}/").content.decode()

    assert 'data-testid="tracking"' in html and "SF9876543210" in html
    assert 'data-testid="order-aftersales"' in html
    assert 'data-testid="order-cancel"' not in html


def test_someone_elses_order_pages_are_404(web_client, make_user, shop):
    stranger = make_user()
    make_address(stranger)
    theirs = place_order(stranger, lines=[(shop["sku"], 1)])

    assert web_client.get(f"/orders/{theirs.number}/").status_code == 404
    assert web_client.post(f"/orders/{theirs.number}/cancel/").status_code == 404
    assert web_client.get(f"/orders/{theirs.number}/address/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == OrderStatus.PENDING_PAYMENT


def test_change_address_page(web_client, user, shop):
    order = place_order(user, lines=[(shop["sku"], 1)])
    office = make_address(user, province="北京市", city="北京市", district="朝阳区", detail="建国路88号")

    assert web_client.get(f"/orders/{order.number}/address/").status_code == 200
    response = web_client.post(f"/orders/{order.number}/address/", {"address_id": office.pk})

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.city == "北京市"
    bad = web_client.post(f"/orders/{order.number}/address/", {"address_id": "99999"})
    assert bad.status_code == 404


def test_records_page(web_client, user, shop):
    order = mark_paid(place_order(user, lines=[(shop["sku"], 2)]))

    html = web_client.get("/orders/records/").content.decode()

    assert order.number in html
    assert 'data-testid="records-spent">¥28.00' in html


def test_the_cart_tab_is_in_the_tab_bar(web_client):
    html = web_client.get("/orders/").content.decode()
    assert 'data-testid="tab-cart"' in html and 'data-testid="tab-categories"' in html
