"""After placing: the state machine, payment, cancellation (buyer and clock), address changes, shipping,
delivery, confirmation (buyer and clock) and refunds — each with its timeline event and notification."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shequ.core.errors import Conflict, NotFound
from shequ.coupons.models import Coupon, CouponRedemption, RedemptionStatus
from shequ.coupons.services import coupon_save
from shequ.inventory.models import ReservationStatus, StockReservation
from shequ.notifications.models import Notification
from shequ.orders import state
from shequ.orders.models import Order, OrderItem, OrderStatus
from shequ.orders.services import (
    order_apply_refund,
    order_cancel,
    order_change_address,
    order_confirm_receipt,
    order_mark_delivered,
    order_mark_paid,
    order_refund_closed,
    order_refund_requested,
    order_ship,
    orders_auto_confirm,
    orders_cancel_overdue,
)
from shequ.orders.testing import make_address, mark_paid, place_order

pytestmark = pytest.mark.django_db
D = Decimal
S = OrderStatus


@pytest.fixture
def order(user, shop):
    return place_order(user, lines=[(shop["sku"], 2)])


def kinds(order) -> list[str]:
    return list(order.events.order_by("created_at", "id").values_list("kind", flat=True))


# --- the state machine -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "to", "legal"),
    [
        (S.PENDING_PAYMENT, S.PAID, True),
        (S.PENDING_PAYMENT, S.CANCELLED, True),
        (S.PENDING_PAYMENT, S.SHIPPED, False),
        (S.PAID, S.SHIPPED, True),
        (S.PAID, S.CANCELLED, False),
        (S.SHIPPED, S.DELIVERED, True),
        (S.SHIPPED, S.COMPLETED, False),
        (S.DELIVERED, S.COMPLETED, True),
        (S.COMPLETED, S.REFUNDING, True),
        (S.REFUNDING, S.REFUNDED, True),
        (S.REFUNDED, S.PAID, False),
        (S.CANCELLED, S.PAID, False),
        (S.CANCELLED, S.PENDING_PAYMENT, False),
    ],
)
def test_transition_table(current, to, legal):
    assert state.can_transition(current, to) is legal


def test_illegal_transition_is_a_conflict_and_changes_nothing(order):
    with pytest.raises(Conflict) as caught:
        state.transition(order, S.SHIPPED)

    assert caught.value.code == "illegal_transition"
    order.refresh_from_db()
    assert order.status == S.PENDING_PAYMENT
    assert kinds(order) == ["placed"]


# --- payment ---------------------------------------------------------------------------------------------


def test_mark_paid_is_idempotent_and_uses_the_coupon(user, shop):
    coupon_save(coupon=Coupon(code="C1", name="c", kind="fixed", amount=D("1")))
    order = place_order(user, lines=[(shop["sku"], 1)], coupon_code="C1")
    at = timezone.now() - timedelta(minutes=1)

    paid = order_mark_paid(order_id=order.pk, amount=D("17.00"), provider="sandbox", paid_at=at, payment_ref="P1")
    again = order_mark_paid(order_id=order.pk, amount=D("17.00"), provider="sandbox", paid_at=at, payment_ref="P1")

    assert paid.status == again.status == S.PAID
    assert paid.paid_at == at
    assert kinds(order) == ["placed", "paid"]
    assert CouponRedemption.objects.get(order_id=order.pk).status == RedemptionStatus.USED
    assert Notification.objects.filter(user=user, kind="order_paid").count() == 1


def test_mark_paid_refuses_a_wrong_amount(order):
    with pytest.raises(Conflict) as caught:
        order_mark_paid(
            order_id=order.pk, amount=order.total - D("0.01"), provider="x", paid_at=timezone.now(), payment_ref="P"
        )
    assert caught.value.code == "amount_mismatch"
    order.refresh_from_db()
    assert order.status == S.PENDING_PAYMENT


def test_a_cancelled_order_cannot_be_paid(order, user):
    order_cancel(order=order, actor=user)

    with pytest.raises(Conflict) as caught:
        mark_paid(order)
    assert caught.value.code == "order_not_payable"


def test_unknown_order_is_404():
    with pytest.raises(NotFound):
        order_mark_paid(order_id=123456, amount=D("1"), provider="x", paid_at=timezone.now(), payment_ref="P")


# --- cancellation ----------------------------------------------------------------------------------------


def test_buyer_cancels_an_unpaid_order(order, user, shop, stock_of):
    coupon = coupon_save(coupon=Coupon(code="C2", name="c", kind="fixed", amount=D("1")))
    from shequ.coupons.services import coupon_hold

    coupon_hold(coupon=coupon, user=user, order_id=order.pk, discount=D("1"))

    cancelled = order_cancel(order=order, actor=user, reason="买错了")

    assert cancelled.status == S.CANCELLED and cancelled.cancelled_at is not None
    assert cancelled.cancel_reason == "买错了"
    assert stock_of(shop["sku"]) == (10, 0)
    assert StockReservation.objects.get(order_id=order.pk).status == ReservationStatus.RELEASED
    assert CouponRedemption.objects.get(order_id=order.pk).status == RedemptionStatus.RELEASED
    assert kinds(order) == ["placed", "cancelled"]
    assert Notification.objects.filter(kind="order_cancelled").exists()


def test_a_shipped_order_cannot_be_cancelled(order, carrier):
    mark_paid(order)
    order_ship(order=order, carrier_code="std", tracking_no="SF1234567890")

    with pytest.raises(Conflict) as caught:
        order_cancel(order=order, actor=order.user)
    assert caught.value.code == "order_not_cancellable"


def test_cancelling_a_paid_order_releases_stock_and_refunds(
    user, shop, stock_of, settings, django_capture_on_commit_callbacks
):
    settings.SHEQU_PAYMENTS = {**settings.SHEQU_PAYMENTS, "SANDBOX_ENABLED": True}
    from shequ.payments.services import payment_sandbox_complete, payment_start

    order = place_order(user, lines=[(shop["sku"], 2)])
    start = payment_start(order=order, provider="sandbox", return_url="/")
    payment_sandbox_complete(user=user, out_trade_no=start.payment.out_trade_no, succeed=True)

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=Order.objects.get(pk=order.pk), actor=user, reason="不想要了")

    order.refresh_from_db()
    assert stock_of(shop["sku"]) == (10, 0)
    assert order.status == S.REFUNDED
    assert order.refunded_total == order.total
    assert order.cancelled_at is not None
    assert kinds(order) == ["placed", "paid", "refund_requested", "refunded"]


def test_the_clock_cancels_overdue_unpaid_orders_only(user, shop, stock_of):
    overdue = place_order(user, lines=[(shop["sku"], 1)])
    fresh = place_order(user, lines=[(shop["sku"], 1)])
    paid = mark_paid(place_order(user, lines=[(shop["sku"], 1)]))
    Order.objects.filter(pk__in=[overdue.pk, paid.pk]).update(payment_deadline=timezone.now() - timedelta(seconds=1))

    assert orders_cancel_overdue() == 1
    assert orders_cancel_overdue() == 0

    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses == {overdue.pk: S.CANCELLED, fresh.pk: S.PENDING_PAYMENT, paid.pk: S.PAID}
    assert stock_of(shop["sku"]) == (10, 2)
    assert kinds(overdue)[-1] == "timeout"
    assert Notification.objects.filter(kind="order_timeout").count() == 1


def test_the_timeout_is_configurable(user, shop, settings):
    settings.SHEQU_ORDERS = {**settings.SHEQU_ORDERS, "PAYMENT_TIMEOUT_MINUTES": 5}
    order = place_order(user, lines=[(shop["sku"], 1)])

    assert orders_cancel_overdue(now=timezone.now() + timedelta(minutes=4)) == 0
    assert orders_cancel_overdue(now=timezone.now() + timedelta(minutes=6)) == 1
    order.refresh_from_db()
    assert order.status == S.CANCELLED


def test_the_beat_schedule_runs_the_tasks(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["orders.cancel_overdue"]["task"] == "orders.cancel_overdue"
    assert schedule["orders.auto_confirm"]["task"] == "orders.auto_confirm"
    from shequ.orders.tasks import auto_confirm, cancel_overdue

    assert cancel_overdue.apply().get() == 0
    assert auto_confirm.apply().get() == 0


# --- address ---------------------------------------------------------------------------------------------


def test_change_address_before_shipping(order, user):
    office = make_address(user, province="北京市", city="北京市", district="朝阳区", detail="建国路88号SOHO")

    changed = order_change_address(order=order, user=user, address_id=office.pk)

    assert (changed.province, changed.detail) == ("北京市", "建国路88号SOHO")
    assert kinds(order) == ["placed", "address_changed"]


def test_change_address_to_someone_elses_is_404(order, user, make_user):
    with pytest.raises(NotFound):
        order_change_address(order=order, user=user, address_id=make_address(make_user()).pk)
    order.refresh_from_db()
    assert order.province == "上海市"


def test_change_address_after_shipping_is_refused(order, user, carrier):
    mark_paid(order)
    order_ship(order=order, carrier_code="std", tracking_no="SF1234567891")

    with pytest.raises(Conflict) as caught:
        order_change_address(order=order, user=user, address_id=make_address(user, detail="另一个地址99号").pk)
    assert caught.value.code == "order_already_shipped"


# --- shipping, delivery, confirmation -------------------------------------------------------------------


def test_ship_deliver_confirm(order, user, shop, stock_of):
    mark_paid(order)

    shipped = order_ship(order=order, carrier_code="std", tracking_no="sf 1234 5678 90")
    again = order_ship(order=order, carrier_code="std", tracking_no="SF1234567890")  # a retried call

    assert shipped.status == again.status == S.SHIPPED
    assert stock_of(shop["sku"]) == (8, 0)
    assert order.shipments.get().tracking_no == "SF1234567890"

    at = timezone.now()
    delivered = order_mark_delivered(order_id=order.pk, delivered_at=at)
    assert delivered.auto_confirm_at == at + timedelta(days=7)
    assert order_mark_delivered(order_id=order.pk, delivered_at=at).status == S.DELIVERED

    completed = order_confirm_receipt(order=order, actor=user)
    assert completed.status == S.COMPLETED
    assert kinds(order) == ["placed", "paid", "shipped", "delivered", "completed"]


def test_shipping_an_unpaid_order_is_refused(order, carrier, shop, stock_of):
    with pytest.raises(Conflict) as caught:
        order_ship(order=order, carrier_code="std", tracking_no="SF1234567892")
    assert caught.value.code == "illegal_transition"
    assert stock_of(shop["sku"]) == (10, 2)


def test_confirming_before_delivery_is_refused(order, user):
    mark_paid(order)
    with pytest.raises(Conflict):
        order_confirm_receipt(order=order, actor=user)


def test_the_clock_confirms_after_n_days(order, settings):
    mark_paid(order)
    order_ship(order=order, carrier_code="std", tracking_no="SF1234567893")
    order_mark_delivered(order_id=order.pk, delivered_at=timezone.now() - timedelta(days=8))

    assert orders_auto_confirm() == 1
    order.refresh_from_db()
    assert order.status == S.COMPLETED


# --- refunds ---------------------------------------------------------------------------------------------


def test_partial_then_full_refund(order):
    mark_paid(order)
    item = OrderItem.objects.get(order=order)
    order_refund_requested(order_id=order.pk, reference="AS1")

    partial = order_apply_refund(order_id=order.pk, amount=D("10.00"), items=[(item.pk, 1)], reference="AS1")
    replay = order_apply_refund(order_id=order.pk, amount=D("10.00"), items=[(item.pk, 1)], reference="AS1")

    assert partial.status == replay.status == S.PAID  # back where it was
    assert partial.refunded_total == D("10.00")
    item.refresh_from_db()
    assert item.refunded_quantity == 1

    full = order_apply_refund(order_id=order.pk, amount=order.total - D("10.00"), items=None, reference="AS2")
    assert full.status == S.REFUNDED


def test_refunds_cannot_exceed_the_total_or_the_items(order):
    mark_paid(order)
    item = OrderItem.objects.get(order=order)

    with pytest.raises(Conflict) as caught:
        order_apply_refund(order_id=order.pk, amount=order.total + D("0.01"), items=None, reference="X1")
    assert caught.value.code == "refund_exceeds_total"
    with pytest.raises(Conflict) as caught:
        order_apply_refund(order_id=order.pk, amount=D("1"), items=[(item.pk, 3)], reference="X2")
    assert caught.value.code == "refund_exceeds_quantity"
    order.refresh_from_db()
    assert order.refunded_total == D("0.00")


def test_a_closed_refund_request_returns_the_order_to_its_status(order, carrier):
    mark_paid(order)
    order_ship(order=order, carrier_code="std", tracking_no="SF1234567894")
    assert order_refund_requested(order_id=order.pk, reference="AS9").status == S.REFUNDING

    assert order_refund_closed(order_id=order.pk, reference="AS9").status == S.SHIPPED


def test_an_unpaid_order_cannot_be_refunded(order):
    with pytest.raises(Conflict):
        order_refund_requested(order_id=order.pk, reference="AS0")


def test_paying_counts_the_units_as_sold_once(order, django_capture_on_commit_callbacks):
    from shequ.catalog.models import Product

    product = Product.objects.get(pk=order.items.get().product_id)
    before = product.sales_count

    with django_capture_on_commit_callbacks(execute=True):
        mark_paid(order)
        mark_paid(order)  # a repeated notification

    product.refresh_from_db()
    assert product.sales_count == before + 2
