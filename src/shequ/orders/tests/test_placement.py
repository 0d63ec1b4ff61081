"""Placing orders: one transaction that prices on the server and takes stock, coupon and flash-sale allowance;
tampered input, stale quotes, replays and other people's ids are refused or harmless."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shequ.analytics.models import Event
from shequ.cart.models import CartItem
from shequ.cart.owner import CartOwner
from shequ.cart.services import cart_add_item
from shequ.core.errors import Conflict, InvalidInput, NotFound
from shequ.coupons.models import Coupon, CouponRedemption, RedemptionStatus
from shequ.coupons.services import coupon_save
from shequ.inventory.models import ReservationStatus, StockReservation
from shequ.notifications.models import Notification
from shequ.orders.models import FlashSale, FlashSalePurchase, Order, OrderKind, OrderStatus
from shequ.orders.services import CheckoutInput, order_place
from shequ.orders.testing import make_address

pytestmark = pytest.mark.django_db
D = Decimal


def test_placing_from_the_cart(user, shop, stock_of):
    sku = shop["sku"]
    item = cart_add_item(owner=CartOwner(user=user), sku_id=sku.pk, quantity=3)
    coupon_save(coupon=Coupon(code="OFF5", name="立减5元", kind="fixed", amount=D("5")))

    placed = order_place(
        user=user,
        checkout=CheckoutInput(coupon_code="off5", invoice={"type": "personal", "title": "王小明"}, note="放门口"),
        idempotency_key="key-0001",
    )

    order = placed.order
    assert placed.created
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert len(order.number) == 18 and order.number.isdigit()
    assert (order.items_total, order.coupon_discount, order.shipping_fee, order.total) == (
        D("30.00"),
        D("5.00"),
        D("10.00"),
        D("35.00"),
    )
    assert order.recipient == "王小明" and order.province == "上海市"
    assert order.payment_deadline - order.created_at == pytest.approx(timedelta(minutes=30), abs=timedelta(seconds=5))
    assert [(i.sku_id, i.quantity, i.unit_price) for i in order.items.all()] == [(sku.pk, 3, D("10.00"))]
    assert [e.kind for e in order.events.all()] == ["placed"]
    assert stock_of(sku) == (10, 3)
    assert StockReservation.objects.get(order_id=order.pk).status == ReservationStatus.RESERVED
    assert CouponRedemption.objects.get(order_id=order.pk).status == RedemptionStatus.HELD
    assert not CartItem.objects.filter(pk=item.pk).exists()
    assert Notification.objects.filter(user=user, kind="order_placed").exists()
    placed_event = Event.objects.get(name="order_placed")
    assert placed_event.properties["total"] == "35.00" and placed_event.properties["coupon_code"] == "OFF5"


def test_only_the_chosen_lines_leave_the_cart(user, shop):
    from shequ.catalog.testing import make_product

    other = make_product().skus.get()
    owner = CartOwner(user=user)
    bought = cart_add_item(owner=owner, sku_id=shop["sku"].pk)
    kept = cart_add_item(owner=owner, sku_id=other.pk)

    order_place(user=user, checkout=CheckoutInput(item_ids=(bought.pk,)))

    assert list(CartItem.objects.values_list("pk", flat=True)) == [kept.pk]


def test_buy_now_leaves_the_cart_alone(user, shop):
    kept = cart_add_item(owner=CartOwner(user=user), sku_id=shop["sku"].pk)

    order = order_place(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk, quantity=2)).order

    assert order.total == D("28.00")
    assert CartItem.objects.filter(pk=kept.pk).exists()


def test_the_same_idempotency_key_returns_the_same_order(user, shop, stock_of):
    first = order_place(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk), idempotency_key="double-click-1")
    second = order_place(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk), idempotency_key="double-click-1")

    assert (first.created, second.created) == (True, False)
    assert second.order.pk == first.order.pk
    assert Order.objects.count() == 1
    assert stock_of(shop["sku"]) == (10, 1)


def test_a_malformed_idempotency_key_is_refused(user, shop):
    with pytest.raises(InvalidInput) as caught:
        order_place(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk), idempotency_key="x' or 1=1")
    assert caught.value.code == "idempotency_key_invalid"


def test_a_changed_total_is_a_conflict_with_the_new_quote(user, shop):
    sku = shop["sku"]
    sku.list_price = D("11.00")
    sku.save()

    with pytest.raises(Conflict) as caught:
        order_place(user=user, checkout=CheckoutInput(sku_id=sku.pk), expected_total=D("18.00"))

    assert caught.value.code == "quote_changed"
    assert caught.value.details["quote"]["total"] == "19.00"
    assert not Order.objects.exists()
    assert order_place(user=user, checkout=CheckoutInput(sku_id=sku.pk), expected_total=D("19.00")).created


def test_out_of_stock_is_a_conflict_and_changes_nothing(user, shop, stock_of):
    with pytest.raises(Conflict) as caught:
        order_place(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk, quantity=11))

    assert caught.value.code == "out_of_stock"
    assert not Order.objects.exists()
    assert stock_of(shop["sku"]) == (10, 0)


def test_no_address_no_order(user, carrier, sku):
    with pytest.raises(InvalidInput) as caught:
        order_place(user=user, checkout=CheckoutInput(sku_id=sku.pk))
    assert caught.value.code == "address_required"


def test_an_empty_cart_places_nothing(user, shop):
    with pytest.raises(InvalidInput) as caught:
        order_place(user=user, checkout=CheckoutInput())
    assert caught.value.code == "cart_empty"


def test_someone_elses_address_is_404(user, shop, make_user):
    with pytest.raises(NotFound):
        order_place(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk, address_id=make_address(make_user()).pk))
    assert not Order.objects.exists()


def test_a_fully_discounted_order_is_paid_at_once(user, shop, carrier):
    carrier.rates.update(free_over=D("0"))
    coupon_save(coupon=Coupon(code="FREE", name="free", kind="fixed", amount=D("50")))

    order = order_place(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk, coupon_code="FREE")).order

    assert order.total == D("0.00")
    assert order.status == OrderStatus.PAID


# --- flash sales -----------------------------------------------------------------------------------------


@pytest.fixture
def flash(shop):
    now = timezone.now()
    return FlashSale.objects.create(
        sku=shop["sku"],
        title="秒杀",
        price=D("1.00"),
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(hours=1),
        per_user_limit=2,
        allotment=3,
    )


def test_flash_sale_price_limit_and_allotment(user, flash, make_user, stock_of):
    order = order_place(user=user, checkout=CheckoutInput(sku_id=flash.sku_id, quantity=2)).order

    assert order.kind == OrderKind.FLASH_SALE
    assert order.items_total == D("2.00")
    assert order.items.get().flash_sale_id == flash.pk
    flash.refresh_from_db()
    assert flash.sold == 2
    assert FlashSalePurchase.objects.get(user=user).quantity == 2

    with pytest.raises(Conflict) as caught:
        order_place(user=user, checkout=CheckoutInput(sku_id=flash.sku_id, quantity=1))
    assert caught.value.code == "flash_sale_limit"

    other = make_user()
    make_address(other)
    with pytest.raises(Conflict) as caught:
        order_place(user=other, checkout=CheckoutInput(sku_id=flash.sku_id, quantity=2))
    assert caught.value.code == "out_of_stock"  # one unit left in the sale
    assert order_place(user=other, checkout=CheckoutInput(sku_id=flash.sku_id, quantity=1)).created
    assert stock_of(flash.sku) == (10, 3)


def test_cancelling_gives_the_flash_allowance_back(user, flash):
    from shequ.orders.services import order_cancel

    order = order_place(user=user, checkout=CheckoutInput(sku_id=flash.sku_id, quantity=2)).order
    order_cancel(order=order, actor=user)

    flash.refresh_from_db()
    assert flash.sold == 0
    assert FlashSalePurchase.objects.get(user=user).quantity == 0
    assert order_place(user=user, checkout=CheckoutInput(sku_id=flash.sku_id, quantity=2)).created


def test_after_the_window_the_regular_price_applies(user, flash):
    flash.ends_at = timezone.now() - timedelta(seconds=1)
    flash.starts_at = flash.ends_at - timedelta(hours=1)
    flash.save()

    order = order_place(user=user, checkout=CheckoutInput(sku_id=flash.sku_id, quantity=3)).order

    assert order.kind == OrderKind.NORMAL and order.items_total == D("30.00")


# --- API ---------------------------------------------------------------------------------------------------


def test_place_api_ignores_tampered_prices(user_api, shop):
    response = user_api.api(
        "post",
        "/orders",
        json={"sku_id": shop["sku"].pk, "quantity": 2, "unit_price": "0.01", "total": "0.01", "items_total": "0"},
        headers={"Idempotency-Key": "tamper-0001"},
    )

    assert response.status_code == 201
    assert response.json()["total"] == "28.00"
    assert Order.objects.get().total == D("28.00")


def test_place_api_replay_returns_200_with_the_same_order(user_api, shop):
    payload = {"sku_id": shop["sku"].pk}
    first = user_api.api("post", "/orders", json=payload, headers={"Idempotency-Key": "replay-0001"})
    second = user_api.api("post", "/orders", json=payload, headers={"Idempotency-Key": "replay-0001"})

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["number"] == second.json()["number"]
    assert Order.objects.count() == 1


def test_place_api_stale_expected_total_is_409(user_api, shop):
    response = user_api.api("post", "/orders", json={"sku_id": shop["sku"].pk, "expected_total": "9.99"})

    assert response.status_code == 409
    assert response.json()["code"] == "quote_changed"
    assert response.json()["details"]["quote"]["total"] == "18.00"
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"quantity": -2}, 400, "quantity_invalid"),
        ({"quantity": 11}, 409, "out_of_stock"),
        ({"carrier_code": "teleport"}, 400, "carrier_unavailable"),
        ({"address_id": 99999}, 404, "address_not_found"),
        ({"expected_total": "abc"}, 422, "invalid_input"),
    ],
)
def test_place_api_bad_input_changes_nothing(user_api, shop, stock_of, payload, status, code):
    response = user_api.api("post", "/orders", json={"sku_id": shop["sku"].pk, **payload})

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not Order.objects.exists()
    assert stock_of(shop["sku"]) == (10, 0)


def test_place_api_someone_elses_coupon_use_is_counted_per_person(user_api, shop, make_user):
    coupon = coupon_save(coupon=Coupon(code="MINE", name="m", kind="fixed", amount=D("1"), per_user_limit=1))
    from shequ.coupons.services import coupon_hold

    coupon_hold(coupon=coupon, user=make_user(), order_id=10**9, discount=D("1"))

    response = user_api.api("post", "/orders", json={"sku_id": shop["sku"].pk, "coupon_code": "MINE"})
    assert response.status_code == 201
    assert response.json()["coupon_discount"] == "1.00"


def test_a_sold_out_sku_is_refused_from_the_cache_until_stock_comes_back(
    user, shop, make_user, django_capture_on_commit_callbacks, django_assert_num_queries, settings
):
    from shequ.orders.services import order_cancel

    settings.SHEQU_ORDERS = {**settings.SHEQU_ORDERS, "SOLD_OUT_SECONDS": 60}  # the slow test machine

    with django_capture_on_commit_callbacks(execute=True):
        order = order_place(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk, quantity=10)).order
    latecomer = make_user()
    make_address(latecomer)

    with django_assert_num_queries(0), pytest.raises(Conflict) as caught:
        order_place(user=latecomer, checkout=CheckoutInput(sku_id=shop["sku"].pk))
    assert caught.value.code == "out_of_stock"

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, actor=user)
    assert order_place(user=latecomer, checkout=CheckoutInput(sku_id=shop["sku"].pk)).created


def test_with_tasks_in_process_an_async_buy_now_is_placed_before_the_answer(user_api, flash):
    """The embedded default has no workers to queue for (orders/order_queue.py): Prefer: respond-async still
    gets the order itself, 201."""
    answer = user_api.api(
        "post", "/orders", json={"sku_id": flash.sku_id, "quantity": 1}, headers={"Prefer": "respond-async"}
    )

    assert answer.status_code == 201
    assert answer.json()["items_total"] == "1.00"  # the flash price
    assert "Preference-Applied" not in answer
