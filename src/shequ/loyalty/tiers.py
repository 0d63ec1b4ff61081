"""Tiers: computed from rolling 12-month spend (paid orders less refunds, from PurchaseAward) and activity
(earnings of the activity kinds in the ledger). Upgrades apply at once; a downgrade is announced and applied
at the end of the month (unless the person qualifies again by then).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _t

from shequ.loyalty.ledger import day_start, local_day
from shequ.loyalty.models import EntryType, LedgerEntry, PurchaseAward, Tier, UserTier
from shequ.loyalty.rules import ACTIVITY_KINDS, tiers_ensure

TIER_CACHE_SECONDS = 300
WINDOW = timedelta(days=365)


@dataclass(frozen=True)
class TierInfo:
    code: str
    name: str
    multiplier: Decimal
    free_shipping: bool
    dedicated_service: bool
    trial_priority: int


def _info(tier: Tier) -> TierInfo:
    return TierInfo(
        code=tier.code,
        name=tier.display_name,
        multiplier=tier.multiplier,
        free_shipping=tier.free_shipping,
        dedicated_service=tier.dedicated_service,
        trial_priority=tier.trial_priority,
    )


def _cache_key(user_id: int) -> str:
    return f"loyalty:tier:{user_id}"


def tier_of(user_id: int) -> Tier:
    """The person's current tier row (the lowest tier when never computed). One plain query either way:
    checkout asks for every buyer, and most buyers in a rush (a flash sale) have never had a tier computed."""
    tier, mine = Tier._meta.db_table, UserTier._meta.db_table
    found = list(
        Tier.objects.raw(
            f"SELECT t.* FROM {tier} t LEFT JOIN {mine} u ON u.tier_id = t.id AND u.user_id = %s "  # noqa: S608
            "ORDER BY CASE WHEN u.user_id IS NULL THEN 1 ELSE 0 END, t.rank LIMIT 1",
            [user_id],
        )
    )
    return found[0] if found else tiers_ensure()[0]


def tier_info(user_id: int) -> TierInfo:
    """The person's tier and its benefits (cached: checkout asks on every quote; dropped when their tier
    changes, and within TIER_CACHE_SECONDS of an operator editing a tier)."""
    key = _cache_key(user_id)
    cached = cache.get(key)
    if cached is None:
        tier = tier_of(user_id)
        cached = {
            "code": tier.code,
            "name": tier.name,
            "name_en": tier.name_en,
            "multiplier": str(tier.multiplier),
            "free_shipping": tier.free_shipping,
            "dedicated_service": tier.dedicated_service,
            "trial_priority": tier.trial_priority,
        }
        cache.set(key, cached, TIER_CACHE_SECONDS)
    name = Tier(name=cached["name"], name_en=cached["name_en"]).display_name
    return TierInfo(
        code=cached["code"],
        name=name,
        multiplier=Decimal(cached["multiplier"]),
        free_shipping=cached["free_shipping"],
        dedicated_service=cached["dedicated_service"],
        trial_priority=cached["trial_priority"],
    )


def measures(user_id: int, now: datetime | None = None) -> tuple[Decimal, int]:
    """(12-month spend, 12-month activity count) of the person."""
    since = (now or timezone.now()) - WINDOW
    spend = PurchaseAward.objects.filter(user_id=user_id, paid_at__gte=since).aggregate(
        total=Sum(F("total") - F("refunded_total"))
    )["total"] or Decimal(0)
    activity = LedgerEntry.objects.filter(
        user_id=user_id, entry_type=EntryType.EARN, kind__in=ACTIVITY_KINDS, created_at__gte=since
    ).count()
    return Decimal(spend), activity


def qualifies(tier: Tier, *, spend: Decimal, activity: int) -> bool:
    if tier.min_spend is None and tier.min_activity is None:
        return True
    return (tier.min_spend is not None and spend >= tier.min_spend) or (
        tier.min_activity is not None and activity >= tier.min_activity
    )


def target_tier(tiers: list[Tier], *, spend: Decimal, activity: int) -> Tier:
    best = tiers[0]
    for tier in tiers:
        if qualifies(tier, spend=spend, activity=activity):
            best = tier
    return best


def next_tier(tier: Tier) -> Tier | None:
    return Tier.objects.filter(rank__gt=tier.rank).order_by("rank").first()


def period_end(now: datetime) -> datetime:
    """Midnight (local) on the first day of next month: when an announced downgrade applies."""
    today = local_day(now)
    first_next = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    return day_start(first_next)


def _forget(user_id: int) -> None:
    # Now, and again after the commit (a read between the two may have cached the old tier).
    cache.delete(_cache_key(user_id))
    transaction.on_commit(lambda: cache.delete(_cache_key(user_id)))


def tier_recompute(*, user_id: int, now: datetime | None = None, apply_due: bool = False) -> UserTier:
    """Recompute the person's tier: up at once, down only at the period end (announced now)."""
    from shequ.notifications.services import notify

    now = now or timezone.now()
    tiers = tiers_ensure()
    spend, activity = measures(user_id, now)
    target = target_tier(tiers, spend=spend, activity=activity)
    with transaction.atomic():
        current = UserTier.objects.select_for_update().select_related("tier").filter(user_id=user_id).first()
        if current is None:
            current = UserTier.objects.create(
                user_id=user_id, tier=target, spend=spend, activity=activity, computed_at=now
            )
            _forget(user_id)
            return current
        current.spend, current.activity, current.computed_at = spend, activity, now
        fields = ["spend", "activity", "computed_at"]
        if target.rank > current.tier.rank:
            current.tier, current.downgrade_to, current.downgrade_at = target, None, None
            fields += ["tier", "downgrade_to", "downgrade_at"]
            _forget(user_id)
            notify(
                user=user_id,
                kind="tier_upgraded",
                title=_t("Welcome to %(tier)s") % {"tier": target.display_name},
                body=_t("Your new member benefits apply from now on."),
                link="/loyalty/tier/",
            )
        elif target.rank == current.tier.rank:
            if current.downgrade_to_id is not None:
                current.downgrade_to, current.downgrade_at = None, None
                fields += ["downgrade_to", "downgrade_at"]
        elif apply_due and current.downgrade_at is not None and current.downgrade_at <= now:
            current.tier, current.downgrade_to, current.downgrade_at = target, None, None
            fields += ["tier", "downgrade_to", "downgrade_at"]
            _forget(user_id)
            notify(
                user=user_id,
                kind="tier_changed",
                title=_t("Your tier is now %(tier)s") % {"tier": target.display_name},
                link="/loyalty/tier/",
            )
        elif current.downgrade_to_id != target.pk:
            first_notice = current.downgrade_at is None
            current.downgrade_to = target
            current.downgrade_at = current.downgrade_at or period_end(now)
            fields += ["downgrade_to", "downgrade_at"]
            if first_notice:
                notify(
                    user=user_id,
                    kind="tier_downgrade_notice",
                    title=_t("Keep your %(tier)s benefits") % {"tier": current.tier.display_name},
                    body=_t("Your tier will change to %(tier)s on %(day)s unless you qualify again by then.")
                    % {"tier": target.display_name, "day": local_day(current.downgrade_at - timedelta(seconds=1))},
                    link="/loyalty/tier/",
                )
        current.save(update_fields=fields)
    return current


