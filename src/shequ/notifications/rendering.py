"""Show a notification in the reader's language.

A sender may store ``data["i18n"] = {"title": msgid, "body": msgid, "params": {...}}`` (English msgids marked
with gettext_noop); the inbox then translates at display time, so a message sent by a background task in the
default language still reads in English for someone browsing in English. The stored title/body are the
fallback (and what push/SMS channels send).
"""

from __future__ import annotations

from django.utils.translation import gettext

from shequ.notifications.models import Notification


def _translated(template: str, params: dict) -> str:
    try:
        return gettext(template) % params if params else gettext(template)
    except (KeyError, TypeError, ValueError):
        return ""


def notification_text(notification: Notification) -> tuple[str, str]:
    """(title, body) in the active language."""
    spec = (notification.data or {}).get("i18n") or {}
    params = spec.get("params") or {}
    title = _translated(spec["title"], params) if spec.get("title") else ""
    body = _translated(spec["body"], params) if spec.get("body") else ""
    return title or notification.title, body or notification.body
