"""Reports: people flag content or accounts; operators resolve them (hide the target, or dismiss).

One open report per reporter and target (a second is refused with 409, so nobody can pile reports on a
post by repeating themselves), a rate limit per reporter, and nothing is stored for a target that does not
exist. Resolving judges the *target*: every open report on it is closed together, the reporters are
thanked in their inbox, and the operator's action goes to the audit log.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from shequ.accounts.validation import clean_text
from shequ.analytics.services import track
from shequ.core import ratelimit
from shequ.core.errors import Conflict, InvalidInput, NotFound, RateLimited
from shequ.moderation.models import Report, ReportReason, ReportStatus
from shequ.moderation.targets import TARGET_TYPES, target_find, target_hide
from shequ.notifications.services import notify

REPORTS_PER_HOUR = 20
NOTE_MAX = 500


def _note(note: str) -> str:
    raw = note or ""
    if len(raw) > NOTE_MAX * 4:
        raise _note_too_long()
    cleaned = clean_text(strip_tags(raw))
    if len(cleaned) > NOTE_MAX:
        raise _note_too_long()
    return cleaned


def _note_too_long() -> InvalidInput:
    return InvalidInput(
        "report_note_too_long",
        _("The note is too long (at most %(max)d characters).") % {"max": NOTE_MAX},
        details={"field": "note", "max_length": NOTE_MAX},
    )


def report_create(*, reporter, target_type: str, target_id: int, reason: str, note: str = "") -> Report:
    """Report a post, comment, user, review, answer or message for ``reason`` (a ReportReason value)."""
    target_type = (target_type or "").strip().lower()
    if target_type not in TARGET_TYPES:
        raise InvalidInput("report_target_invalid", _("This cannot be reported."), details={"field": "type"})
    if reason not in ReportReason.values:
        raise InvalidInput("report_reason_invalid", _("Choose a reason."), details={"field": "reason"})
    detail = _note(note)
    try:
        pk = int(target_id)
    except (TypeError, ValueError):
        pk = 0
    target = target_find(target_type=target_type, target_id=pk) if pk > 0 else None
    if target is None:
        raise NotFound("report_target_not_found", _("What you are reporting does not exist any more."))
    if target.author_id == reporter.pk:
        raise InvalidInput("report_own", _("You cannot report yourself or your own content."))
    open_report = Report.objects.filter(
        reporter_id=reporter.pk, target_type=target_type, target_id=pk, status=ReportStatus.OPEN
    )
    if open_report.exists():
        raise Conflict("report_duplicate", _("You already reported this. We are looking into it."))
    limit = ratelimit.hit(f"report:{reporter.pk}", limit=REPORTS_PER_HOUR, window=3600)
    if not limit.allowed:
        raise RateLimited(
            "report_rate_limited", _("You have sent many reports. Try again later."), retry_after=limit.retry_after
        )
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reporter_id=reporter.pk,
                target_type=target_type,
                target_id=pk,
                target_user_id=target.author_id,
                reason=reason,
                detail=detail,
                target_excerpt=target.excerpt,
            )
    except IntegrityError:  # the same report sent twice at once
        raise Conflict("report_duplicate", _("You already reported this. We are looking into it.")) from None
    track(reporter, "report_created", {"target_type": target_type, "target_id": pk, "reason": reason})
    return report


def _close(*, report: Report, operator, status: str, note: str) -> list[Report]:
    """Close every open report on the same target; returns them (the audit and thanks go to each)."""
    from shequ.audit.models import AuditAction
    from shequ.audit.services import audit_record

    now = timezone.now()
    reports = list(
        Report.objects.select_for_update()
        .filter(target_type=report.target_type, target_id=report.target_id, status=ReportStatus.OPEN)
        .order_by("pk")
    )
    for row in reports:
        row.status, row.resolved_by_id, row.resolved_at, row.resolution_note = status, operator.pk, now, note[:300]
        row.save(update_fields=["status", "resolved_by_id", "resolved_at", "resolution_note"])
        audit_record(
            actor=operator,
            action=AuditAction.UPDATE,
            target=row,
            target_user_id=row.target_user_id,
            changes={"status": status},
            reason=note[:300],
        )
    return reports


def _thank(reports: list[Report], *, actioned: bool) -> None:
    title = (
        gettext_noop("Thanks for your report: we removed the content.")
        if actioned
        else gettext_noop("Thanks for your report: we reviewed it and found no violation.")
    )
    for row in {r.reporter_id: r for r in reports}.values():
        notify(
            user=row.reporter_id,
            kind="report_resolved",
            title=_(title),
            data={"i18n": {"title": title}, "report_id": row.pk},
        )


def report_resolve_hide(*, report: Report, operator, note: str = "") -> list[Report]:
    """Hide the reported content through its owner's service and close every open report on it."""
    if report.status != ReportStatus.OPEN:
        raise Conflict("report_closed", _("This report is already closed."))
    target = target_find(target_type=report.target_type, target_id=report.target_id)
    with transaction.atomic():
        if target is not None and report.target_type != "user":
            target_hide(target=target, moderator=operator, reason=note or report.get_reason_display())
        closed = _close(report=report, operator=operator, status=ReportStatus.ACTIONED, note=note)
        _thank(closed, actioned=True)
    track(operator, "report_actioned", {"target_type": report.target_type, "target_id": report.target_id})
    return closed


def report_resolve_actioned(*, report: Report, operator, note: str = "") -> list[Report]:
    """Close the reports on a target the operator dealt with elsewhere (e.g. a user banned in accounts)."""
    if report.status != ReportStatus.OPEN:
        raise Conflict("report_closed", _("This report is already closed."))
    with transaction.atomic():
        closed = _close(report=report, operator=operator, status=ReportStatus.ACTIONED, note=note)
        _thank(closed, actioned=True)
    return closed


def report_dismiss(*, report: Report, operator, note: str = "") -> list[Report]:
    """No violation: close every open report on the target without touching it."""
    if report.status != ReportStatus.OPEN:
        raise Conflict("report_closed", _("This report is already closed."))
    with transaction.atomic():
        closed = _close(report=report, operator=operator, status=ReportStatus.DISMISSED, note=note)
        _thank(closed, actioned=False)
    track(operator, "report_dismissed", {"target_type": report.target_type, "target_id": report.target_id})
    return closed
