"""After-sales settings, read from ``settings.SHEQU_AFTERSALES`` with these defaults for anything not set."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "WINDOW_DAYS": 15,  # after delivery (or completion), how long a buyer may ask for a return, exchange or refund
    "MAX_PHOTOS": 6,
    "MAX_PHOTO_BYTES": 5 * 1024 * 1024,
    "PHOTO_MAX_SIDE": 1600,  # photos are stored re-encoded, at most this many pixels on the long side
}


def aftersales_setting(name: str) -> Any:
    configured = getattr(settings, "SHEQU_AFTERSALES", None) or {}
    return configured.get(name, DEFAULTS[name])
