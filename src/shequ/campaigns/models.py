"""Campaigns, new-user tasks, new-product trials and the points mall.

A Campaign groups what operators run for a while (coupons to claim, a topic challenge, a trial, a points
event, mall items) with a target segment and UTM links; orders record ``utm_campaign`` = the campaign's code,
so its effect is measurable. Onboarding tasks are completed by domain events and claimed once. A trial's
winners get a zero-price order and owe a review. Mall items cost points; each redemption is idempotent on the
buyer's key, so a double click spends once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shequ.coupons.models import SegmentFields


class Campaign(SegmentFields):
    code = models.SlugField(_("code"), max_length=60, unique=True, help_text=_("Also the utm_campaign of its links."))
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    landing_path = models.CharField(
        _("landing page"),
        max_length=200,
        default="",
        blank=True,
        help_text=_("Site path links go to; empty: the campaign page."),
    )
    channels = models.CharField(
        _("channels"), max_length=200, default="wechat,weibo,sms", help_text=_("Comma-separated utm_source values.")
    )
    utm_medium = models.CharField(_("utm_medium"), max_length=40, default="social")
    coupon_templates = models.ManyToManyField(
        "coupons.CouponTemplate", blank=True, related_name="+", verbose_name=_("coupons to claim")
    )
    topic_id = models.BigIntegerField(_("topic challenge (topic id)"), null=True, blank=True)
    participation_points = models.PositiveIntegerField(
        _("points event: points for taking part"), default=0, help_text=_("0: no points event.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["is_active", "starts_at", "ends_at"], name="campaign_live")]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="campaign_window")]

    def __str__(self) -> str:
        return self.name


class CampaignParticipation(models.Model):
    """Someone took part in a campaign (claimed its coupons or points) — once per person."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "user"], name="campaign_participate_once")]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.user_id}"


# --- onboarding tasks -------------------------------------------------------------------------------------


class TaskCode(models.TextChoices):
    COMPLETE_PROFILE = "complete_profile", _("Complete your profile")
    SET_PREFERENCES = "set_preferences", _("Tell us what you like")
    FIRST_CHECKIN = "first_checkin", _("Check in for the first time")
    FIRST_POST = "first_post", _("Publish your first post")
    FIRST_ORDER = "first_order", _("Place your first order")


