"""Reads over events, shaped for per-day and per-user aggregation."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, QuerySet

from shequ.analytics.models import Event


def event_counts_by_day(*, start: date, end: date, names: list[str] | None = None) -> QuerySet:
    """Rows of (day, name, events, users) between two local dates, inclusive."""
    qs = Event.objects.filter(day__gte=start, day__lte=end)
    if names:
        qs = qs.filter(name__in=names)
    return (
        qs.values("day", "name")
        .annotate(events=Count("id"), users=Count("user_id", distinct=True))
        .order_by("day", "name")
    )


def active_users_by_day(*, start: date, end: date) -> QuerySet:
    """Rows of (day, users): distinct logged-in users who did anything that day (DAU)."""
    return (
        Event.objects.filter(day__gte=start, day__lte=end, user_id__isnull=False)
        .values("day")
        .annotate(users=Count("user_id", distinct=True))
        .order_by("day")
    )


def user_events(*, user_id: int, limit: int = 100) -> QuerySet[Event]:
    return Event.objects.filter(user_id=user_id).order_by("-occurred_at")[:limit]
