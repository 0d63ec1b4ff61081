"""The points mall: redeem coupons, products and activity entries with points, once per click."""

from __future__ import annotations

import pytest

from shequ.campaigns.models import MallItem, MallRedemption
from shequ.campaigns.services import mall_redeem
from shequ.core.errors import Conflict, InvalidInput, NotFound
from shequ.coupons.models import IssuedCoupon
from shequ.orders.models import Order, OrderKind, OrderStatus


def test_redeem_a_coupon(user, give_points, balance, make_item):
    give_points(user, 250)
    item = make_item(points_cost=100)

    redeemed = mall_redeem(user=user, item_id=item.pk, idempotency_key="key-00001")

    assert redeemed.created
    assert balance(user) == 150
    issued = IssuedCoupon.objects.get(pk=redeemed.redemption.issued_coupon_id)
    assert (issued.user_id, issued.source) == (user.pk, "points")
    item.refresh_from_db()
    assert item.stock == 4


def test_a_double_click_spends_once(user, give_points, balance, make_item):
    give_points(user, 250)
    item = make_item(points_cost=100, per_user_limit=5)

    first = mall_redeem(user=user, item_id=item.pk, idempotency_key="same-key-1")
    second = mall_redeem(user=user, item_id=item.pk, idempotency_key="same-key-1")

    assert first.redemption.pk == second.redemption.pk and not second.created
    assert balance(user) == 150
    assert MallRedemption.objects.count() == 1


def test_too_few_points_changes_nothing(user, give_points, balance, make_item):
    give_points(user, 50)
    item = make_item(points_cost=100)

    with pytest.raises(Conflict) as exc:
        mall_redeem(user=user, item_id=item.pk, idempotency_key="key-00002")

    assert exc.value.code == "points_insufficient"
    assert balance(user) == 50
    assert not MallRedemption.objects.exists() and not IssuedCoupon.objects.exists()
    item.refresh_from_db()
    assert item.stock == 5


def test_sold_out_and_per_person_limit(user, make_user, give_points, balance, make_item):
    give_points(user, 1000)
    item = make_item(points_cost=100, stock=1, per_user_limit=1)
    mall_redeem(user=user, item_id=item.pk, idempotency_key="key-00003")

    with pytest.raises(Conflict) as exc:
        mall_redeem(user=user, item_id=item.pk, idempotency_key="key-00004")
    assert exc.value.code == "mall_sold_out"
    MallItem.objects.filter(pk=item.pk).update(stock=5)
    with pytest.raises(Conflict) as exc:
        mall_redeem(user=user, item_id=item.pk, idempotency_key="key-00005")
    assert exc.value.code == "mall_limit_reached"
    assert balance(user) == 900


def test_bad_input(user, give_points, make_item):
    give_points(user, 1000)
    item = make_item()
    with pytest.raises(InvalidInput):
        mall_redeem(user=user, item_id=item.pk, idempotency_key="")
    with pytest.raises(NotFound):
        mall_redeem(user=user, item_id=999999, idempotency_key="key-00006")
    MallItem.objects.filter(pk=item.pk).update(is_active=False)
    with pytest.raises(NotFound):
        mall_redeem(user=user, item_id=item.pk, idempotency_key="key-00007")


def test_redeem_a_product_places_a_free_points_order(
    user, shop, give_points, balance, make_item, django_capture_on_commit_callbacks
):
    from shequ.inventory.models import StockLevel

    give_points(user, 500)
    item = make_item(kind="product", points_cost=300)
    with pytest.raises(InvalidInput):
        mall_redeem(user=user, item_id=item.pk, idempotency_key="key-00008")

    redeemed = mall_redeem(user=user, item_id=item.pk, idempotency_key="key-00009", address_id=shop["address"].pk)

    order = Order.objects.get(pk=redeemed.redemption.order_id)
    assert (order.kind, order.total, order.status) == (OrderKind.POINTS, 0, OrderStatus.PAID)
    assert order.items.get().sku_id == shop["sku"].pk
    assert StockLevel.objects.get(sku=shop["sku"]).reserved == 1
    assert balance(user) == 200


def test_someone_elses_address_is_404_and_spends_nothing(user, make_user, shop, give_points, balance, make_item):
    from shequ.orders.testing import make_address

    other_address = make_address(make_user())
    give_points(user, 500)
    item = make_item(kind="product", points_cost=300)

    with pytest.raises(NotFound):
        mall_redeem(user=user, item_id=item.pk, idempotency_key="key-00010", address_id=other_address.pk)

    assert balance(user) == 500 and not MallRedemption.objects.exists() and not Order.objects.exists()


def test_activity_entry(user, give_points, make_item):
    give_points(user, 500)
    item = make_item(kind="activity", coupon_template=None, title="品鉴会")

    redemption = mall_redeem(user=user, item_id=item.pk, idempotency_key="key-00011").redemption

    assert (redemption.order_id, redemption.issued_coupon_id) == (None, None)


def test_pages_and_api(web_client, user, user_api, give_points, balance, make_item, django_assert_max_num_queries):
    give_points(user, 250)
    items = [make_item(title=f"券{n}") for n in range(4)]

    with django_assert_max_num_queries(10):
        page = web_client.get("/campaigns/mall/")
    assert page.status_code == 200 and "券3" in page.content.decode()
    assert web_client.get(f"/campaigns/mall/{items[0].pk}/").status_code == 200
    assert web_client.get("/campaigns/mall/999999/").status_code == 404

    posted = web_client.post(f"/campaigns/mall/{items[0].pk}/redeem/", {"idempotency_key": "page-key-1"})
    assert posted.status_code == 302
    assert "券0" in web_client.get("/campaigns/mall/history/").content.decode()

    api = user_api.api(
        "post", f"/campaigns/mall/{items[1].pk}/redeem", json={}, headers={"Idempotency-Key": "api-key-01"}
    )
    repeat = user_api.api(
        "post", f"/campaigns/mall/{items[1].pk}/redeem", json={}, headers={"Idempotency-Key": "api-key-01"}
    )
    broke = user_api.api(
        "post", f"/campaigns/mall/{items[2].pk}/redeem", json={}, headers={"Idempotency-Key": "api-key-02"}
    )
    assert api.status_code == 201 and repeat.status_code == 200 and repeat.json()["id"] == api.json()["id"]
    assert broke.status_code == 409 and broke.json()["code"] == "points_insufficient"
    assert balance(user) == 50
    listing = user_api.api("get", "/campaigns/mall")
    assert listing.json()["balance"] == 50 and len(listing.json()["items"]) == 4
    assert len(user_api.api("get", "/campaigns/mall/history").json()["items"]) == 2
