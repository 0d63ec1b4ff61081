"""How much money goes back for returned units — computed on the server, never taken from the buyer.

What a buyer paid for a line is its line total minus its share of the order's discounts (coupon, points),
shared in proportion to line totals and rounded to the cent so the shares add up exactly to what was paid for
the goods (``total − shipping_fee``). Units of a line are valued cumulatively: the first k units are worth
``paid × k / bought`` rounded down, and the last unit takes what is left — so refunding a line in several
requests never pays back a cent more (or less) than refunding it at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def line_paid_values(
    *, total: Decimal, shipping_fee: Decimal, lines: Sequence[tuple[int, Decimal]]
) -> dict[int, Decimal]:
    """What was paid for each whole line, from (order item id, line total) pairs."""
    gross = sum((line_total for _id, line_total in lines), ZERO)
    if gross <= 0:
        return {item_id: ZERO for item_id, _total in lines}
    payable = min(max(total - shipping_fee, ZERO), gross)
    payable_cents = int((payable / CENT).to_integral_value(rounding=ROUND_DOWN))
    shares: dict[int, int] = {}
    remainders = []
    for item_id, line_total in lines:
        exact = Decimal(payable_cents) * line_total / gross
        floor = int(exact.to_integral_value(rounding=ROUND_DOWN))
        shares[item_id] = floor
        remainders.append((exact - floor, -item_id, item_id))
    # Hand the cents lost to rounding down to the lines that lost the most (largest remainder method).
    for _remainder, _tiebreak, item_id in sorted(remainders, reverse=True)[: payable_cents - sum(shares.values())]:
        shares[item_id] += 1
    return {item_id: Decimal(cents) * CENT for item_id, cents in shares.items()}


def units_value(*, line_paid: Decimal, bought: int, before: int, quantity: int) -> Decimal:
    """Value of ``quantity`` units of a line when ``before`` units of it were already claimed."""

    def first(units: int) -> Decimal:
        if units >= bought:
            return line_paid
        return (line_paid * units / bought).quantize(CENT, rounding=ROUND_DOWN)

    return first(before + quantity) - first(before)