class OnboardingTask(models.Model):
    """What one new-user task rewards (operators change points and coupon; the completion rule is code)."""

    code = models.CharField(_("task"), max_length=20, choices=TaskCode.choices, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    points = models.PositiveIntegerField(_("points"), default=0)
    coupon_template = models.ForeignKey(
        "coupons.CouponTemplate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("coupon"),
    )
    link = models.CharField(_("where to do it"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("new-user task")
        verbose_name_plural = _("new-user tasks")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.get_code_display()


class TaskProgress(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=20, choices=TaskCode.choices)
    completed_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("task progress")
        verbose_name_plural = _("task progress")
        constraints = [models.UniqueConstraint(fields=["user", "code"], name="campaign_task_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.code}"


class ContentCredit(models.Model):
    """One published post or review counted for trial selection (kept from domain events)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8)  # post | review
    object_id = models.BigIntegerField()
    photo_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="campaign_content_once")]
        indexes = [models.Index(fields=["user"], name="campaign_content_user")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


# --- trials -----------------------------------------------------------------------------------------------


class TrialStatus(models.TextChoices):
    OPEN = "open", _("Taking applications")
    DRAWN = "drawn", _("Winners chosen")
    CLOSED = "closed", _("Closed")


class Trial(models.Model):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="trials", verbose_name=_("campaign")
    )
    title = models.CharField(_("title"), max_length=80)
    title_en = models.CharField(_("English title"), max_length=120, blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    sku = models.ForeignKey("catalog.SKU", on_delete=models.PROTECT, related_name="+", verbose_name=_("SKU"))
    units = models.PositiveIntegerField(_("free units"))
    apply_starts_at = models.DateTimeField(_("applications open"))
    apply_ends_at = models.DateTimeField(_("applications close"))
    review_deadline = models.DateTimeField(_("review due by"))
    status = models.CharField(_("status"), max_length=8, choices=TrialStatus.choices, default=TrialStatus.OPEN)
    seed = models.CharField(
        _("draw seed"), max_length=40, blank=True, help_text=_("Makes the weighted draw repeatable.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("new-product trial")
        verbose_name_plural = _("new-product trials")
        ordering = ["-apply_starts_at", "-id"]
        indexes = [models.Index(fields=["status", "apply_ends_at"], name="campaign_trial_open")]
        constraints = [
            models.CheckConstraint(condition=Q(units__gte=1), name="campaign_trial_units"),
            models.CheckConstraint(
                condition=Q(apply_ends_at__gt=models.F("apply_starts_at")), name="campaign_trial_window"
            ),
            models.CheckConstraint(
                condition=Q(review_deadline__gt=models.F("apply_ends_at")), name="campaign_trial_review_after"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    WON = "won", _("Selected")
    LOST = "lost", _("Not selected")


class TrialApplication(models.Model):
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="applications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    address_id = models.BigIntegerField(_("address"))
    status = models.CharField(
        _("status"), max_length=8, choices=ApplicationStatus.choices, default=ApplicationStatus.APPLIED
    )
    weight = models.PositiveIntegerField(_("draw weight"), default=1)
    order_id = models.BigIntegerField(_("order"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_id = models.BigIntegerField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    flagged_at = models.DateTimeField(_("no review by the deadline"), null=True, blank=True)
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)

    class Meta:
        verbose_name = _("trial application")
        verbose_name_plural = _("trial applications")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["trial", "user"], name="campaign_trial_apply_once")]
        indexes = [
            models.Index(fields=["trial", "status"], name="campaign_application_trial"),
            models.Index(fields=["user", "-created_at"], name="campaign_application_user"),
            models.Index(fields=["status", "reviewed_at", "flagged_at"], name="campaign_application_review"),
        ]

    def __str__(self) -> str:
        return f"{self.trial_id}/{self.user_id}"


# --- points mall ------------------------------------------------------------------------------------------


class MallItemKind(models.TextChoices):
    COUPON = "coupon", _("Coupon")
    PRODUCT = "product", _("Product")
    ACTIVITY = "activity", _("Activity entry")


class MallItem(models.Model):
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mall_items",
        verbose_name=_("campaign"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MallItemKind.choices)
    title = models.CharField(_("title"), max_length=80)
    title_en = models.CharField(_("English title"), max_length=120, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    image_url = models.CharField(_("image"), max_length=300, blank=True)
    points_cost = models.PositiveIntegerField(_("points"))
    stock = models.PositiveIntegerField(_("left"), default=0)
    per_user_limit = models.PositiveIntegerField(_("per person"), null=True, blank=True, default=1)
    coupon_template = models.ForeignKey(
        "coupons.CouponTemplate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("coupon"),
    )
    sku = models.ForeignKey(
        "catalog.SKU", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("SKU")
    )
    starts_at = models.DateTimeField(_("from"), null=True, blank=True)
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("points mall item")
        verbose_name_plural = _("points mall items")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["is_active", "position"], name="campaign_mall_live")]
        constraints = [
            models.CheckConstraint(condition=Q(points_cost__gte=1), name="campaign_mall_cost"),
            models.CheckConstraint(
                condition=~Q(kind="coupon") | Q(coupon_template__isnull=False), name="campaign_mall_coupon"
            ),
            models.CheckConstraint(condition=~Q(kind="product") | Q(sku__isnull=False), name="campaign_mall_sku"),
        ]

    def __str__(self) -> str:
        return self.title


class MallRedemption(models.Model):
    item = models.ForeignKey(MallItem, on_delete=models.PROTECT, related_name="redemptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    points = models.PositiveIntegerField(_("points"))
    idempotency_key = models.CharField(max_length=64)
    order_id = models.BigIntegerField(_("order"), null=True, blank=True)
    issued_coupon_id = models.BigIntegerField(_("coupon"), null=True, blank=True)
    created_at = models.DateTimeField(_("redeemed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("points redemption")
        verbose_name_plural = _("points redemptions")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "idempotency_key"], name="campaign_redeem_idempotent")]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="campaign_redeem_user"),
            models.Index(fields=["item", "user"], name="campaign_redeem_item_user"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}/{self.user_id}"
