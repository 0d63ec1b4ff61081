"""Behaviour events: one append-only row per thing a person did.

Rows are never updated (except when an account is deleted and its events are pseudonymised). ``user_id``
is a plain integer rather than a foreign key: at millions of rows a constraint costs every insert and
would block account deletion. ``day`` is the local (Asia/Shanghai) calendar date, stored so that
"per day" reports group on an indexed column instead of converting time zones row by row.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    id = models.BigAutoField(primary_key=True)
    name = models.CharField(_("event"), max_length=64)
    user_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    anonymous_id = models.CharField(max_length=64, blank=True)
    session_id = models.CharField(max_length=64, blank=True)
    device_id = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=32, blank=True)
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)
    utm_term = models.CharField(max_length=100, blank=True)
    utm_content = models.CharField(max_length=100, blank=True)
    properties = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    day = models.DateField(_("day"))
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["day", "name"], name="analytics_event_day_name"),
            models.Index(fields=["user_id", "day"], name="analytics_event_user_day"),
            models.Index(fields=["anonymous_id", "day"], name="analytics_event_anon_day"),
            models.Index(fields=["utm_campaign", "day"], name="analytics_event_campaign_day"),
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.occurred_at:%Y-%m-%d %H:%M}"
