"""Adapters to carriers: pulling tracking (base.py, sandbox.py) and reading what they push (webhook formats)."""

from __future__ import annotations

from django.utils.module_loading import import_string

from shequ.logistics.conf import logistics_setting
from shequ.logistics.providers.base import TrackingProvider


def provider_for(carrier_code: str) -> TrackingProvider:
    """The provider that pulls tracking for this carrier (SHEQU_LOGISTICS["PROVIDERS"], "*" for the rest)."""
    configured = logistics_setting("PROVIDERS")
    path = (
        configured.get(carrier_code)
        or configured.get("*")
        or "shequ.logistics.providers.sandbox.SandboxTrackingProvider"
    )
    return import_string(path)()
