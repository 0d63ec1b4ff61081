"""Coupon money math, in Decimal, rounded half-up to the fen (0.01)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def coupon_discount(
    *,
    kind: str,
    items_total: Decimal,
    amount: Decimal | None,
    percent: int | None,
    max_discount: Decimal | None,
) -> Decimal:
    """How much a coupon of ``kind`` takes off ``items_total`` (never more than the total itself).

    fixed: ``amount`` off; percent: ``percent``% off, at most ``max_discount``; threshold (满减): ``amount`` off
    (the minimum spend is checked by the caller, as for every kind).
    """
    total = Decimal(items_total)
    if total <= 0:
        return ZERO
    if kind == "percent":
        discount = (total * Decimal(percent or 0) / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)
        if max_discount is not None:
            discount = min(discount, Decimal(max_discount))
    else:
        discount = Decimal(amount or 0)
    return max(ZERO, min(discount, total)).quantize(CENT, rounding=ROUND_HALF_UP)
