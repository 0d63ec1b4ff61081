"""Reads for the inbox page and API."""

from __future__ import annotations

from django.db.models import QuerySet

from shequ.notifications.models import Notification, NotificationMute


def notification_list(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    """The person's inbox, newest activity first."""
    rows = Notification.objects.filter(user=user).order_by("-updated_at", "-id")
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows


def notification_unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_mutes(*, user) -> list[str]:
    return sorted(NotificationMute.objects.filter(user=user).values_list("kind", flat=True))
