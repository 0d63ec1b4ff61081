"""Permission-checked fetches: a buyer sees only their own orders."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shequ.core.errors import NotFound
from shequ.orders.models import Order


def order_get_for_user(*, user, number: str) -> Order:
    """The user's own order by number; anyone else's number is 404, exactly like one that does not exist."""
    number = (number or "").strip()
    order = None
    if number.isdigit() and len(number) <= 24 and user is not None and user.is_authenticated:
        order = Order.objects.filter(number=number, user=user).first()
    if order is None:
        raise NotFound("order_not_found", _("Order not found."))
    return order
