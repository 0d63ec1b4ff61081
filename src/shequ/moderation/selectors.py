"""Reads for report pages, the API and the operators' queue."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from shequ.moderation.models import Report, ReportReason, ReportStatus


def report_reasons() -> list[tuple[str, str]]:
    """(code, label) of every reason, in the order people choose from."""
    return [(value, str(label)) for value, label in ReportReason.choices]


def reports_by_user(*, user) -> QuerySet[Report]:
    return Report.objects.filter(reporter_id=user.pk).order_by("-created_at", "-id")


def open_report_counts(*, target_type: str, target_ids: list[int]) -> dict[int, int]:
    """How many open reports each target has (one query; for the operators' queue)."""
    rows = (
        Report.objects.filter(target_type=target_type, target_id__in=target_ids, status=ReportStatus.OPEN)
        .values("target_id")
        .annotate(n=Count("pk"))
    )
    return {row["target_id"]: row["n"] for row in rows}
