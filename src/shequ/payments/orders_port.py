"""The orders functions payments calls, imported late (orders imports payments for its pages, not the reverse).

See /work/notes/commerce-contracts.md: ``order_mark_paid`` (idempotent; Conflict("order_not_payable") for a
cancelled order, Conflict("amount_mismatch") when the amount is not the order's total) and
``order_apply_refund`` (records a refund that has succeeded with the provider).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal


def order_mark_paid(*, order_id: int, amount: Decimal, provider: str, paid_at: datetime, payment_ref: str):
    from shequ.orders.services import order_mark_paid as mark_paid

    return mark_paid(order_id=order_id, amount=amount, provider=provider, paid_at=paid_at, payment_ref=payment_ref)


def order_apply_refund(*, order_id: int, amount: Decimal, items: list[tuple[int, int]] | None, reference: str):
    from shequ.orders.services import order_apply_refund as apply_refund

    return apply_refund(order_id=order_id, amount=amount, items=items, reference=reference)
