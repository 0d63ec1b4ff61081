"""Wallet coupons: granting (idempotent, limits), claiming by code, and using them at checkout."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shequ.core.errors import Conflict, InvalidInput, NotFound
from shequ.coupons.models import Coupon, CouponKind, IssuedCoupon, IssuedStatus
from shequ.coupons.services import coupon_claim, coupon_grant
from shequ.orders.models import Order
from shequ.orders.services import CheckoutInput, checkout_quote, order_cancel, order_place
from shequ.orders.testing import mark_paid


def test_grant_is_idempotent_per_source_and_reference(user, make_template, grant):
    template = make_template(per_user_limit=None)

    first = grant(template, user, reference="order-1")
    again = grant(template, user, reference="order-1")
    other = grant(template, user, reference="order-2")

    assert first.pk == again.pk
    assert other.pk != first.pk
    assert IssuedCoupon.objects.filter(user=user).count() == 2
    template.refresh_from_db()
    assert template.issued_count == 2


def test_grant_respects_per_user_and_total_limits(user, make_user, make_template, grant):
    template = make_template(per_user_limit=1, total_limit=2)
    assert grant(template, user, reference="a") is not None
    assert grant(template, user, reference="b") is None
    with pytest.raises(Conflict) as exc:
        grant(template, user, reference="c", strict=True)
    assert exc.value.code == "coupon_grant_limit"

    assert grant(template, make_user(), reference="a") is not None
    with pytest.raises(Conflict) as exc:
        grant(template, make_user(), reference="a", strict=True)
    assert exc.value.code == "coupon_all_claimed"
    template.refresh_from_db()
    assert template.issued_count == 2  # refused grants did not count


def test_grant_unknown_template_is_404_and_inactive_gives_nothing(user, make_template, grant):
    with pytest.raises(NotFound):
        coupon_grant(template_code="nope", user_id=user.pk, source="admin", reference="x")
    template = make_template(is_active=False)
    assert grant(template, user) is None
    assert not IssuedCoupon.objects.exists()


def test_grant_validity_is_days_after_issue_or_the_fixed_window(user, make_template, grant):
    from datetime import timedelta

    from django.utils import timezone

    by_days = grant(make_template(valid_days=7), user)
    assert timedelta(days=7) - (by_days.valid_until - by_days.valid_from) < timedelta(seconds=1)
    end = timezone.now() + timedelta(days=2)
    fixed = grant(make_template(valid_days=None, valid_until=end), user)
    assert fixed.valid_until == end


def test_grant_notifies_the_user(user, make_template, grant):
    from shequ.notifications.models import Notification

    grant(make_template(name="满49减10"), user)

    note = Notification.objects.get(user=user, kind="coupon_granted")
    assert "满49减10" in note.title
    assert note.link == "/coupons/"


def test_claim_by_code_once(user, make_template):
    template = make_template(claim_code="SPRING15", per_user_limit=5)

    issued = coupon_claim(user=user, code=" spring15 ")

    assert issued.template == template
    with pytest.raises(Conflict) as exc:
        coupon_claim(user=user, code="SPRING15")
    assert exc.value.code == "coupon_already_claimed"
    with pytest.raises(NotFound):
        coupon_claim(user=user, code="WRONG")
    with pytest.raises(InvalidInput):
        coupon_claim(user=user, code="  ")
    assert IssuedCoupon.objects.filter(user=user).count() == 1


# --- checkout ---------------------------------------------------------------------------------------------


def _buy(shop, quantity=5, **checkout) -> CheckoutInput:
    return CheckoutInput(sku_id=shop["sku"].pk, quantity=quantity, **checkout)


def test_wallet_coupon_takes_money_off_and_is_used_when_paid(user, shop, make_template, grant):
    issued = grant(make_template(kind="threshold", amount=Decimal("10"), min_spend=Decimal("49")), user)

    quote = checkout_quote(user=user, checkout=_buy(shop, issued_coupon_ids=(issued.pk,)), strict=True)
    assert quote.totals.coupon_discount == Decimal("10.00")
    assert quote.total == Decimal("40.00") + quote.totals.shipping_fee

    order = order_place(user=user, checkout=_buy(shop, issued_coupon_ids=(issued.pk,))).order
    issued.refresh_from_db()
    assert (issued.status, issued.order_id, issued.discount) == (IssuedStatus.HELD, order.pk, Decimal("10.00"))
    assert order.coupon_discount == Decimal("10.00")

    mark_paid(order)
    issued.refresh_from_db()
    assert issued.status == IssuedStatus.USED
    assert issued.used_at is not None


def test_cancelling_the_unpaid_order_gives_the_wallet_coupon_back(user, shop, make_template, grant):
    issued = grant(make_template(), user)
    order = order_place(user=user, checkout=_buy(shop, issued_coupon_ids=(issued.pk,))).order

    order_cancel(order=order, actor=user, reason="changed my mind")

    issued.refresh_from_db()
    assert (issued.status, issued.order_id) == (IssuedStatus.AVAILABLE, None)


@pytest.mark.parametrize("state", ["expired", "used", "someone_elses", "garbage"])
def test_bad_wallet_coupons_are_refused_and_nothing_changes(user, make_user, shop, make_template, grant, expire, state):
    template = make_template()
    owner = make_user() if state == "someone_elses" else user
    issued = grant(template, owner)
    if state == "expired":
        expire(issued)
    if state == "used":
        IssuedCoupon.objects.filter(pk=issued.pk).update(status=IssuedStatus.USED)
    ids = ("x",) if state == "garbage" else (issued.pk,)
    expected = {
        "expired": "coupon_expired",
        "used": "coupon_unavailable",
        "someone_elses": "coupon_not_found",
        "garbage": "coupon_not_found",
    }[state]
    before = IssuedCoupon.objects.get(pk=issued.pk)

    with pytest.raises(InvalidInput) as exc:
        order_place(user=user, checkout=_buy(shop, issued_coupon_ids=ids))

    assert exc.value.code == expected
    assert not Order.objects.exists()
    after = IssuedCoupon.objects.get(pk=issued.pk)
    assert (after.status, after.order_id) == (before.status, before.order_id)


def test_min_spend_and_product_restrictions(user, shop, make_template, grant):
    from shequ.catalog.testing import make_product

    pricey = grant(make_template(min_spend=Decimal("100")), user, reference="a")
    elsewhere = make_template()
    elsewhere.products.add(make_product())
    not_here = grant(elsewhere, user, reference="b")
    only_this = make_template(amount=Decimal("3"))
    only_this.categories.add(shop["product"].category)
    here = grant(only_this, user, reference="c")

    with pytest.raises(InvalidInput) as exc:
        checkout_quote(user=user, checkout=_buy(shop, issued_coupon_ids=(pricey.pk,)), strict=True)
    assert exc.value.code == "coupon_min_spend"
    with pytest.raises(InvalidInput) as exc:
        checkout_quote(user=user, checkout=_buy(shop, issued_coupon_ids=(not_here.pk,)), strict=True)
    assert exc.value.code == "coupon_not_applicable"
    quote = checkout_quote(user=user, checkout=_buy(shop, issued_coupon_ids=(here.pk,)), strict=True)
    assert quote.totals.coupon_discount == Decimal("3.00")


def test_at_most_one_non_stackable_coupon_per_order(user, shop, make_template, grant):
    Coupon.objects.create(code="CODE5", name="五元", kind=CouponKind.FIXED, amount=Decimal("5"), per_user_limit=9)
    plain_a = grant(make_template(), user, reference="a")
    plain_b = grant(make_template(), user, reference="b")
    stackable = grant(make_template(kind="percent", amount=None, percent=10, stackable=True), user, reference="c")

    with pytest.raises(InvalidInput) as exc:
        checkout_quote(user=user, checkout=_buy(shop, issued_coupon_ids=(plain_a.pk, plain_b.pk)), strict=True)
    assert exc.value.code == "coupon_not_stackable"
    with pytest.raises(InvalidInput) as exc:
        checkout_quote(
            user=user, checkout=_buy(shop, coupon_code="CODE5", issued_coupon_ids=(plain_a.pk,)), strict=True
        )
    assert exc.value.code == "coupon_not_stackable"

    # a code coupon + a stackable wallet coupon: 5 off, then 10% of the remaining 45
    quote = checkout_quote(
        user=user, checkout=_buy(shop, coupon_code="CODE5", issued_coupon_ids=(stackable.pk,)), strict=True
    )
    assert quote.totals.coupon_discount == Decimal("9.50")
    order = order_place(user=user, checkout=_buy(shop, coupon_code="CODE5", issued_coupon_ids=(stackable.pk,))).order
    assert order.coupon_discount == Decimal("9.50")
    assert order.coupon_code == "CODE5"
    assert IssuedCoupon.objects.get(pk=stackable.pk).discount == Decimal("4.50")
    from shequ.coupons.models import CouponRedemption

    assert CouponRedemption.objects.get(order_id=order.pk).discount == Decimal("5.00")


def test_the_same_wallet_coupon_cannot_pay_for_two_orders(user, shop, make_template, grant):
    issued = grant(make_template(), user)
    order_place(user=user, checkout=_buy(shop, quantity=1, issued_coupon_ids=(issued.pk,)))

    with pytest.raises(InvalidInput) as exc:
        order_place(user=user, checkout=_buy(shop, quantity=1, issued_coupon_ids=(issued.pk,)))

    assert exc.value.code == "coupon_unavailable"
    assert Order.objects.count() == 1
