"""Reports of content and users. For now operators resolve them in the admin; the moderation module adds
automatic flagging and a review queue on top of these rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Abuse or harassment")
    HATE = "hate", _("Hate or discrimination")
    PORN = "porn", _("Sexual content")
    ILLEGAL = "illegal", _("Illegal content")
    MISINFORMATION = "misinformation", _("False information")
    PRIVACY = "privacy", _("Personal information exposed")
    FAKE_REVIEW = "fake_review", _("Fake review")
    OTHER = "other", _("Other")


class ReportStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("report status", "Open")
    ACTIONED = "actioned", _("Content removed")
    DISMISSED = "dismissed", _("Dismissed")


class Report(models.Model):
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made")
    target_type = models.CharField(_("type"), max_length=16)
    target_id = models.BigIntegerField(_("object id"))
    target_user_id = models.BigIntegerField(_("author"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=16, choices=ReportReason.choices)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    target_excerpt = models.CharField(
        _("reported content"), max_length=300, blank=True, help_text=_("The text as it was when reported.")
    )
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    resolved_by_id = models.BigIntegerField(null=True, blank=True)
    resolution_note = models.CharField(_("resolution"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="moderation_report_queue"),
            models.Index(fields=["target_type", "target_id", "status"], name="moderation_report_target"),
            models.Index(fields=["reporter", "-created_at"], name="moderation_report_reporter"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "target_type", "target_id"],
                condition=models.Q(status="open"),
                name="moderation_one_open_report",
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_type}#{self.target_id} ({self.reason})"
