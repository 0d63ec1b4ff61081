"""The loyalty module's reads: balance, history, expiring soon, pending purchase points, check-in calendar,
tier. Other modules use ``points_balance``, ``points_expiring_soon`` and ``user_tier``."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from shequ.loyalty import ledger
from shequ.loyalty.conf import loyalty_setting
from shequ.loyalty.models import AwardStatus, CheckIn, LedgerEntry, PointsAccount, PointsLot, PurchaseAward
from shequ.loyalty.tiers import TierInfo, tier_info, tier_progress

__all__ = [
    "TierInfo",
    "points_balance",
    "points_expiring_soon",
    "user_tier",
]


def points_balance(*, user_id: int) -> int:
    """Points the person can spend now (held points excluded)."""
    return PointsAccount.objects.filter(user_id=user_id).values_list("balance", flat=True).first() or 0


@dataclass(frozen=True)
class Expiring:
    expires_at: datetime
    points: int


@dataclass(frozen=True)
class ExpiringSoon:
    total: int
    batches: list[Expiring]
    within_days: int


def points_expiring_soon(*, user_id: int, now: datetime | None = None) -> ExpiringSoon:
    """The person's points that expire within EXPIRING_SOON_DAYS, grouped by expiry time, soonest first."""
    now = now or timezone.now()
    days = int(loyalty_setting("EXPIRING_SOON_DAYS"))
    rows = (
        PointsLot.objects.filter(
            user_id=user_id, remaining__gt=0, expires_at__gt=now, expires_at__lte=now + timedelta(days=days)
        )
        .values("expires_at")
        .annotate(points=Sum("remaining"))
        .order_by("expires_at")
    )
    batches = [Expiring(expires_at=row["expires_at"], points=row["points"]) for row in rows]
    return ExpiringSoon(total=sum(b.points for b in batches), batches=batches, within_days=days)


def user_tier(*, user_id: int) -> TierInfo:
    """The person's tier code and benefits (coupons and trials read ``code`` and ``trial_priority``)."""
    return tier_info(user_id)


@dataclass(frozen=True)
class PointsSummary:
    balance: int
    held: int
    debt: int
    pending: int
    expiring: ExpiringSoon


def points_summary(*, user_id: int) -> PointsSummary:
    """What "my points" shows on top: available, held for unpaid orders, owed, pending purchase points."""
    account = PointsAccount.objects.filter(user_id=user_id).first()
    pending = sum(
        int(award.points * max(0, award.total - award.refunded_total) / award.total) if award.total else 0
        for award in PurchaseAward.objects.filter(user_id=user_id, status=AwardStatus.PENDING).only(
            "points", "total", "refunded_total"
        )
    )
    return PointsSummary(
        balance=account.balance if account else 0,
        held=account.held if account else 0,
        debt=account.debt if account else 0,
        pending=max(0, pending),
        expiring=points_expiring_soon(user_id=user_id),
    )


def points_history(*, user_id: int, direction: str = "") -> QuerySet[LedgerEntry]:
    """The person's ledger, newest first; ``direction`` "in" or "out" filters by sign."""
    entries = LedgerEntry.objects.filter(user_id=user_id).order_by("-created_at", "-id")
    if direction == "in":
        entries = entries.filter(points__gt=0)
    elif direction == "out":
        entries = entries.filter(Q(points__lt=0))
    return entries


@dataclass(frozen=True)
class CalendarDay:
    day: date
    checked_in: bool
    points: int
    is_today: bool
    in_future: bool


@dataclass(frozen=True)
class CheckinCalendar:
    year: int
    month: int
    weeks: list[list[CalendarDay | None]]
    today: date
    checked_in_today: bool
    streak: int
    days_this_month: int
    previous: date
    following: date | None


def checkin_calendar(
    *, user_id: int, year: int | None = None, month: int | None = None, now: datetime | None = None
) -> CheckinCalendar:
    """A month of check-ins (Monday-first weeks) with today's state and the current streak."""
    today = ledger.local_day(now)
    year, month = year or today.year, month or today.month
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    done = {
        c.day: c.points
        for c in CheckIn.objects.filter(user_id=user_id, day__gte=first, day__lte=last).only("day", "points")
    }
    latest = CheckIn.objects.filter(user_id=user_id, day__gte=today - timedelta(days=1)).order_by("-day").first()
    streak = latest.streak if latest else 0
    weeks: list[list[CalendarDay | None]] = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [
                CalendarDay(
                    day=d, checked_in=d in done, points=done.get(d, 0), is_today=d == today, in_future=d > today
                )
                if d.month == month
                else None
                for d in week
            ]
        )
    following = date(year + (month == 12), month % 12 + 1, 1)
    return CheckinCalendar(
        year=year,
        month=month,
        weeks=weeks,
        today=today,
        checked_in_today=latest is not None and latest.day == today,
        streak=streak,
        days_this_month=len(done),
        previous=(first - timedelta(days=1)).replace(day=1),
        following=following if following <= today else None,
    )


def tier_overview(*, user_id: int) -> dict:
    """The tier page: current tier and benefits, measures, the next tier and the progress towards it."""
    return tier_progress(user_id=user_id)


def tier_list() -> list:
    """Every tier, lowest first (the benefits table)."""
    from shequ.loyalty.rules import tiers_ensure

    return tiers_ensure()
