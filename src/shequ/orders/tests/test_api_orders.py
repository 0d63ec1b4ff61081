"""Orders API: list with status filter and pagination at a fixed query count, detail, actions; other people's
order numbers are 404 and bad input changes nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shequ.orders.models import Order, OrderStatus
from shequ.orders.services import order_apply_refund, order_mark_delivered, order_ship
from shequ.orders.testing import make_address, mark_paid, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(user, shop):
    """Three orders: unpaid, paid, cancelled-by-clock."""
    unpaid = place_order(user, lines=[(shop["sku"], 1)])
    paid = mark_paid(place_order(user, lines=[(shop["sku"], 2)]))
    late = place_order(user, lines=[(shop["sku"], 1)])
    Order.objects.filter(pk=late.pk).update(payment_deadline=timezone.now() - timedelta(minutes=1))
    from shequ.orders.services import orders_cancel_overdue

    orders_cancel_overdue()
    return {"unpaid": unpaid, "paid": paid, "late": late}


def test_list_filters_by_status_or_tab(user_api, orders):
    everything = user_api.api("get", "/orders").json()
    assert everything["count"] == 3
    assert [o["number"] for o in everything["items"]] == [
        orders["late"].number,
        orders["paid"].number,
        orders["unpaid"].number,
    ]

    to_pay = user_api.api("get", "/orders?status=unpaid").json()
    assert [o["number"] for o in to_pay["items"]] == [orders["unpaid"].number]
    assert to_pay["items"][0]["actions"]["pay"] is True
    assert to_pay["items"][0]["payment_deadline"] is not None

    cancelled = user_api.api("get", "/orders?status=cancelled").json()
    assert [o["status"] for o in cancelled["items"]] == ["cancelled"]


def test_list_paginates(user_api, orders):
    page = user_api.api("get", "/orders?page=2&page_size=2").json()
    assert (page["count"], page["page"], page["pages"], len(page["items"])) == (3, 2, 2, 1)
    assert user_api.api("get", "/orders?page_size=500").status_code == 422


@pytest.mark.parametrize("page_size", [1, 5, 20])
def test_list_query_count_is_fixed(user_api, user, shop, page_size, django_assert_num_queries):
    for _ in range(6):
        place_order(user, lines=[(shop["sku"], 1)])
    # the token (with its user) + count + page + items, whatever the page size
    with django_assert_num_queries(4):
        response = user_api.api("get", f"/orders?page_size={page_size}")
    assert len(response.json()["items"]) == min(page_size, 6)


def test_list_shows_only_my_orders(user_api, orders, make_user, shop):
    stranger = make_user()
    make_address(stranger)
    place_order(stranger, lines=[(shop["sku"], 1)])

    assert user_api.api("get", "/orders").json()["count"] == 3


def test_detail_itemised(user_api, orders):
    body = user_api.api("get", f"/orders/{orders['paid'].number}").json()

    assert body["status"] == "paid"
    assert (body["items_total"], body["shipping_fee"], body["total"]) == ("20.00", "8.00", "28.00")
    assert body["address"]["phone_masked"] == "139****5678"
    assert [e["kind"] for e in body["events"]] == ["placed", "paid"]
    assert body["actions"] == {
        "pay": False,
        "cancel": True,
        "change_address": True,
        "confirm_receipt": False,
        "after_sales": True,
    }


def test_detail_of_someone_elses_order_is_404(api_for, make_user, orders):
    stranger = api_for(make_user())
    for number in (orders["paid"].number, "999999999999999999", "../../etc"):
        response = stranger.api("get", f"/orders/{number}")
        assert response.status_code == 404
        assert response.json()["code"] in ("order_not_found", "not_found")


def test_cancel_endpoint(user_api, orders, stock_of, shop):
    response = user_api.api("post", f"/orders/{orders['unpaid'].number}/cancel", json={"reason": "买错了"})

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert stock_of(shop["sku"]) == (10, 2)

    again = user_api.api("post", f"/orders/{orders['unpaid'].number}/cancel", json={})
    assert (again.status_code, again.json()["code"]) == (409, "order_not_cancellable")


def test_cancel_someone_elses_order_is_404(api_for, make_user, orders):
    response = api_for(make_user()).api("post", f"/orders/{orders['unpaid'].number}/cancel", json={})

    assert response.status_code == 404
    orders["unpaid"].refresh_from_db()
    assert orders["unpaid"].status == OrderStatus.PENDING_PAYMENT


def test_change_address_endpoint(user_api, user, orders, make_user):
    office = make_address(user, province="浙江省", city="杭州市", district="西湖区", detail="文三路100号")
    theirs = make_address(make_user())

    changed = user_api.api("post", f"/orders/{orders['paid'].number}/address", json={"address_id": office.pk})
    assert changed.status_code == 200 and changed.json()["address"]["province"] == "浙江省"

    stolen = user_api.api("post", f"/orders/{orders['paid'].number}/address", json={"address_id": theirs.pk})
    assert stolen.status_code == 404
    bad = user_api.api("post", f"/orders/{orders['paid'].number}/address", json={"address_id": "x"})
    assert bad.status_code == 422


def test_confirm_endpoint(user_api, orders, carrier):
    order = orders["paid"]
    early = user_api.api("post", f"/orders/{order.number}/confirm")
    assert (early.status_code, early.json()["code"]) == (409, "illegal_transition")

    order_ship(order=order, carrier_code="std", tracking_no="YT1234567890")
    order_mark_delivered(order_id=order.pk, delivered_at=timezone.now())

    assert user_api.api("post", f"/orders/{order.number}/confirm").json()["status"] == "completed"


def test_records(user_api, user, orders):
    order_apply_refund(order_id=orders["paid"].pk, amount=Decimal("5.00"), items=None, reference="AS-1")

    body = user_api.api("get", "/orders/records").json()

    assert [p["number"] for p in body["purchases"]] == [orders["paid"].number]
    assert body["refunds"][0]["amount"] == "5.00"
    assert (body["spent"], body["refunded"]) == ("28.00", "5.00")


def test_orders_api_needs_login(anon_api):
    assert anon_api.api("get", "/orders").status_code == 401
    assert anon_api.api("post", "/orders", json={}).status_code == 401
