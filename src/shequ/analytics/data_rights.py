"""The analytics section of "download my data" and "delete my account"."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings

from shequ.analytics.models import Event


def export_events(user: Any) -> list[dict[str, Any]]:
    fields = ("name", "occurred_at", "channel", "utm_source", "utm_medium", "utm_campaign", "properties")
    return list(Event.objects.filter(user_id=user.pk).order_by("occurred_at").values(*fields).iterator())


def erase_events(user: Any) -> None:
    """Unlink the events from the person; aggregate counts (DAU, funnels) stay right."""
    from shequ.analytics.services import flush

    if settings.SHEQU_ANALYTICS["WRITE_MODE"] != "inline":
        flush()  # so events still waiting in this process are unlinked too
    pseudonym = "erased-" + hashlib.sha256(f"{settings.SECRET_KEY}:{user.pk}".encode()).hexdigest()[:24]
    Event.objects.filter(user_id=user.pk).update(user_id=None, anonymous_id=pseudonym)
