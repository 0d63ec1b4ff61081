"""Order money math. Everything is Decimal, rounded half-up to the fen (0.01); discounts never go below zero
and never take the total below zero. Pure functions: the checkout quote, placement and tests share them."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value) -> Decimal:
    """A Decimal amount rounded half-up to 0.01 (floats are refused: they cannot hold money exactly)."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(unit_price: Decimal, quantity: int) -> Decimal:
    return money(Decimal(unit_price) * int(quantity))


@dataclass(frozen=True)
class Totals:
    items_total: Decimal
    coupon_discount: Decimal
    shipping_fee: Decimal
    points_discount: Decimal
    total: Decimal


def goods_after_coupon(items_total: Decimal, coupon_discount: Decimal) -> Decimal:
    return max(ZERO, money(items_total) - min(money(coupon_discount), money(items_total)))


def points_cap(*, items_total: Decimal, coupon_discount: Decimal, max_share: Decimal) -> Decimal:
    """The most points may pay: a share of the goods after the coupon (never shipping), rounded down."""
    base = goods_after_coupon(items_total, coupon_discount)
    return (base * Decimal(max_share)).quantize(CENT, rounding=ROUND_DOWN)


def points_discount(*, points: int, balance: int, points_per_yuan: int, cap: Decimal) -> tuple[int, Decimal]:
    """(points used, money off) for ``points`` requested: limited by the balance and the cap; whole fen only,
    and the points charged are what the money off is worth (rounded up), never more than requested."""
    usable = max(0, min(int(points), int(balance)))
    if usable == 0 or points_per_yuan <= 0 or cap <= 0:
        return 0, ZERO
    worth = (Decimal(usable) / Decimal(points_per_yuan)).quantize(CENT, rounding=ROUND_DOWN)
    discount = min(worth, money(cap))
    used = min(usable, math.ceil(discount * points_per_yuan))
    return used, discount


def order_totals(
    *, line_totals: Iterable[Decimal], coupon_discount: Decimal, shipping_fee: Decimal, points_discount: Decimal
) -> Totals:
    """Items, then the coupon (at most the items), then points (at most what is left of the items), then
    shipping on top: total = items − coupon − points + shipping, never negative."""
    items = money(sum((Decimal(v) for v in line_totals), ZERO))
    coupon = max(ZERO, min(money(coupon_discount), items))
    points = max(ZERO, min(money(points_discount), items - coupon))
    shipping = max(ZERO, money(shipping_fee))
    total = max(ZERO, items - coupon - points + shipping)
    return Totals(
        items_total=items, coupon_discount=coupon, shipping_fee=shipping, points_discount=points, total=money(total)
    )
