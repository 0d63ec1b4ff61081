"""The in-site inbox. Other modules notify through notifications.services, never by writing rows.

``group_key`` lets repeated notifications about the same thing collapse into one row ("A and 12 others
liked your post"): the community module fills it; orders leave it empty.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=32)
    title = models.CharField(_("title"), max_length=120)
    body = models.CharField(_("text"), max_length=500, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    group_key = models.CharField(max_length=120, blank=True)
    actor_ids = models.JSONField(default=list, blank=True)
    actor_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-updated_at"], name="notif_user_recent"),
            models.Index(fields=["user", "read_at"], name="notif_user_unread"),
            models.Index(fields=["user", "group_key"], name="notif_user_group"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"


class NotificationMute(models.Model):
    """A kind of notification a person chose not to receive."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_mutes")
    kind = models.CharField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notif_mute_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} mutes {self.kind}"
