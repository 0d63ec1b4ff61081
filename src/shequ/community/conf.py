"""Limits of the community module; override any of them in ``settings.SHEQU_COMMUNITY``."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "POST_MAX_CHARS": 5000,
    "COMMENT_MAX_CHARS": 1000,
    "MAX_IMAGES": 9,
    "MAX_IMAGE_BYTES": 10 * 1024 * 1024,
    "IMAGE_MAX_SIDE": 1440,
    "THUMB_SIZE": 480,
    "MAX_VIDEO_BYTES": 50 * 1024 * 1024,
    "MAX_PRODUCTS": 6,
    "MAX_TOPICS": 10,
    "MAX_MENTIONS": 10,
    # Per person, per window: a person (or a script) cannot flood the community.
    "POSTS_PER_HOUR": 30,
    "COMMENTS_PER_MINUTE": 20,
    "COMMENTS_PAGE_SIZE": 20,
}


def community_setting(name: str) -> Any:
    return getattr(settings, "SHEQU_COMMUNITY", {}).get(name, DEFAULTS[name])
