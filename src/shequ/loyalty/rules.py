"""Earning rules and tiers as data: the defaults a fresh database starts with (operators change them in the
admin), and the lookups the services use."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from shequ.loyalty.models import EarningRule, StreakBonus, Tier

# Rule codes. "purchase" counts points per yuan paid; the others per action.
PURCHASE = "purchase"
REVIEW_PHOTO = "review_photo"
POST = "post"
ANSWER_ACCEPTED = "answer_accepted"
CHECKIN = "checkin"
ACTIVITY = "activity"
ONBOARDING = "onboarding"

DEFAULT_RULES: dict[str, dict] = {
    PURCHASE: {"name": "购物", "points": 1, "daily_cap": 0, "use_tier_multiplier": True},
    REVIEW_PHOTO: {"name": "带图评价", "points": 20, "daily_cap": 100},
    POST: {"name": "发帖", "points": 10, "daily_cap": 30},
    ANSWER_ACCEPTED: {"name": "回答被采纳", "points": 15, "daily_cap": 60},
    CHECKIN: {"name": "每日签到", "points": 5, "daily_cap": 0},
    ACTIVITY: {"name": "参与活动", "points": 20, "daily_cap": 100},
    ONBOARDING: {"name": "新手任务", "points": 50, "daily_cap": 0},
}
DEFAULT_STREAK_BONUSES = [(3, 5, True), (7, 20, True), (30, 100, False)]

# Earnings that count as "activity" for tiers (purchases count as spend instead).
ACTIVITY_KINDS = (CHECKIN, POST, REVIEW_PHOTO, ANSWER_ACCEPTED, ACTIVITY)

DEFAULT_TIERS = [
    {"code": "member", "name": "普通会员", "name_en": "Member", "rank": 0, "multiplier": Decimal("1")},
    {
        "code": "silver",
        "name": "白银会员",
        "name_en": "Silver",
        "rank": 10,
        "min_spend": Decimal("500"),
        "min_activity": 60,
        "multiplier": Decimal("1.2"),
        "trial_priority": 2,
    },
    {
        "code": "gold",
        "name": "黄金会员",
        "name_en": "Gold",
        "rank": 20,
        "min_spend": Decimal("2000"),
        "min_activity": 200,
        "multiplier": Decimal("1.5"),
        "free_shipping": True,
        "trial_priority": 3,
    },
    {
        "code": "platinum",
        "name": "铂金会员",
        "name_en": "Platinum",
        "rank": 30,
        "min_spend": Decimal("8000"),
        "multiplier": Decimal("2"),
        "free_shipping": True,
        "dedicated_service": True,
        "trial_priority": 5,
    },
]

KIND_LABELS = {
    PURCHASE: _("Purchase"),
    REVIEW_PHOTO: _("Review with photos"),
    POST: _("Post"),
    ANSWER_ACCEPTED: _("Answer accepted"),
    CHECKIN: _("Daily check-in"),
    "checkin_streak": _("Check-in streak bonus"),
    ACTIVITY: _("Activity"),
    ONBOARDING: _("Getting-started task"),
    "checkout": _("Paid part of an order"),
    "expiry": _("Expired"),
    "operator": _("Adjusted by customer service"),
    "debt_recovery": _("Owed points recovered"),
    "mall": _("Points mall"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def rule_get(code: str) -> EarningRule | None:
    """The rule for ``code`` (created from the defaults on first use); None for an unknown code."""
    rule = EarningRule.objects.filter(code=code).first()
    if rule is None and code in DEFAULT_RULES:
        try:
            with transaction.atomic():
                rule = EarningRule.objects.create(code=code, **DEFAULT_RULES[code])
        except IntegrityError:
            rule = EarningRule.objects.get(code=code)
    return rule


def rules_ensure() -> None:
    """Create the default rules, streak bonuses and tiers that do not exist yet (seed, first use)."""
    for code in DEFAULT_RULES:
        rule_get(code)
    if not StreakBonus.objects.exists():
        StreakBonus.objects.bulk_create(
            [StreakBonus(streak_days=d, bonus_points=p, repeats=r) for d, p, r in DEFAULT_STREAK_BONUSES]
        )
    tiers_ensure()


def tiers_ensure() -> list[Tier]:
    """The tiers, lowest first (the defaults are created when there are none)."""
    tiers = list(Tier.objects.order_by("rank"))
    if not tiers:
        try:
            with transaction.atomic():
                Tier.objects.bulk_create([Tier(**spec) for spec in DEFAULT_TIERS])
        except IntegrityError:
            pass
        tiers = list(Tier.objects.order_by("rank"))
    return tiers


def streak_bonus(streak: int) -> int:
    """Bonus points for the ``streak``-th consecutive check-in day."""
    bonus = 0
    for rule in StreakBonus.objects.all():
        if streak == rule.streak_days or (rule.repeats and streak % rule.streak_days == 0):
            bonus += rule.bonus_points
    return bonus
