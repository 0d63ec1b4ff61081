"""Shared by the community services: rate limits, text checks, notifications with translatable texts."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shequ.community.conf import community_setting
from shequ.community.error_codes import CommunityErrorCode as Code
from shequ.community.markup import clean_text
from shequ.core import ratelimit
from shequ.core.errors import InvalidInput, RateLimited
from shequ.notifications.services import notify


def rate_limit(*, user_id: int, action: str, limit: int, window: int) -> None:
    """RateLimited once ``user_id`` did ``action`` more than ``limit`` times in ``window`` seconds."""
    hit = ratelimit.hit(f"community:{action}:{user_id}", limit=limit, window=window)
    if not hit.allowed:
        raise RateLimited(
            Code.RATE_LIMITED, _("You are doing that too often. Please wait a moment."), retry_after=hit.retry_after
        )


def text_checked(value: str, *, field: str, max_setting: str, too_long_code: str) -> str:
    """Cleaned plain text, or InvalidInput when it is longer than the limit (checked before and after cleaning
    so a megabyte of markup is refused without being parsed)."""
    max_chars = community_setting(max_setting)
    raw = value or ""
    if len(raw) > max_chars * 4:
        raise _too_long(field, max_chars, too_long_code)
    text = clean_text(raw)
    if len(text) > max_chars:
        raise _too_long(field, max_chars, too_long_code)
    return text


def _too_long(field: str, max_chars: int, code: str) -> InvalidInput:
    return InvalidInput(
        code,
        _("This text is too long (at most %(max)d characters).") % {"max": max_chars},
        details={"field": field, "max_length": max_chars},
    )


def excerpt(text: str, length: int = 40) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


def notify_user(
    *,
    user_id: int,
    kind: str,
    title_msgid: str,
    params: dict,
    link: str,
    group_key: str,
    actor_id: int,
    body: str = "",
) -> None:
    """Notify with a title translated at display time (``data.i18n``); the stored title is the fallback."""
    notify(
        user=user_id,
        kind=kind,
        title=gettext(title_msgid) % params,
        body=body,
        link=link,
        data={
            "i18n": {"title": title_msgid, "params": params},
            **{k: v for k, v in params.items() if k.endswith("_id")},
        },
        group_key=group_key,
        actor_id=actor_id,
    )
