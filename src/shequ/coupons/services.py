"""Coupons at checkout: check one against a basket, hold it for an unpaid order, then use or give it back.

Limits are counted from redemptions that are held or used, so a cancelled order's coupon can be used again.
Holding locks the coupon row for the rest of the placing transaction: two orders racing for the last use
(or a person's last use) of one coupon queue on that row instead of both getting it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.core.errors import Conflict, InvalidInput
from shequ.coupons.calculations import coupon_discount
from shequ.coupons.models import Coupon, CouponRedemption, RedemptionStatus
from shequ.coupons.wallet import (
    CouponLine,
    WalletQuote,
    coupon_claim,
    coupon_grant,
    wallet_coupons_consume,
    wallet_coupons_hold,
    wallet_coupons_quote,
    wallet_coupons_release,
)

__all__ = [
    "CouponLine",
    "CouponQuote",
    "WalletQuote",
    "coupon_claim",
    "coupon_consume",
    "coupon_grant",
    "coupon_hold",
    "coupon_quote",
    "coupon_release",
    "coupon_save",
    "coupon_template_save",
    "coupon_template_validate",
    "coupon_validate",
    "wallet_coupons_hold",
    "wallet_coupons_quote",
]

LIVE = (RedemptionStatus.HELD, RedemptionStatus.USED)


@dataclass(frozen=True)
class CouponQuote:
    coupon: Coupon
    discount: Decimal


def normalise_code(code: str) -> str:
    return (code or "").strip().upper()[:32]


def _error(code: str, message, **details) -> InvalidInput:
    return InvalidInput(code, message, details={"field": "coupon_code", **details})


def _check_rules(*, coupon: Coupon, user, items_total: Decimal) -> Decimal:
    now = timezone.now()
    if coupon.starts_at and now < coupon.starts_at:
        raise _error("coupon_not_started", _("This coupon cannot be used yet."))
    if coupon.ends_at and now >= coupon.ends_at:
        raise _error("coupon_expired", _("This coupon has expired."))
    if items_total < coupon.min_spend:
        raise _error(
            "coupon_min_spend",
            _("Spend at least ¥%(amount)s to use this coupon.") % {"amount": coupon.min_spend},
            min_spend=str(coupon.min_spend),
        )
    if coupon.total_limit is not None:
        used = CouponRedemption.objects.filter(coupon=coupon, status__in=LIVE).count()
        if used >= coupon.total_limit:
            raise _error("coupon_used_up", _("This coupon has all been claimed."))
    mine = CouponRedemption.objects.filter(coupon=coupon, user=user, status__in=LIVE).count()
    if mine >= coupon.per_user_limit:
        raise _error("coupon_limit_reached", _("You have already used this coupon as often as allowed."))
    return coupon_discount(
        kind=coupon.kind,
        items_total=items_total,
        amount=coupon.amount,
        percent=coupon.percent,
        max_discount=coupon.max_discount,
    )


def coupon_quote(*, code: str, user, items_total: Decimal) -> CouponQuote:
    """What a coupon code takes off this basket for this person (InvalidInput with a coupon_* code if not)."""
    coupon = Coupon.objects.filter(code=normalise_code(code), is_active=True).first() if normalise_code(code) else None
    if coupon is None:
        raise _error("coupon_not_found", _("No such coupon."))
    return CouponQuote(coupon=coupon, discount=_check_rules(coupon=coupon, user=user, items_total=items_total))


def coupon_hold(*, coupon: Coupon, user, order_id: int, discount: Decimal) -> CouponRedemption:
    """Reserve one use of the coupon for an unpaid order, re-checking the limits under the coupon's row lock."""
    with transaction.atomic():
        locked = Coupon.objects.select_for_update().get(pk=coupon.pk)
        if not locked.is_active:
            raise _error("coupon_not_found", _("No such coupon."))
        now = timezone.now()
        if (locked.starts_at and now < locked.starts_at) or (locked.ends_at and now >= locked.ends_at):
            raise _error("coupon_expired", _("This coupon has expired."))
        taken = CouponRedemption.objects.filter(coupon=locked, status__in=LIVE)
        if locked.total_limit is not None and taken.count() >= locked.total_limit:
            raise Conflict("coupon_used_up", _("This coupon has all been claimed."), details={"field": "coupon_code"})
        if CouponRedemption.objects.filter(coupon=locked, user=user, status__in=LIVE).count() >= locked.per_user_limit:
            raise Conflict(
                "coupon_limit_reached",
                _("You have already used this coupon as often as allowed."),
                details={"field": "coupon_code"},
            )
        return CouponRedemption.objects.create(coupon=locked, user=user, order_id=order_id, discount=discount)


def coupon_release(*, order_id: int) -> int:
    """The unpaid order was cancelled: its coupons (code and wallet) can be used again. Safe to call again."""
    released = CouponRedemption.objects.filter(order_id=order_id, status=RedemptionStatus.HELD).update(
        status=RedemptionStatus.RELEASED, updated_at=timezone.now()
    )
    return released + wallet_coupons_release(order_id=order_id)


def coupon_consume(*, order_id: int) -> int:
    """The order was paid: its held coupons (code and wallet) are used for good. Safe to call again."""
    consumed = CouponRedemption.objects.filter(order_id=order_id, status=RedemptionStatus.HELD).update(
        status=RedemptionStatus.USED, updated_at=timezone.now()
    )
    return consumed + wallet_coupons_consume(order_id=order_id)


def coupon_save(*, coupon: Coupon) -> Coupon:
    """Create or change a coupon (back office), checking that its numbers make sense for its kind."""
    coupon_validate(coupon=coupon)
    coupon.code = normalise_code(coupon.code)
    coupon.save()
    return coupon


def coupon_validate(*, coupon) -> None:
    """The rules a coupon's (or a template's) fields must satisfy for its kind (also used by the admin forms)."""
    from shequ.coupons.models import CouponKind

    if coupon.kind in (CouponKind.FIXED, CouponKind.THRESHOLD) and not coupon.amount:
        raise InvalidInput("coupon_amount_required", _("Enter the amount off."), details={"field": "amount"})
    if coupon.kind == CouponKind.PERCENT and not coupon.percent:
        raise InvalidInput("coupon_percent_required", _("Enter the percent off (1–99)."), details={"field": "percent"})
    if coupon.kind == CouponKind.THRESHOLD and coupon.min_spend <= (coupon.amount or 0):
        raise InvalidInput(
            "coupon_threshold_invalid",
            _("For spend-X-save-Y the minimum spend must be more than the amount off."),
            details={"field": "min_spend"},
        )
    starts_at, ends_at = getattr(coupon, "starts_at", None), getattr(coupon, "ends_at", None)
    if starts_at and ends_at and ends_at <= starts_at:
        raise InvalidInput("coupon_window_invalid", _("The end must be after the start."), details={"field": "ends_at"})


def coupon_template_validate(*, template) -> None:
    """A template's numbers must make sense for its kind, and its validity be a window or a number of days."""
    coupon_validate(coupon=template)
    if template.valid_from and template.valid_until and template.valid_until <= template.valid_from:
        raise InvalidInput(
            "coupon_window_invalid", _("The end must be after the start."), details={"field": "valid_until"}
        )
    if template.valid_days is not None and template.valid_days < 1:
        raise InvalidInput(
            "coupon_valid_days_invalid", _("Valid for at least one day."), details={"field": "valid_days"}
        )


def coupon_template_save(*, template):
    """Create or change a coupon template (back office)."""
    coupon_template_validate(template=template)
    template.claim_code = (template.claim_code or "").strip().upper()[:32]
    template.save()
    return template
