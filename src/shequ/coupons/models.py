"""Coupons: fixed amount off, percent off, and spend-X-save-Y (满减), with validity and usage limits.

A Coupon is the offer; a CouponRedemption ties one use of it to one order, so per-user and total limits are
counted from redemptions (and a cancelled order gives its redemption back). The loyalty module extends this
with templates, issuance to users' wallets and stacking rules.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shequ.core.models import TimeStampedModel

MONEY = {"max_digits": 10, "decimal_places": 2}


class CouponKind(models.TextChoices):
    FIXED = "fixed", _("Amount off")
    PERCENT = "percent", _("Percent off")
    THRESHOLD = "threshold", _("Spend X, save Y")


class Coupon(TimeStampedModel):
    code = models.CharField(_("code"), max_length=32, unique=True, help_text=_("What buyers type, e.g. MILK20"))
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=CouponKind.choices)
    amount = models.DecimalField(_("amount off"), **MONEY, null=True, blank=True)
    percent = models.PositiveSmallIntegerField(_("percent off"), null=True, blank=True)
    max_discount = models.DecimalField(_("maximum discount"), **MONEY, null=True, blank=True)
    min_spend = models.DecimalField(_("minimum spend"), **MONEY, default=0)
    starts_at = models.DateTimeField(_("valid from"), null=True, blank=True)
    ends_at = models.DateTimeField(_("valid until"), null=True, blank=True)
    per_user_limit = models.PositiveIntegerField(_("uses per person"), default=1)
    total_limit = models.PositiveIntegerField(_("total uses"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__gte=1, percent__lte=99), name="coupon_percent_range"
            ),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gt=0), name="coupon_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RedemptionStatus(models.TextChoices):
    HELD = "held", _("Held by an unpaid order")
    USED = "used", _("Used")
    RELEASED = "released", _("Released")


class CouponRedemption(models.Model):
    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="redemptions")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="coupon_redemptions")
    order_id = models.BigIntegerField()
    discount = models.DecimalField(**MONEY)
    status = models.CharField(max_length=10, choices=RedemptionStatus.choices, default=RedemptionStatus.HELD)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("coupon use")
        verbose_name_plural = _("coupon uses")
        indexes = [
            models.Index(fields=["coupon", "user", "status"], name="coupon_redemption_user"),
            models.Index(fields=["order_id"], name="coupon_redemption_order"),
        ]
        constraints = [models.UniqueConstraint(fields=["coupon", "order_id"], name="coupon_once_per_order")]

    def __str__(self) -> str:
        return f"{self.coupon_id} → order {self.order_id}"
