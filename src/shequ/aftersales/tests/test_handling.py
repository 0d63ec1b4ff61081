"""The after-sales state machine end to end: refund-only, return with restock, exchange; illegal steps are 409;
every operator step is audit-logged; money goes back through PAYMENTS and is recorded by ORDERS."""

from decimal import Decimal

import pytest

from shequ.aftersales.amounts import line_paid_values, units_value
from shequ.aftersales.models import AfterSaleRequest
from shequ.aftersales.services import handling
from shequ.aftersales.services.buyer import aftersale_create, aftersale_return_shipment_set, aftersale_withdraw
from shequ.aftersales.tests.helpers import lines_of
from shequ.audit.models import AuditEntry
from shequ.core.errors import Conflict, DomainError, InvalidInput
from shequ.inventory.models import MovementKind, StockLevel, StockMovement
from shequ.logistics.models import Shipment
from shequ.notifications.models import Notification
from shequ.payments.models import Refund, RefundStatus

pytestmark = pytest.mark.django_db


def ask(user, order, items, *, kind="return", reason="damaged"):
    return aftersale_create(user=user, order_number=order.number, kind=kind, reason=reason, items=items)


def timeline(aftersale):
    return list(aftersale.events.order_by("id").values_list("status", flat=True))


def test_refund_only_happy_path(user, operator, shipped, django_capture_on_commit_callbacks):
    _milk, biscuits = lines_of(shipped)
    with django_capture_on_commit_callbacks(execute=True):
        aftersale = ask(user, shipped, [(biscuits.pk, 1)], kind="refund_only", reason="missing")
        handling.aftersale_approve(aftersale=aftersale, actor=operator, note="核实少发")
        handling.aftersale_refund(aftersale=aftersale, actor=operator, note="退款")

    aftersale.refresh_from_db()
    shipped.refresh_from_db()
    refund = Refund.objects.get(reference=aftersale.number)
    assert aftersale.status == "refunded" and aftersale.resolved_at is not None
    assert (refund.amount, refund.status) == (Decimal("18.00"), RefundStatus.SUCCEEDED)
    assert shipped.refunded_total == Decimal("18.00") and shipped.status == "shipped"  # partial: back where it was
    assert timeline(aftersale) == ["requested", "approved", "refunded"]
    kinds = set(Notification.objects.filter(user=user).values_list("kind", flat=True))
    assert {"aftersale", "order_refund_applied"} <= kinds


def test_return_received_sellable_is_restocked_and_refunded(user, operator, delivered):
    milk, _ = lines_of(delivered)
    before = StockLevel.objects.get(sku_id=milk.sku_id).on_hand
    aftersale = ask(user, delivered, [(milk.pk, 2)])

    handling.aftersale_approve(aftersale=aftersale, actor=operator)
    aftersale_return_shipment_set(aftersale=aftersale, user=user, carrier_code="yto", tracking_no="YT7001234567")
    handling.aftersale_goods_received(aftersale=aftersale, actor=operator, sellable=True, note="包装完好")
    handling.aftersale_refund(aftersale=aftersale, actor=operator)

    aftersale.refresh_from_db()
    delivered.refresh_from_db()
    assert aftersale.status == "refunded" and aftersale.restock is True
    assert (aftersale.return_carrier, aftersale.return_tracking_no) == ("yto", "YT7001234567")
    assert StockLevel.objects.get(sku_id=milk.sku_id).on_hand == before + 2
    movement = StockMovement.objects.get(kind=MovementKind.RETURN)
    assert (movement.on_hand_delta, movement.reference) == (2, aftersale.number)
    assert delivered.refunded_total == Decimal("54.00")  # 2 of 3 milk at ¥81 paid for the line
    assert timeline(aftersale) == ["requested", "approved", "approved", "goods_returned", "refunded"]


def test_a_refunded_return_marks_its_units_refunded_on_the_order(user, operator, delivered):
    milk, biscuits = lines_of(delivered)
    aftersale = ask(user, delivered, [(milk.pk, 2)])
    handling.aftersale_approve(aftersale=aftersale, actor=operator)
    handling.aftersale_goods_received(aftersale=aftersale, actor=operator, sellable=True)

    handling.aftersale_refund(aftersale=aftersale, actor=operator)

    milk.refresh_from_db()
    biscuits.refresh_from_db()
    assert (milk.refunded_quantity, biscuits.refunded_quantity) == (2, 0)  # the order page shows "2 refunded"
    again = ask(user, delivered, [(milk.pk, 1)])  # the one milk left can still be claimed, no more
    assert again.refund_amount == Decimal("27.00")


