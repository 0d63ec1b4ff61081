"""Show a notification in the reader's language.

A sender may store ``data["i18n"] = {"title": msgid, "body": msgid, "params": {...}}`` (English msgids marked
with gettext_noop); the inbox then translates at display time, so a message sent by a background task in the
default language still reads in English for someone browsing in English. The stored title/body are the
fallback (and what push/SMS channels send).
"""

from __future__ import annotations

from django.utils.translation import gettext

from shequ.notifications.kinds import grouped_title_template
from shequ.notifications.models import Notification


def _translated(template: str, params: dict) -> str:
    try:
        return gettext(template) % params if params else gettext(template)
    except (KeyError, TypeError, ValueError):
        return ""


def _actor_name(notification: Notification, params: dict) -> str:
    data = notification.data or {}
    return str(params.get("actor") or data.get("actor_name") or "")


def grouped_title(notification: Notification) -> str:
    """ "A and 12 others liked your post" for a row that collected several actors, else ""."""
    if (notification.actor_count or 0) < 2:
        return ""
    params = ((notification.data or {}).get("i18n") or {}).get("params") or {}
    actor = _actor_name(notification, params)
    template = grouped_title_template(kind=notification.kind, group_key=notification.group_key or "")
    if not actor or template is None:
        return ""
    try:
        return str(template % {"actor": actor, "others": notification.actor_count - 1})
    except (KeyError, TypeError, ValueError):
        return ""


def notification_text(notification: Notification) -> tuple[str, str]:
    """(title, body) in the active language; rows grouping several people read "A and N others …"."""
    spec = (notification.data or {}).get("i18n") or {}
    params = spec.get("params") or {}
    title = grouped_title(notification) or (_translated(spec["title"], params) if spec.get("title") else "")
    body = _translated(spec["body"], params) if spec.get("body") else ""
    return title or notification.title, body or notification.body
