"""What every carrier adapter returns: plain tracking updates, free of our models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TrackingUpdate:
    """One scan reported by a carrier. ``external_id`` is stable across reports, so repeats are stored once."""

    external_id: str
    status: str  # a ShipmentStatus value
    description: str
    occurred_at: datetime  # aware
    location: str = ""


@dataclass(frozen=True)
class TrackingQuery:
    """What a provider needs to look a parcel up (and, for the sandbox, to invent a believable route)."""

    carrier_code: str
    carrier_name: str
    tracking_no: str
    shipped_at: datetime
    destination_province: str = ""
    destination_city: str = ""
    destination_district: str = ""


class TrackingProviderError(Exception):
    """The carrier could not be asked (network, quota, its own error); try again on the next poll."""


class TrackingProvider:
    """Pull tracking for one parcel. Providers that only push (webhooks) set ``supports_polling = False``."""

    code = "base"
    supports_polling = True

    def fetch(self, query: TrackingQuery, *, now: datetime) -> list[TrackingUpdate]:
        raise NotImplementedError


class PushOnlyProvider(TrackingProvider):
    """For carriers that only push to the webhook: polling them does nothing."""

    code = "push"
    supports_polling = False

    def fetch(self, query: TrackingQuery, *, now: datetime) -> list[TrackingUpdate]:
        return []
