"""Shipping fees: which of a carrier's rates applies to a province, and what a parcel costs under it.

Pure functions over ShippingRate rows (no queries), in Decimal throughout. The rules:

* a rate that lists the province beats the carrier's catch-all rate (the one with no provinces);
* the catch-all covers the mainland only — Hong Kong, Macau and Taiwan need a rate that names them, because
  domestic express networks do not reach them by default and a silent mainland price there would be wrong;
* the parcel weighs at least the first weight; every started extra unit is charged in full;
* the fee is zero when the items total reaches the rate's free-shipping threshold.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from shequ.accounts.vocabulary import PROVINCES
from shequ.core.errors import InvalidInput
from shequ.logistics.error_codes import LogisticsErrorCode as Code
from shequ.logistics.models import ShippingRate

CENT = Decimal("0.01")
OUTSIDE_MAINLAND = frozenset({"香港特别行政区", "澳门特别行政区", "台湾省"})
MAX_WEIGHT_GRAMS = 1_000_000  # one tonne: beyond this it is freight, not a parcel


def province_normalise(value: str) -> str:
    """Return the official province name for ``value`` ("浙江" → "浙江省"); unknown names are InvalidInput."""
    name = (value or "").strip()
    if name in PROVINCES:
        return name
    if len(name) >= 2:
        matches = [province for province in PROVINCES if province.startswith(name)]
        if len(matches) == 1:
            return matches[0]
    raise InvalidInput(Code.PROVINCE_UNKNOWN, _("We do not deliver to that region."), details={"field": "province"})


def parcel_check(*, weight_grams: int, items_total: Decimal) -> None:
    if not isinstance(weight_grams, int) or weight_grams < 0 or weight_grams > MAX_WEIGHT_GRAMS:
        raise InvalidInput(Code.PARCEL_INVALID, _("The parcel weight is not valid."), details={"field": "weight_grams"})
    if not isinstance(items_total, Decimal) or not items_total.is_finite() or items_total < 0:
        raise InvalidInput(Code.PARCEL_INVALID, _("The items total is not valid."), details={"field": "items_total"})


def parcel_weight_grams(lines: Iterable[tuple[int, int]]) -> int:
    """Weight of a parcel from (weight in grams of one unit, quantity) lines."""
    return sum(max(0, weight) * max(0, quantity) for weight, quantity in lines)


def rate_for_province(rates: Iterable[ShippingRate], province: str) -> ShippingRate | None:
    """The rate that applies to ``province`` (already normalised), or None if the carrier does not go there."""
    catch_all = None
    for rate in sorted(rates, key=lambda r: r.pk or 0):
        if province in (rate.provinces or []):
            return rate
        if not rate.provinces and catch_all is None:
            catch_all = rate
    if province in OUTSIDE_MAINLAND:
        return None
    return catch_all


def rate_fee(rate: ShippingRate, *, weight_grams: int, items_total: Decimal) -> tuple[Decimal, bool]:
    """(fee, free) for a parcel under ``rate``."""
    if rate.free_over is not None and items_total >= rate.free_over:
        return Decimal("0.00"), True
    weight = max(weight_grams, rate.first_weight_grams)
    extra_grams = weight - rate.first_weight_grams
    unit = rate.extra_unit_grams or 1
    extra_units = -(-extra_grams // unit)  # ceiling division: a started unit is a whole unit
    fee = Decimal(rate.first_fee) + Decimal(rate.extra_fee) * extra_units
    return fee.quantize(CENT, rounding=ROUND_HALF_UP), False
