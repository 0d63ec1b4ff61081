"""Points at checkout, behind an interface the loyalty module fills in.

Orders only knows this protocol. The default provider says "no points here": a request for 0 points is fine
and anything more is refused with ``points_unavailable``. The loyalty module points
``SHEQU_ORDERS["POINTS_PROVIDER"]`` at its own implementation (ledger, holds, expiry).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Protocol

from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from shequ.core.errors import InvalidInput
from shequ.orders.calculations import ZERO
from shequ.orders.conf import orders_setting


@dataclass(frozen=True)
class PointsQuote:
    points_used: int
    discount: Decimal


class PointsProvider(Protocol):
    def balance(self, *, user) -> int:
        """Points the person can spend now."""

    def quote(self, *, user, points: int, cap: Decimal) -> PointsQuote:
        """Money off for spending ``points`` (at most ``cap``); InvalidInput when they cannot be used."""

    def hold(self, *, user, order_id: int, points: int) -> None:
        """Set the points aside for an unpaid order (inside the placing transaction)."""

    def release(self, *, order_id: int) -> None:
        """The order was cancelled: give the held points back. Safe to call again."""

    def consume(self, *, order_id: int) -> None:
        """The order was paid: the held points are spent. Safe to call again."""


class NoPointsProvider:
    """Until the loyalty module exists: nobody has points to spend."""

    def balance(self, *, user) -> int:
        return 0

    def quote(self, *, user, points: int, cap: Decimal) -> PointsQuote:
        if points:
            raise InvalidInput("points_unavailable", _("Points cannot be used yet."), details={"field": "points"})
        return PointsQuote(points_used=0, discount=ZERO)

    def hold(self, *, user, order_id: int, points: int) -> None:
        if points:
            raise InvalidInput("points_unavailable", _("Points cannot be used yet."), details={"field": "points"})

    def release(self, *, order_id: int) -> None:
        return None

    def consume(self, *, order_id: int) -> None:
        return None


class ShippingBenefit(Protocol):
    def free_shipping(self, *, user) -> bool:
        """Whether this buyer's deliveries are free (a member benefit)."""


class NoShippingBenefit:
    """Until the loyalty module says otherwise: everybody pays the carrier's fee."""

    def free_shipping(self, *, user) -> bool:
        return False


@cache
def _provider_class(path: str):
    return import_string(path)


def points_provider() -> PointsProvider:
    return _provider_class(orders_setting("POINTS_PROVIDER"))()


def shipping_benefit() -> ShippingBenefit:
    return _provider_class(orders_setting("SHIPPING_BENEFIT_PROVIDER"))()