def test_unsellable_returns_are_not_restocked(user, operator, delivered):
    milk, _ = lines_of(delivered)
    before = StockLevel.objects.get(sku_id=milk.sku_id).on_hand
    aftersale = ask(user, delivered, [(milk.pk, 1)])
    handling.aftersale_approve(aftersale=aftersale, actor=operator)

    handling.aftersale_goods_received(aftersale=aftersale, actor=operator, sellable=False)

    assert StockLevel.objects.get(sku_id=milk.sku_id).on_hand == before
    assert not StockMovement.objects.filter(kind=MovementKind.RETURN).exists()


def test_exchange_sends_a_replacement_the_buyer_can_track(
    user, operator, delivered, django_capture_on_commit_callbacks
):
    _, biscuits = lines_of(delivered)
    aftersale = ask(user, delivered, [(biscuits.pk, 1)], kind="exchange", reason="quality")
    assert aftersale.refund_amount == Decimal("0.00")
    on_hand_before = StockLevel.objects.get(sku_id=biscuits.sku_id).on_hand

    with django_capture_on_commit_callbacks(execute=True):
        handling.aftersale_approve(aftersale=aftersale, actor=operator)
        handling.aftersale_goods_received(aftersale=aftersale, actor=operator, sellable=False)
        handling.aftersale_mark_exchanged(
            aftersale=aftersale, actor=operator, carrier_code="sf", tracking_no="SF1400000001"
        )

    aftersale.refresh_from_db()
    assert aftersale.status == "exchanged"
    replacement = Shipment.objects.get(tracking_no="SF1400000001")
    assert replacement.order_id == delivered.pk and Shipment.objects.filter(order=delivered).count() == 2
    assert Notification.objects.filter(user=user, kind="aftersale", body__contains="SF1400000001").exists()
    assert not Refund.objects.exists()
    # the unsellable return stays out of stock, so the replacement unit comes out of the warehouse
    assert StockLevel.objects.get(sku_id=biscuits.sku_id).on_hand == on_hand_before - 1
    assert StockMovement.objects.filter(kind=MovementKind.SHIP, reference=aftersale.number, on_hand_delta=-1).exists()


def test_a_full_refund_of_everything_refunds_the_order(user, operator, delivered):
    milk, biscuits = lines_of(delivered)
    aftersale = ask(user, delivered, [(milk.pk, 3), (biscuits.pk, 1)], kind="refund_only", reason="quality")
    handling.aftersale_approve(aftersale=aftersale, actor=operator)

    handling.aftersale_refund(aftersale=aftersale, actor=operator)

    delivered.refresh_from_db()
    assert delivered.refunded_total == delivered.total == Decimal("99.00")
    assert delivered.status == "refunded"


def test_an_operator_may_refund_less_than_computed_never_more(user, operator, delivered):
    milk, _ = lines_of(delivered)
    aftersale = ask(user, delivered, [(milk.pk, 1)], kind="refund_only", reason="quality")
    handling.aftersale_approve(aftersale=aftersale, actor=operator)

    for amount in ("27.01", "0", "-5", "abc"):
        with pytest.raises(InvalidInput) as caught:
            handling.aftersale_refund(aftersale=aftersale, actor=operator, amount=amount)
        assert caught.value.code == "refund_amount_invalid"
    assert not Refund.objects.exists()

    handling.aftersale_refund(aftersale=aftersale, actor=operator, amount="10.00", note="部分退款，已与买家协商")

    aftersale.refresh_from_db()
    assert aftersale.refund_amount == Decimal("10.00") and Refund.objects.get().amount == Decimal("10.00")


