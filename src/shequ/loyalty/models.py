"""The loyalty module's tables: an append-only points ledger with its per-person balance row and FIFO lots,
checkout holds, purchase awards (pending → credited), daily check-ins, and the operator-edited earning rules
and tiers.

Invariants kept by ``shequ.loyalty.ledger`` (the only writer), always under the person's PointsAccount row lock:
``PointsAccount.balance == sum(LedgerEntry.points) == sum(PointsLot.remaining)`` and ``balance >= 0``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shequ.core.models import TimeStampedModel


class EntryType(models.TextChoices):
    EARN = "earn", _("earned")
    SPEND = "spend", _("spent")
    EXPIRE = "expire", _("expired")
    ADJUST = "adjust", _("adjusted")
    CLAWBACK = "clawback", _("clawed back")
    HOLD = "hold", _("held for an order")
    RELEASE = "release", _("released from an order")


class LedgerEntry(models.Model):
    """One immutable change of a person's points: signed (positive in, negative out), with why and what for."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    entry_type = models.CharField(_("type"), max_length=10, choices=EntryType.choices)
    kind = models.CharField(_("reason"), max_length=32)
    reference = models.CharField(_("reference"), max_length=80)
    points = models.IntegerField(_("points"))
    balance_after = models.IntegerField(_("balance after"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("points ledger entry")
        verbose_name_plural = _("points ledger")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Idempotency: the same earning (or spend, hold, clawback…) for the same thing is written once.
            models.UniqueConstraint(
                fields=["user", "entry_type", "kind", "reference"], name="loyalty_entry_once_per_reference"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="loyalty_entry_history"),
            models.Index(fields=["user", "kind", "created_at"], name="loyalty_entry_kind_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.entry_type}/{self.kind} {self.points:+d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Ledger entries are immutable: write a new entry instead.")
        super().save(*args, **kwargs)


class PointsAccount(models.Model):
    """The balance derived from the ledger, kept up to date in the same transaction (and rebuildable)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+")
    balance = models.IntegerField(_("available points"), default=0)
    held = models.IntegerField(_("held for unpaid orders"), default=0)
    debt = models.IntegerField(_("points still owed"), default=0)
    earned_total = models.IntegerField(_("earned in total"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="loyalty_balance_not_negative"),
            models.CheckConstraint(condition=Q(held__gte=0), name="loyalty_held_not_negative"),
            models.CheckConstraint(condition=Q(debt__gte=0), name="loyalty_debt_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.balance}"


class PointsLot(models.Model):
    """Points that came in together and expire together; spent first-expiring-first (FIFO)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    entry = models.OneToOneField(LedgerEntry, on_delete=models.CASCADE, related_name="lot")
    points = models.IntegerField()
    remaining = models.IntegerField()
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(remaining__gte=0), name="loyalty_lot_not_negative"),
        ]
        indexes = [
            models.Index(fields=["user", "expires_at", "id"], condition=Q(remaining__gt=0), name="loyalty_lot_open"),
            models.Index(fields=["expires_at"], condition=Q(remaining__gt=0), name="loyalty_lot_due"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.remaining}/{self.points} until {self.expires_at:%Y-%m-%d}"


class LotUse(models.Model):
    """Which lots a hold took its points from, so a cancelled order gives back exactly those (same expiry)."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="+")
    lot = models.ForeignKey(PointsLot, on_delete=models.CASCADE, related_name="+")
    points = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["entry"], name="loyalty_lotuse_entry")]

    def __str__(self) -> str:
        return f"{self.entry_id} ← lot {self.lot_id}: {self.points}"


class HoldStatus(models.TextChoices):
    HELD = "held", _("held")
    RELEASED = "released", _("released")
    CONSUMED = "consumed", _("spent")


class PointsHold(TimeStampedModel):
    """Points set aside for an unpaid order: released on cancel, spent on payment."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    order_id = models.BigIntegerField(unique=True)
    points = models.IntegerField()
    status = models.CharField(max_length=10, choices=HoldStatus.choices, default=HoldStatus.HELD)
    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="+")


class AwardStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    CREDITED = "credited", _("credited")
    CANCELLED = "cancelled", _("cancelled")


class PurchaseAward(TimeStampedModel):
    """Purchase points of one order: pending from payment, credited when the order completes, reduced in
    proportion to refunds (clawed back from the ledger once credited). Also the source of rolling spend."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    order_id = models.BigIntegerField(unique=True)
    order_number = models.CharField(max_length=32, blank=True)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    refunded_total = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    points = models.IntegerField(help_text="points for the full order (tier multiplier at payment)")
    credited = models.IntegerField(default=0)
    clawed_back = models.IntegerField(default=0)
    status = models.CharField(max_length=10, choices=AwardStatus.choices, default=AwardStatus.PENDING)
    paid_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["user", "paid_at"], name="loyalty_award_spend"),
            models.Index(fields=["user", "status"], name="loyalty_award_status"),
        ]

    def __str__(self) -> str:
        return f"order {self.order_id}: {self.points} ({self.status})"


class CheckIn(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day (Asia/Shanghai)"))
    streak = models.PositiveIntegerField(_("streak"))
    points = models.IntegerField(_("points"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="loyalty_checkin_once_a_day")]
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day} ({self.streak})"


class EarningRule(models.Model):
    """How many points an action earns: edited by operators in the admin."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=60)
    points = models.PositiveIntegerField(
        _("points"), help_text=_("Points per action; for purchases: points per yuan paid.")
    )
    daily_cap = models.PositiveIntegerField(
        _("daily cap"), default=0, help_text=_("Most points of this kind a person can earn a day (0: no cap).")
    )
    use_tier_multiplier = models.BooleanField(_("multiply by tier"), default=False)
    active = models.BooleanField(_("active"), default=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("earning rule")
        verbose_name_plural = _("earning rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class StreakBonus(models.Model):
    """Extra points on the N-th consecutive check-in day (and every N days after, when repeating)."""

    streak_days = models.PositiveIntegerField(_("streak days"), unique=True)
    bonus_points = models.PositiveIntegerField(_("bonus points"))
    repeats = models.BooleanField(_("every N days"), default=True)

    class Meta:
        verbose_name = _("check-in streak bonus")
        verbose_name_plural = _("check-in streak bonuses")
        ordering = ["streak_days"]

    def __str__(self) -> str:
        return f"{self.streak_days}: +{self.bonus_points}"


class Tier(models.Model):
    """A membership level: reached by rolling 12-month spend or activity; its benefits."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=40, blank=True)
    rank = models.PositiveIntegerField(
        _("rank"), unique=True, help_text=_("Higher is better; the lowest is the default.")
    )
    min_spend = models.DecimalField(_("12-month spend from"), max_digits=12, decimal_places=2, null=True, blank=True)
    min_activity = models.PositiveIntegerField(
        _("12-month activities from"),
        null=True,
        blank=True,
        help_text=_("Check-ins, posts, reviews with photos, accepted answers, activities."),
    )
    multiplier = models.DecimalField(_("points multiplier"), max_digits=4, decimal_places=2, default=1)
    free_shipping = models.BooleanField(_("free shipping"), default=False)
    dedicated_service = models.BooleanField(_("dedicated customer service"), default=False)
    trial_priority = models.PositiveIntegerField(_("trial priority weight"), default=1)
    benefits = models.TextField(_("benefits shown to members"), blank=True)

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        from django.utils.translation import get_language

        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class UserTier(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+")
    spend = models.DecimalField(_("12-month spend"), max_digits=12, decimal_places=2, default=0)
    activity = models.PositiveIntegerField(_("12-month activities"), default=0)
    downgrade_to = models.ForeignKey(Tier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    downgrade_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("member tier")
        verbose_name_plural = _("member tiers")
        indexes = [models.Index(fields=["downgrade_at"], name="loyalty_tier_downgrade_due")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.tier_id}"
