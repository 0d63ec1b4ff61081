"""The money math: Decimal everywhere, half-up to the fen, discounts bounded, points capped."""

from decimal import Decimal

import pytest

from shequ.coupons.calculations import coupon_discount
from shequ.orders.calculations import line_total, money, order_totals, points_cap, points_discount

D = Decimal


def test_money_rounds_half_up_to_the_fen():
    assert money(D("0.005")) == D("0.01")
    assert money(D("0.004")) == D("0.00")
    assert money(D("2.675")) == D("2.68")  # a float would have said 2.67
    assert money("19.9") == D("19.90")


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        money(0.1)


def test_line_total_is_unit_price_times_quantity():
    assert line_total(D("3.33"), 3) == D("9.99")
    assert line_total(D("12.90"), 99) == D("1277.10")


def test_percent_coupon_rounds_half_up_and_respects_the_maximum():
    assert coupon_discount(kind="percent", items_total=D("33.35"), amount=None, percent=10, max_discount=None) == D(
        "3.34"
    )
    assert coupon_discount(kind="percent", items_total=D("500.00"), amount=None, percent=20, max_discount=D("30")) == D(
        "30.00"
    )


def test_fixed_and_threshold_coupons_never_exceed_the_items():
    assert coupon_discount(kind="fixed", items_total=D("8.00"), amount=D("10"), percent=None, max_discount=None) == D(
        "8.00"
    )
    assert coupon_discount(kind="threshold", items_total=D("199"), amount=D("20"), percent=None, max_discount=None) == (
        D("20.00")
    )


def test_totals_subtract_coupon_then_points_then_add_shipping():
    totals = order_totals(
        line_totals=[D("19.90"), D("30.10")], coupon_discount=D("5"), shipping_fee=D("8"), points_discount=D("3.5")
    )
    assert (totals.items_total, totals.coupon_discount, totals.points_discount, totals.shipping_fee) == (
        D("50.00"),
        D("5.00"),
        D("3.50"),
        D("8.00"),
    )
    assert totals.total == D("49.50")


def test_totals_never_go_negative_and_discounts_are_clamped():
    totals = order_totals(line_totals=[D("10")], coupon_discount=D("15"), shipping_fee=D("0"), points_discount=D("5"))
    assert totals.coupon_discount == D("10.00")
    assert totals.points_discount == D("0.00")
    assert totals.total == D("0.00")


def test_points_cap_is_a_share_of_goods_after_coupon_rounded_down():
    assert points_cap(items_total=D("100.01"), coupon_discount=D("0.02"), max_share=D("0.5")) == D("49.99")
    assert points_cap(items_total=D("10"), coupon_discount=D("20"), max_share=D("0.5")) == D("0.00")


def test_points_discount_is_limited_by_balance_and_cap():
    assert points_discount(points=5000, balance=3000, points_per_yuan=100, cap=D("100")) == (3000, D("30.00"))
    assert points_discount(points=5000, balance=9000, points_per_yuan=100, cap=D("12.34")) == (1234, D("12.34"))
    assert points_discount(points=150, balance=150, points_per_yuan=100, cap=D("10")) == (150, D("1.50"))
    assert points_discount(points=0, balance=100, points_per_yuan=100, cap=D("10")) == (0, D("0.00"))
