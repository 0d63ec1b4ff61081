"""Reads of coupon use (consumption records)."""

from __future__ import annotations

from django.db.models import QuerySet

from shequ.coupons.models import CouponRedemption, RedemptionStatus


def coupon_uses_for_user(*, user) -> QuerySet[CouponRedemption]:
    """Coupons the person used on paid orders, newest first."""
    return (
        CouponRedemption.objects.filter(user=user, status=RedemptionStatus.USED)
        .select_related("coupon")
        .order_by("-updated_at", "-id")
    )
