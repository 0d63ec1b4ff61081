"""Logistics settings, read from ``settings.SHEQU_LOGISTICS`` with these defaults for anything not set."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Dotted path of the TrackingProvider used to pull tracking for a carrier, by carrier code; "*" for the rest.
    "PROVIDERS": {"*": "shequ.logistics.providers.sandbox.SandboxTrackingProvider"},
    # A signed webhook whose timestamp is further than this from now is refused (replays, clock games).
    "WEBHOOK_TOLERANCE_SECONDS": 300,
    "WEBHOOK_MAX_BYTES": 256 * 1024,
    # Shipments still on their way are pulled at most this often, this many per run of the task.
    "POLL_INTERVAL_MINUTES": 5,
    "POLL_BATCH_SIZE": 200,
    # The sandbox carrier moves a parcel one step (picked up, hub, hub, out for delivery, signed) per this long.
    "SANDBOX_STEP_MINUTES": 10,
    "WAREHOUSE_CITY": "杭州市",
}


def logistics_setting(name: str) -> Any:
    configured = getattr(settings, "SHEQU_LOGISTICS", None) or {}
    return configured.get(name, DEFAULTS[name])
