"""API v1 of the loyalty module: my points and history, check-in (calendar + do), my tier.
ROUTERS lists (mount prefix, router) pairs that config.api mounts."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Status
from ninja.pagination import paginate

from shequ.accounts.api_auth import user_auth
from shequ.accounts.schemas import ErrorOut
from shequ.analytics.services import track
from shequ.core.errors import InvalidInput
from shequ.core.pagination import PageNumberPagination
from shequ.loyalty import selectors, services
from shequ.loyalty.schemas import CalendarOut, CheckinOut, EntryOut, PointsOut, TierOut

router = Router(tags=["loyalty"], auth=user_auth)
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@router.get("/points", response={200: PointsOut, **ERRORS})
def points_get(request: HttpRequest):
    """My points: available, held for unpaid orders, pending purchase points, owed, and expiring soon."""
    summary = selectors.points_summary(user_id=request.user.pk)
    track(request.user, "points_view", {"balance": summary.balance, "source": "api"})
    return {
        "balance": summary.balance,
        "held": summary.held,
        "pending": summary.pending,
        "debt": summary.debt,
        "expiring_soon": summary.expiring.total,
        "expiring_within_days": summary.expiring.within_days,
        "expiring": [{"expires_at": b.expires_at, "points": b.points} for b in summary.expiring.batches],
    }


@router.get("/points/history", response=list[EntryOut])
@paginate(PageNumberPagination)
def points_history(request: HttpRequest, direction: str = ""):
    """My points ledger, newest first; ``direction`` = in | out filters by sign."""
    if direction not in ("", "in", "out"):
        raise InvalidInput("direction_invalid", _("Choose in or out."), details={"field": "direction"})
    track(request.user, "points_history_page", {"direction": direction, "source": "api"})
    return selectors.points_history(user_id=request.user.pk, direction=direction)


@router.get("/checkins", response={200: CalendarOut, **ERRORS})
def checkins_month(request: HttpRequest, year: int | None = None, month: int | None = None):
    """My check-ins of a month (default: this month, Asia/Shanghai) with today's state and the streak."""
    if (year is not None and not 2000 <= year <= 2100) or (month is not None and not 1 <= month <= 12):
        raise InvalidInput("month_invalid", _("That month is not available."), details={"field": "month"})
    cal = selectors.checkin_calendar(user_id=request.user.pk, year=year, month=month)
    track(request.user, "checkin_calendar_view", {"month": f"{cal.year}-{cal.month:02d}", "source": "api"})
    days = [{"day": d.day, "points": d.points} for week in cal.weeks for d in week if d is not None and d.checked_in]
    return {
        "year": cal.year,
        "month": cal.month,
        "today": cal.today,
        "checked_in_today": cal.checked_in_today,
        "streak": cal.streak,
        "days": days,
    }


@router.post("/checkins", response={201: CheckinOut, **ERRORS})
def checkin_create(request: HttpRequest):
    """Check in for today (Asia/Shanghai). 409 ``checkin_already_done`` the second time the same day."""
    done = services.checkin_do(user=request.user)
    return Status(
        201,
        {
            "day": done.day,
            "streak": done.streak,
            "points": done.points,
            "balance": selectors.points_balance(user_id=request.user.pk),
        },
    )


@router.get("/tier", response={200: TierOut, **ERRORS})
def tier_get(request: HttpRequest):
    """My tier, its benefits, my 12-month measures and the progress to the next tier."""
    o = selectors.tier_overview(user_id=request.user.pk)
    track(request.user, "tier_view", {"tier": o["tier"].code, "source": "api"})
    info = o["info"]
    return {
        "code": info.code,
        "name": info.name,
        "multiplier": info.multiplier,
        "free_shipping": info.free_shipping,
        "dedicated_service": info.dedicated_service,
        "trial_priority": info.trial_priority,
        "spend_12m": o["spend"],
        "activity_12m": o["activity"],
        "next_code": o["next"].code if o["next"] else None,
        "next_name": o["next"].display_name if o["next"] else None,
        "spend_to_next": o["spend_to_next"],
        "activity_to_next": o["activity_to_next"],
        "progress": o["progress"],
        "downgrade_to": o["downgrade_to"].code if o["downgrade_to"] else None,
        "downgrade_at": o["downgrade_at"],
    }


ROUTERS = [("/loyalty", router)]