def tiers_recompute_all(*, now: datetime | None = None) -> int:
    """Nightly: recompute everyone with a tier or recent spend/activity; apply downgrades that are due."""
    now = now or timezone.now()
    since = now - WINDOW
    user_ids = set(UserTier.objects.values_list("user_id", flat=True))
    user_ids |= set(PurchaseAward.objects.filter(paid_at__gte=since).values_list("user_id", flat=True).distinct())
    user_ids |= set(
        LedgerEntry.objects.filter(entry_type=EntryType.EARN, kind__in=ACTIVITY_KINDS, created_at__gte=since)
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user_id in sorted(user_ids):
        tier_recompute(user_id=user_id, now=now, apply_due=True)
    return len(user_ids)


def tier_progress(*, user_id: int) -> dict:
    """What the tier page shows: current tier, the measures, the next tier and how far it is."""
    tier = tier_of(user_id)
    row = UserTier.objects.select_related("downgrade_to").filter(user_id=user_id).first()
    spend, activity = measures(user_id)
    upcoming = next_tier(tier)
    progress = None
    if upcoming is not None:
        ratios = []
        if upcoming.min_spend:
            ratios.append(min(Decimal(1), spend / upcoming.min_spend))
        if upcoming.min_activity:
            ratios.append(min(Decimal(1), Decimal(activity) / upcoming.min_activity))
        progress = int(max(ratios, default=Decimal(0)) * 100)
    return {
        "tier": tier,
        "info": _info(tier),
        "spend": spend,
        "activity": activity,
        "next": upcoming,
        "spend_to_next": max(Decimal(0), upcoming.min_spend - spend) if upcoming and upcoming.min_spend else None,
        "activity_to_next": max(0, upcoming.min_activity - activity) if upcoming and upcoming.min_activity else None,
        "progress": progress,
        "downgrade_to": row.downgrade_to if row else None,
        "downgrade_at": row.downgrade_at if row else None,
    }
