"""The operators' report queue: filter by status, type and reason; hide the target (through its owner's
service) or dismiss — both close every open report on the same target and go to the audit log."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from shequ.audit.admin_mixins import AuditedModelAdmin
from shequ.core.errors import DomainError
from shequ.moderation import services
from shequ.moderation.models import Report, ReportStatus
from shequ.moderation.targets import target_find


@admin.register(Report)
class ReportAdmin(AuditedModelAdmin):
    list_display = ("id", "target_type", "target_id", "reason", "excerpt", "status", "created_at", "target_link")
    list_filter = ("status", "target_type", "reason", ("created_at", admin.DateFieldListFilter))
    search_fields = ("=target_id", "=target_user_id", "=reporter__id", "target_excerpt", "detail")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    list_select_related = ("reporter",)
    list_per_page = 50
    readonly_fields = (
        "reporter",
        "target_type",
        "target_id",
        "target_user_id",
        "reason",
        "detail",
        "target_excerpt",
        "status",
        "resolved_by_id",
        "resolved_at",
        "created_at",
        "target_link",
    )
    fields = (*readonly_fields, "resolution_note")
    actions = ("hide_target", "mark_actioned", "dismiss")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("reported content"))
    def excerpt(self, obj: Report) -> str:
        return (obj.target_excerpt or "")[:60]

    @admin.display(description=_("open"))
    def target_link(self, obj: Report) -> str:
        target = target_find(target_type=obj.target_type, target_id=obj.target_id)
        if target is None or not target.url:
            return "—"
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', target.url, _("view"))

    def _run(self, request, queryset, action, done_message) -> None:
        closed = failed = 0
        for report in queryset.filter(status=ReportStatus.OPEN).order_by("pk"):
            report.refresh_from_db()
            if report.status != ReportStatus.OPEN:  # closed together with an earlier one on the same target
                continue
            try:
                closed += len(action(report=report, operator=request.user, note=report.resolution_note))
            except DomainError as exc:
                failed += 1
                self.message_user(request, f"#{report.pk}: {exc.message}", level=messages.ERROR)
        if closed:
            self.message_user(request, done_message(closed), level=messages.SUCCESS)

    @admin.action(description=_("Hide the content and close its reports"))
    def hide_target(self, request, queryset) -> None:
        self._run(
            request,
            queryset,
            services.report_resolve_hide,
            lambda n: (
                ngettext("%(n)d report closed, content hidden.", "%(n)d reports closed, content hidden.", n) % {"n": n}
            ),
        )

    @admin.action(description=_("Mark handled (acted on elsewhere)"))
    def mark_actioned(self, request, queryset) -> None:
        self._run(
            request,
            queryset,
            services.report_resolve_actioned,
            lambda n: ngettext("%(n)d report closed.", "%(n)d reports closed.", n) % {"n": n},
        )

    @admin.action(description=_("Dismiss (no violation)"))
    def dismiss(self, request, queryset) -> None:
        self._run(
            request,
            queryset,
            services.report_dismiss,
            lambda n: ngettext("%(n)d report dismissed.", "%(n)d reports dismissed.", n) % {"n": n},
        )
