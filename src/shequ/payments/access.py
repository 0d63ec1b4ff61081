"""Permission-checked fetches for payments: a buyer sees only the payments of their own orders."""

from __future__ import annotations

from shequ.orders.access import order_get_for_user
from shequ.payments import error_codes
from shequ.payments.models import Payment


def order_get_for_payer(*, user, number: str):
    """The buyer's own order by number; NotFound for anyone else's (the orders app's access rule)."""
    return order_get_for_user(user=user, number=number)


def payment_get_for_user(*, user, out_trade_no: str) -> Payment:
    """One of the user's own payments; NotFound for anyone else's (or nobody's)."""
    payment = (
        Payment.objects.select_related("order")
        .filter(out_trade_no=out_trade_no, order__user_id=getattr(user, "pk", None))
        .first()
    )
    if payment is None:
        raise error_codes.payment_not_found()
    return payment
