"""The loyalty module's side of checkout (orders' provider protocols, see orders/discounts.py).

``LoyaltyPointsProvider``: 100 points = ¥1 (SHEQU_LOYALTY["POINTS_PER_YUAN"]); at most orders'
POINTS_MAX_SHARE of the goods. Asking for more points than held uses what is held (the quote shows how many);
asking with none at all is ``points_unavailable``. Placing holds them, cancelling releases, paying spends.

``LoyaltyShippingBenefit``: free shipping for tiers that have it.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from shequ.core.errors import InvalidInput
from shequ.loyalty import selectors, services
from shequ.loyalty.conf import loyalty_setting
from shequ.orders.calculations import points_discount
from shequ.orders.discounts import PointsQuote


class LoyaltyPointsProvider:
    def balance(self, *, user) -> int:
        return selectors.points_balance(user_id=user.pk)

    def quote(self, *, user, points: int, cap: Decimal) -> PointsQuote:
        if not points:
            return PointsQuote(points_used=0, discount=Decimal("0.00"))
        balance = selectors.points_balance(user_id=user.pk)
        if balance <= 0:
            raise InvalidInput(
                "points_unavailable", _("You have no points to use yet."), details={"field": "points", "balance": 0}
            )
        used, discount = points_discount(
            points=points, balance=balance, points_per_yuan=int(loyalty_setting("POINTS_PER_YUAN")), cap=cap
        )
        return PointsQuote(points_used=used, discount=discount)

    def hold(self, *, user, order_id: int, points: int) -> None:
        if points:
            services.points_hold(user_id=user.pk, order_id=order_id, points=points)

    def release(self, *, order_id: int) -> None:
        services.points_hold_release(order_id=order_id)

    def consume(self, *, order_id: int) -> None:
        services.points_hold_consume(order_id=order_id)


class LoyaltyShippingBenefit:
    def free_shipping(self, *, user) -> bool:
        return bool(getattr(user, "pk", None)) and selectors.user_tier(user_id=user.pk).free_shipping
