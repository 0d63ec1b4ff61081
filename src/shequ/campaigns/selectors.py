"""Reads for campaigns' pages, API and admin: tasks with my progress, mall items and my redemptions,
trials with my application, and each campaign's figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.campaigns.models import (
    Campaign,
    MallItem,
    MallRedemption,
    OnboardingTask,
    TaskProgress,
    Trial,
    TrialApplication,
    TrialStatus,
)
from shequ.core.errors import NotFound

NEW_USER_DAYS = 30


@dataclass(frozen=True)
class TaskRow:
    task: OnboardingTask
    completed: bool
    claimed: bool

    @property
    def code(self) -> str:
        return self.task.code


@dataclass(frozen=True)
class TaskBoard:
    rows: list[TaskRow]

    @property
    def done(self) -> int:
        return sum(1 for row in self.rows if row.completed)

    @property
    def claimable(self) -> int:
        return sum(1 for row in self.rows if row.completed and not row.claimed)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def finished(self) -> bool:
        return all(row.claimed for row in self.rows)


def task_board(*, user) -> TaskBoard:
    """The active new-user tasks with my progress (two queries)."""
    tasks = list(OnboardingTask.objects.filter(is_active=True).select_related("coupon_template"))
    progress = {p.code: p for p in TaskProgress.objects.filter(user=user)}
    return TaskBoard(
        rows=[
            TaskRow(
                task=task,
                completed=task.code in progress,
                claimed=task.code in progress and progress[task.code].claimed_at is not None,
            )
            for task in tasks
        ]
    )


def task_card_for(*, user) -> TaskBoard | None:
    """The progress card for a new user (joined in the last 30 days, rewards left), else None."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.date_joined < timezone.now() - timedelta(days=NEW_USER_DAYS):
        return None
    board = task_board(user=user)
    return None if board.finished or not board.rows else board


def mall_items() -> QuerySet[MallItem]:
    """Items on sale now, in the operators' order."""
    now = timezone.now()
    return (
        MallItem.objects.filter(is_active=True)
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=now), Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .select_related("coupon_template")
        .order_by("position", "id")
    )


def mall_history(*, user) -> QuerySet[MallRedemption]:
    """My redemptions, newest first."""
    return MallRedemption.objects.filter(user=user).select_related("item").order_by("-created_at", "-id")


def trial_list() -> QuerySet[Trial]:
    """Trials open now or recently drawn, newest first."""
    return (
        Trial.objects.exclude(status=TrialStatus.CLOSED)
        .select_related("sku__product")
        .annotate(applicants=Count("applications"))
        .order_by("-apply_starts_at", "-id")
    )


def trial_get(*, trial_id) -> Trial:
    try:
        pk = int(trial_id)
    except (TypeError, ValueError):
        pk = 0
    trial = Trial.objects.filter(pk=pk).select_related("sku__product").first() if pk else None
    if trial is None:
        raise NotFound("trial_not_found", _("No such trial."))
    return trial


def my_applications(*, user, trial_ids: list[int]) -> dict[int, TrialApplication]:
    return {a.trial_id: a for a in TrialApplication.objects.filter(user=user, trial_id__in=trial_ids)}


def campaign_get_live(*, code: str) -> Campaign:
    now = timezone.now()
    campaign = Campaign.objects.filter(code=code, is_active=True, starts_at__lte=now, ends_at__gt=now).first()
    if campaign is None:
        raise NotFound("campaign_not_found", _("This campaign is not running."))
    return campaign


@dataclass(frozen=True)
class CampaignStats:
    coupons_issued: int = 0
    coupons_used: int = 0
    participants: int = 0
    trial_applicants: int = 0
    mall_redemptions: int = 0
    orders: int = 0
    orders_paid: int = 0
    revenue: str = "0.00"


def campaign_stats(*, campaigns: list[Campaign]) -> dict[int, CampaignStats]:
    """Each campaign's figures in a fixed number of queries: coupons issued/used through it, participants,
    trial applicants, mall redemptions and orders with its utm_campaign."""
    from shequ.coupons.models import IssuedCoupon, IssuedStatus
    from shequ.orders.selectors import order_counts_by_utm_campaign

    if not campaigns:
        return {}
    ids = [c.pk for c in campaigns]
    codes = {c.code: c.pk for c in campaigns}
    coupons = {
        row["reference"]: row
        for row in IssuedCoupon.objects.filter(source="campaign", reference__in=list(codes))
        .values("reference")
        .annotate(issued=Count("id"), used=Count("id", filter=Q(status=IssuedStatus.USED)))
    }
    participants = dict(Campaign.objects.filter(pk__in=ids).annotate(n=Count("participations")).values_list("pk", "n"))
    applicants = dict(
        TrialApplication.objects.filter(trial__campaign_id__in=ids)
        .values("trial__campaign_id")
        .annotate(n=Count("id"))
        .values_list("trial__campaign_id", "n")
    )
    redemptions = dict(
        MallRedemption.objects.filter(item__campaign_id__in=ids)
        .values("item__campaign_id")
        .annotate(n=Count("id"))
        .values_list("item__campaign_id", "n")
    )
    orders = order_counts_by_utm_campaign(codes=list(codes))
    stats = {}
    for code, pk in codes.items():
        order_row = orders.get(code, {})
        stats[pk] = CampaignStats(
            coupons_issued=coupons.get(code, {}).get("issued", 0),
            coupons_used=coupons.get(code, {}).get("used", 0),
            participants=participants.get(pk, 0),
            trial_applicants=applicants.get(pk, 0),
            mall_redemptions=redemptions.get(pk, 0),
            orders=order_row.get("orders", 0),
            orders_paid=order_row.get("paid", 0),
            revenue=str(order_row.get("revenue", "0.00")),
        )
    return stats
