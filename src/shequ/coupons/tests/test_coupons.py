"""Coupons: each kind's discount, validity window, minimum spend, per-person and total limits, hold/release."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shequ.core.errors import Conflict, InvalidInput
from shequ.coupons.models import Coupon, CouponRedemption, RedemptionStatus
from shequ.coupons.services import coupon_consume, coupon_hold, coupon_quote, coupon_release, coupon_save

pytestmark = pytest.mark.django_db
D = Decimal


def make_coupon(code="SAVE10", **fields) -> Coupon:
    spec = {"name": "立减10元", "kind": "fixed", "amount": D("10"), **fields}
    return coupon_save(coupon=Coupon(code=code, **spec))


def test_fixed_coupon(user):
    make_coupon("save10")

    quote = coupon_quote(code=" Save10 ", user=user, items_total=D("59.90"))

    assert quote.coupon.code == "SAVE10"
    assert quote.discount == D("10.00")


def test_percent_coupon_with_a_maximum(user):
    make_coupon("P15", kind="percent", amount=None, percent=15, max_discount=D("20"))

    assert coupon_quote(code="P15", user=user, items_total=D("66.66")).discount == D("10.00")
    assert coupon_quote(code="P15", user=user, items_total=D("300")).discount == D("20.00")


def test_spend_x_save_y_needs_the_threshold(user):
    make_coupon("MJ", kind="threshold", amount=D("20"), min_spend=D("199"))

    assert coupon_quote(code="MJ", user=user, items_total=D("199.00")).discount == D("20.00")
    with pytest.raises(InvalidInput) as caught:
        coupon_quote(code="MJ", user=user, items_total=D("198.99"))
    assert caught.value.code == "coupon_min_spend"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"starts_at": timezone.now() + timedelta(days=1)}, "coupon_not_started"),
        ({"ends_at": timezone.now() - timedelta(seconds=1)}, "coupon_expired"),
        ({"is_active": False}, "coupon_not_found"),
    ],
)
def test_coupon_validity(user, fields, code):
    make_coupon("WINDOW", **fields)

    with pytest.raises(InvalidInput) as caught:
        coupon_quote(code="WINDOW", user=user, items_total=D("50"))

    assert caught.value.code == code


def test_unknown_code(user):
    with pytest.raises(InvalidInput) as caught:
        coupon_quote(code="NOPE", user=user, items_total=D("50"))
    assert caught.value.code == "coupon_not_found"


def test_per_person_limit_counts_held_and_used_but_not_released(user):
    coupon = make_coupon("ONCE", per_user_limit=1)
    coupon_hold(coupon=coupon, user=user, order_id=1, discount=D("10"))

    with pytest.raises(InvalidInput) as caught:
        coupon_quote(code="ONCE", user=user, items_total=D("50"))
    assert caught.value.code == "coupon_limit_reached"
    with pytest.raises(Conflict):
        coupon_hold(coupon=coupon, user=user, order_id=2, discount=D("10"))

    coupon_release(order_id=1)
    assert coupon_quote(code="ONCE", user=user, items_total=D("50")).discount == D("10.00")


def test_total_limit(user, make_user):
    coupon = make_coupon("FIRST2", total_limit=2, per_user_limit=5)
    coupon_hold(coupon=coupon, user=user, order_id=1, discount=D("10"))
    coupon_hold(coupon=coupon, user=make_user(), order_id=2, discount=D("10"))

    with pytest.raises(InvalidInput) as caught:
        coupon_quote(code="FIRST2", user=make_user(), items_total=D("50"))
    assert caught.value.code == "coupon_used_up"


def test_consume_marks_the_held_use_used(user):
    coupon = make_coupon("USE")
    coupon_hold(coupon=coupon, user=user, order_id=7, discount=D("10"))

    coupon_consume(order_id=7)
    coupon_release(order_id=7)  # too late: a paid order keeps its coupon

    assert CouponRedemption.objects.get(order_id=7).status == RedemptionStatus.USED


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"kind": "fixed", "amount": None}, "coupon_amount_required"),
        ({"kind": "percent", "amount": None, "percent": None}, "coupon_percent_required"),
        ({"kind": "threshold", "amount": D("20"), "min_spend": D("10")}, "coupon_threshold_invalid"),
    ],
)
def test_coupon_save_checks_the_numbers(fields, code):
    with pytest.raises(InvalidInput) as caught:
        make_coupon("BAD", **fields)
    assert caught.value.code == code
    assert not Coupon.objects.exists()


def test_check_api(user_api):
    make_coupon("API10")

    ok = user_api.api("post", "/coupons/check", json={"code": "api10", "items_total": "30.00"})
    bad = user_api.api("post", "/coupons/check", json={"code": "NOPE", "items_total": "30.00"})
    negative = user_api.api("post", "/coupons/check", json={"code": "API10", "items_total": "-1"})

    assert ok.status_code == 200 and ok.json()["discount"] == "10.00"
    assert bad.status_code == 400 and bad.json()["code"] == "coupon_not_found"
    assert negative.status_code == 422


def test_check_api_needs_login(anon_api):
    assert anon_api.api("post", "/coupons/check", json={"code": "X", "items_total": "1"}).status_code == 401