@pytest.mark.parametrize(
    ("setup", "step"),
    [
        ([], "refund"),  # refund before approval
        ([], "received"),
        (["approve"], "approve"),  # twice
        (["approve"], "exchanged"),  # a return is never exchanged
        (["reject"], "approve"),  # rejected is final
        (["approve", "received"], "reject"),
        (["approve", "received", "refund"], "refund"),  # refunded twice
    ],
)
def test_illegal_steps_are_409_and_change_nothing(user, operator, delivered, setup, step):
    milk, _ = lines_of(delivered)
    aftersale = ask(user, delivered, [(milk.pk, 1)])
    steps = {
        "approve": lambda: handling.aftersale_approve(aftersale=aftersale, actor=operator),
        "reject": lambda: handling.aftersale_reject(aftersale=aftersale, actor=operator, note="不符合条件"),
        "received": lambda: handling.aftersale_goods_received(aftersale=aftersale, actor=operator, sellable=True),
        "refund": lambda: handling.aftersale_refund(aftersale=aftersale, actor=operator),
        "exchanged": lambda: handling.aftersale_mark_exchanged(
            aftersale=aftersale, actor=operator, carrier_code="sf", tracking_no="SF1400000009"
        ),
    }
    for name in setup:
        steps[name]()
    state = AfterSaleRequest.objects.values("status", "updated_at").get(pk=aftersale.pk)
    refunds, audits = Refund.objects.count(), AuditEntry.objects.count()

    with pytest.raises(Conflict) as caught:
        steps[step]()

    assert caught.value.code == "aftersale_transition_invalid" and caught.value.status == 409
    assert AfterSaleRequest.objects.values("status", "updated_at").get(pk=aftersale.pk) == state
    assert (Refund.objects.count(), AuditEntry.objects.count()) == (refunds, audits)
    assert not Shipment.objects.filter(tracking_no="SF1400000009").exists()


def test_a_buyer_cannot_withdraw_after_the_goods_were_received(user, operator, delivered):
    milk, _ = lines_of(delivered)
    aftersale = ask(user, delivered, [(milk.pk, 1)])
    handling.aftersale_approve(aftersale=aftersale, actor=operator)
    handling.aftersale_goods_received(aftersale=aftersale, actor=operator, sellable=True)

    with pytest.raises(Conflict):
        aftersale_withdraw(aftersale=aftersale, user=user)


def test_rejecting_needs_a_note_for_the_buyer(user, operator, delivered, django_capture_on_commit_callbacks):
    milk, _ = lines_of(delivered)
    aftersale = ask(user, delivered, [(milk.pk, 1)])

    with pytest.raises(InvalidInput) as caught:
        handling.aftersale_reject(aftersale=aftersale, actor=operator, note="  ")
    assert caught.value.code == "note_required"

    with django_capture_on_commit_callbacks(execute=True):
        handling.aftersale_reject(aftersale=aftersale, actor=operator, note="商品已拆封使用，不支持退货")

    aftersale.refresh_from_db()
    assert aftersale.status == "rejected" and aftersale.operator_note == "商品已拆封使用，不支持退货"
    assert Notification.objects.filter(user=user, body__contains="不支持退货").exists()


def test_every_operator_step_is_audited(user, operator, delivered):
    milk, _ = lines_of(delivered)
    aftersale = ask(user, delivered, [(milk.pk, 1)])

    handling.aftersale_approve(aftersale=aftersale, actor=operator, note="同意", ip="10.0.0.8")
    handling.aftersale_goods_received(aftersale=aftersale, actor=operator, sellable=True)
    handling.aftersale_refund(aftersale=aftersale, actor=operator)

    entries = list(
        AuditEntry.objects.filter(target_type="aftersales.aftersalerequest", target_id=str(aftersale.pk)).order_by("id")
    )
    assert [e.changes["status"] for e in entries] == [
        ["requested", "approved"],
        ["approved", "goods_returned"],
        ["goods_returned", "refunded"],
    ]
    assert {(e.actor_id, e.target_user_id) for e in entries} == {(operator.pk, user.pk)}
    assert entries[0].reason == "同意" and entries[0].ip == "10.0.0.8"
    assert entries[2].changes["refund_amount"] == "27.00"


