"""Permission-checked fetches for the inbox."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shequ.core.errors import NotFound
from shequ.notifications.models import Notification


def notification_get_for_user(*, user, notification_id: int | str) -> Notification:
    """The person's own notification; anyone else's id is 404, as if it did not exist."""
    try:
        pk = int(notification_id)
    except (TypeError, ValueError):
        pk = None
    found = Notification.objects.filter(pk=pk, user=user).first() if pk else None
    if found is None:
        raise NotFound("notification_not_found", _("Notification not found."))
    return found
