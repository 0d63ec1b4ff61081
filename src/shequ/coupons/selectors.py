"""Reads of coupon use (consumption records)."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from shequ.coupons.models import CouponRedemption, RedemptionStatus


def coupon_uses_for_user(*, user) -> QuerySet[CouponRedemption]:
    """Coupons the person used on paid orders, newest first."""
    return (
        CouponRedemption.objects.filter(user=user, status=RedemptionStatus.USED)
        .select_related("coupon")
        .order_by("-updated_at", "-id")
    )


# --- the wallet -------------------------------------------------------------------------------------------

WALLET_TABS = ("available", "used", "expired")


def _wallet(user) -> QuerySet:
    from shequ.coupons.models import IssuedCoupon

    return IssuedCoupon.objects.filter(user=user).select_related("template")


def _tab_filter(queryset: QuerySet, tab: str, now) -> QuerySet:
    from django.db.models import Q

    from shequ.coupons.models import IssuedStatus

    live = Q(valid_until__isnull=True) | Q(valid_until__gt=now)
    if tab == "used":
        return queryset.filter(status__in=(IssuedStatus.USED, IssuedStatus.HELD))
    if tab == "expired":
        return queryset.filter(status=IssuedStatus.AVAILABLE, valid_until__lte=now)
    return queryset.filter(live, status=IssuedStatus.AVAILABLE)


def wallet_list(*, user, tab: str = "available") -> QuerySet:
    """My wallet coupons in one tab: available (soonest to expire first), used, expired (newest first)."""
    from django.utils import timezone

    tab = tab if tab in WALLET_TABS else "available"
    queryset = _tab_filter(_wallet(user), tab, timezone.now())
    if tab == "available":
        return queryset.order_by(models.F("valid_until").asc(nulls_last=True), "-id")
    if tab == "used":
        return queryset.order_by("-updated_at", "-id")
    return queryset.order_by("-valid_until", "-id")


def wallet_counts(*, user) -> dict[str, int]:
    """How many coupons each tab of my wallet holds (one query)."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from shequ.coupons.models import IssuedCoupon, IssuedStatus

    now = timezone.now()
    live = Q(valid_until__isnull=True) | Q(valid_until__gt=now)
    return IssuedCoupon.objects.filter(user=user).aggregate(
        available=Count("id", filter=live & Q(status=IssuedStatus.AVAILABLE)),
        used=Count("id", filter=Q(status__in=(IssuedStatus.USED, IssuedStatus.HELD))),
        expired=Count("id", filter=Q(status=IssuedStatus.AVAILABLE, valid_until__lte=now)),
    )


def wallet_for_checkout(*, user, limit: int = 30) -> list:
    """The wallet coupons I could pick at checkout (available, not expired, started)."""
    from django.utils import timezone

    return list(wallet_list(user=user, tab="available").filter(valid_from__lte=timezone.now())[:limit])


def issued_stats(*, template_ids=None, source: str = "", reference: str = "") -> dict[str, int]:
    """Issued and used counts of coupons (of some templates, or from one source/reference) — for operators."""
    from django.db.models import Count, Q

    from shequ.coupons.models import IssuedCoupon, IssuedStatus

    queryset = IssuedCoupon.objects.all()
    if template_ids is not None:
        queryset = queryset.filter(template_id__in=list(template_ids))
    if source:
        queryset = queryset.filter(source=source, reference=reference)
    return queryset.aggregate(issued=Count("id"), used=Count("id", filter=Q(status=IssuedStatus.USED)))


def template_by_code(*, code: str):
    """The template with this code, or None (for other modules' forms and seeds)."""
    from shequ.coupons.models import CouponTemplate

    return CouponTemplate.objects.filter(code=code).first()