def test_refund_amounts_share_the_coupon_and_add_up_to_what_was_paid():
    # ¥110 of goods, ¥10 coupon: ¥100 paid for goods, shared 90:20 → 81.82 and 18.18 (cents by largest remainder).
    paid = line_paid_values(
        total=Decimal("100.00"), shipping_fee=Decimal("0"), lines=[(1, Decimal("90.00")), (2, Decimal("20.00"))]
    )
    assert paid == {1: Decimal("81.82"), 2: Decimal("18.18")}
    # Refunding the three units one by one pays exactly the line back, a cent more on the last.
    parts = [units_value(line_paid=paid[1], bought=3, before=n, quantity=1) for n in range(3)]
    assert parts == [Decimal("27.27"), Decimal("27.27"), Decimal("27.28")] and sum(parts) == paid[1]
    # Shipping is never part of the goods' value.
    assert line_paid_values(total=Decimal("112.00"), shipping_fee=Decimal("12.00"), lines=[(1, Decimal("100.00"))]) == {
        1: Decimal("100.00")
    }


def test_shipping_is_refunded_only_when_nothing_shipped_and_everything_is_claimed(user, paid):
    from shequ.aftersales.services.buyer import refund_quote

    milk, biscuits = lines_of(paid)
    type(paid).objects.filter(pk=paid.pk).update(shipping_fee=Decimal("8.00"), total=Decimal("107.00"))
    paid.refresh_from_db()

    assert refund_quote(order=paid, kind="refund_only", items=[(milk.pk, 3), (biscuits.pk, 1)]) == Decimal("107.00")
    assert refund_quote(order=paid, kind="refund_only", items=[(milk.pk, 3)]) == Decimal("81.00")


def test_a_refund_the_provider_refuses_leaves_the_request_and_the_order_as_they_were(
    user, operator, delivered, monkeypatch
):
    from shequ.payments.providers.base import RefundResult
    from shequ.payments.providers.sandbox import SandboxProvider

    milk, _ = lines_of(delivered)
    aftersale = ask(user, delivered, [(milk.pk, 1)], kind="refund_only", reason="quality")
    handling.aftersale_approve(aftersale=aftersale, actor=operator)
    monkeypatch.setattr(
        SandboxProvider, "refund", lambda self, request: RefundResult(status="failed", error_code="NOT_ENOUGH")
    )

    with pytest.raises(DomainError) as caught:
        handling.aftersale_refund(aftersale=aftersale, actor=operator)

    assert (caught.value.code, caught.value.status) == ("refund_failed", 502)
    aftersale.refresh_from_db()
    delivered.refresh_from_db()
    assert aftersale.status == "approved" and delivered.status == "delivered" and delivered.refunded_total == 0
    assert Refund.objects.get().status == RefundStatus.FAILED  # kept by PAYMENTS for investigation


def test_a_refund_made_by_an_interrupted_attempt_is_recorded_not_paid_twice(user, operator, delivered):
    from shequ.payments.services import payment_refund

    milk, _ = lines_of(delivered)
    aftersale = ask(user, delivered, [(milk.pk, 1)], kind="refund_only", reason="quality")
    handling.aftersale_approve(aftersale=aftersale, actor=operator)
    # An earlier attempt got as far as the payment provider, then stopped.
    payment_refund(order=delivered, amount=Decimal("27.00"), reason="x", reference=aftersale.number)

    handling.aftersale_refund(aftersale=aftersale, actor=operator)

    aftersale.refresh_from_db()
    delivered.refresh_from_db()
    assert aftersale.status == "refunded" and Refund.objects.count() == 1
    assert delivered.refunded_total == Decimal("27.00") and delivered.status == "delivered"


def test_the_replacement_parcel_tells_the_buyer_when_it_arrives(
    user, operator, delivered, django_capture_on_commit_callbacks
):
    from shequ.logistics.testing import deliver

    _, biscuits = lines_of(delivered)
    aftersale = ask(user, delivered, [(biscuits.pk, 1)], kind="exchange", reason="quality")
    handling.aftersale_approve(aftersale=aftersale, actor=operator)
    handling.aftersale_goods_received(aftersale=aftersale, actor=operator, sellable=True)
    handling.aftersale_mark_exchanged(
        aftersale=aftersale, actor=operator, carrier_code="sf", tracking_no="SF1400000077"
    )

    with django_capture_on_commit_callbacks(execute=True):
        deliver(Shipment.objects.get(tracking_no="SF1400000077"))

    note = Notification.objects.get(user=user, kind="shipment")
    assert note.data["status"] == "delivered" and note.data["tracking_no"] == "SF1400000077"
