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
    stackable = models.BooleanField(
        _("stackable"), default=False, help_text=_("Can be combined with other coupons on one order.")
    )

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


# --- Wallet coupons: templates issued to people -----------------------------------------------------------


class CouponTemplate(TimeStampedModel):
    """An offer issued into people's wallets (by an operator, a segment batch, a campaign, a claim code,
    points, tasks or a tier rule). Each issue is an IssuedCoupon with its own validity."""

    code = models.SlugField(
        _("template code"), max_length=40, unique=True, help_text=_("Internal id, e.g. new-user-10")
    )
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=CouponKind.choices)
    amount = models.DecimalField(_("amount off"), **MONEY, null=True, blank=True)
    percent = models.PositiveSmallIntegerField(_("percent off"), null=True, blank=True)
    max_discount = models.DecimalField(_("maximum discount"), **MONEY, null=True, blank=True)
    min_spend = models.DecimalField(_("minimum spend"), **MONEY, default=0)
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    valid_days = models.PositiveIntegerField(
        _("valid for days after issue"), null=True, blank=True, help_text=_("Leave empty to use the fixed window.")
    )
    per_user_limit = models.PositiveIntegerField(
        _("issues per person"), null=True, blank=True, default=1, help_text=_("Empty: no limit.")
    )
    total_limit = models.PositiveIntegerField(_("total issues"), null=True, blank=True)
    issued_count = models.PositiveIntegerField(_("issued"), default=0, editable=False)
    stackable = models.BooleanField(
        _("stackable"), default=False, help_text=_("Can be combined with other coupons on one order.")
    )
    categories = models.ManyToManyField(
        "catalog.Category", blank=True, related_name="+", verbose_name=_("only for categories")
    )
    products = models.ManyToManyField(
        "catalog.Product", blank=True, related_name="+", verbose_name=_("only for products")
    )
    claim_code = models.CharField(
        _("claim code"), max_length=32, blank=True, help_text=_("People who type it on My coupons get one.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("coupon template")
        verbose_name_plural = _("coupon templates")
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__gte=1, percent__lte=99), name="coupon_tpl_percent_range"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0), name="coupon_tpl_amount_positive"
            ),
            models.UniqueConstraint(fields=["claim_code"], condition=~Q(claim_code=""), name="coupon_tpl_claim_code"),
            models.CheckConstraint(
                condition=Q(total_limit__isnull=True) | Q(issued_count__lte=models.F("total_limit")),
                name="coupon_tpl_issued_le_limit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IssueSource(models.TextChoices):
    ADMIN = "admin", _("Operator")
    SEGMENT = "segment", _("Segment issuance")
    CAMPAIGN = "campaign", _("Campaign")
    CLAIM_CODE = "claim_code", _("Claim code")
    POINTS = "points", _("Points mall")
    TASK = "task", _("Onboarding task")
    TIER_MONTHLY = "tier_monthly", _("Monthly tier coupon")
    BIRTHDAY = "birthday", _("Birthday gift")
    OTHER = "other", _("Other")


class IssuedStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    HELD = "held", _("Held by an unpaid order")
    USED = "used", _("Used")
    VOID = "void", _("Withdrawn")


class IssuedCoupon(models.Model):
    """One coupon in one person's wallet. Expired = still available but past ``valid_until``."""

    template = models.ForeignKey(CouponTemplate, on_delete=models.PROTECT, related_name="issued")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="wallet_coupons")
    source = models.CharField(_("source"), max_length=16, choices=IssueSource.choices)
    reference = models.CharField(_("reference"), max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=IssuedStatus.choices, default=IssuedStatus.AVAILABLE)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    order_id = models.BigIntegerField(null=True, blank=True)
    discount = models.DecimalField(**MONEY, null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("issued coupon")
        verbose_name_plural = _("issued coupons")
        constraints = [
            models.UniqueConstraint(fields=["template", "user", "source", "reference"], name="coupon_issue_once")
        ]
        indexes = [
            models.Index(fields=["user", "status", "valid_until"], name="coupon_wallet_user"),
            models.Index(fields=["order_id"], name="coupon_wallet_order"),
            models.Index(fields=["status", "valid_until", "reminded_at"], name="coupon_wallet_expiring"),
            models.Index(fields=["template", "status"], name="coupon_wallet_template"),
            models.Index(fields=["source", "reference"], name="coupon_wallet_source"),
        ]

    def __str__(self) -> str:
        return f"{self.template_id} → user {self.user_id} ({self.status})"


class SegmentKind(models.TextChoices):
    ALL = "all", _("All users")
    TIER = "tier", _("Users in tiers")
    JOINED = "joined", _("Registered between dates")


class SegmentFields(models.Model):
    """Who a batch or a campaign targets (shared shape; see coupons/segments.py)."""

    segment = models.CharField(_("segment"), max_length=8, choices=SegmentKind.choices, default=SegmentKind.ALL)
    tier_codes = models.CharField(
        _("tier codes"), max_length=200, blank=True, help_text=_("Comma-separated, for the tier segment.")
    )
    joined_from = models.DateTimeField(_("registered from"), null=True, blank=True)
    joined_until = models.DateTimeField(_("registered until"), null=True, blank=True)

    class Meta:
        abstract = True


class BatchStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Issuing")
    DONE = "done", _("Done")


class CouponBatch(SegmentFields):
    """An operator's "issue this template to this segment", run by a task."""

    template = models.ForeignKey(CouponTemplate, on_delete=models.PROTECT, related_name="batches")
    status = models.CharField(_("status"), max_length=8, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    issued = models.PositiveIntegerField(_("issued"), default=0)
    created_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("segment issuance")
        verbose_name_plural = _("segment issuances")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.template_id} → {self.get_segment_display()}"


class RuleKind(models.TextChoices):
    TIER_MONTHLY = "tier_monthly", _("Monthly coupon for tiers")
    BIRTHDAY = "birthday", _("Birthday gift (birthday month)")


class CouponRule(models.Model):
    """An automatic issuance, run by a daily task: a template each month to people in some tiers, or in
    their birthday month (once a year)."""

    kind = models.CharField(_("kind"), max_length=16, choices=RuleKind.choices)
    template = models.ForeignKey(CouponTemplate, on_delete=models.PROTECT, related_name="rules")
    tier_codes = models.CharField(
        _("tier codes"), max_length=200, blank=True, help_text=_("Comma-separated; empty: every tier.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("automatic coupon rule")
        verbose_name_plural = _("automatic coupon rules")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.template_id}"
