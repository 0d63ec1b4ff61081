"""Pages under /loyalty/: my points (balance, expiring soon, history), the check-in calendar, my tier."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_POST

from shequ.analytics.services import track
from shequ.core.errors import DomainError
from shequ.loyalty import selectors, services
from shequ.loyalty.rules import kind_label

PAGE_SIZE = 20


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _history_page(request: HttpRequest, page_number):
    direction = request.GET.get("direction", "")
    direction = direction if direction in ("in", "out") else ""
    page = Paginator(selectors.points_history(user_id=request.user.pk, direction=direction), PAGE_SIZE).get_page(
        page_number
    )
    rows = [{"entry": e, "label": kind_label(e.kind)} for e in page.object_list]
    return {"page": page, "rows": rows, "direction": direction}


@login_required
def points_view(request: HttpRequest) -> HttpResponse:
    page_number = request.GET.get("page")
    context = _history_page(request, page_number or 1)
    if request.htmx and page_number:  # "load more"
        track(request.user, "points_history_page", {"page": context["page"].number, "direction": context["direction"]})
        return render(request, "loyalty/_history.html", context)
    context["summary"] = selectors.points_summary(user_id=request.user.pk)
    track(request.user, "points_view", {"balance": context["summary"].balance, "direction": context["direction"]})
    return render(request, "loyalty/points.html", context)


def _calendar_context(request: HttpRequest) -> dict:
    year, month = _int(request.GET.get("year")), _int(request.GET.get("month"))
    if (year is not None and not (2000 <= year <= 2100)) or (month is not None and not (1 <= month <= 12)):
        year = month = None
    cal = selectors.checkin_calendar(user_id=request.user.pk, year=year, month=month)
    return {
        "cal": cal,
        "balance": selectors.points_balance(user_id=request.user.pk),
        "cal_weekdays": [WEEKDAYS_ABBR[i] for i in range(7)],
    }


@login_required
def checkin_view(request: HttpRequest) -> HttpResponse:
    context = _calendar_context(request)
    track(request.user, "checkin_calendar_view", {"month": f"{context['cal'].year}-{context['cal'].month:02d}"})
    return render(request, "loyalty/checkin.html", context)


@login_required
@require_POST
def checkin_do_view(request: HttpRequest) -> HttpResponse:
    """Check in now. HTMX swaps the calendar card in place; a plain form is redirected back to it."""
    error, status, done = None, 200, None
    try:
        done = services.checkin_do(user=request.user)
    except DomainError as exc:
        error, status = str(exc.message), exc.status
    if request.htmx:
        context = {**_calendar_context(request), "error": error, "done": done}
        return render(request, "loyalty/_calendar.html", context, status=status)
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            _t("Checked in: +%(points)s points (%(streak)s days in a row).")
            % {"points": done.points, "streak": done.streak},
        )
    return redirect("loyalty:checkin")


@login_required
def tier_view(request: HttpRequest) -> HttpResponse:
    overview = selectors.tier_overview(user_id=request.user.pk)
    track(request.user, "tier_view", {"tier": overview["tier"].code, "progress": overview["progress"]})
    return render(request, "loyalty/tier.html", {"o": overview, "tiers": selectors.tier_list()})
