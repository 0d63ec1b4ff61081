"""API v1 shapes of the loyalty module."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema

from shequ.loyalty.rules import kind_label


class ExpiringOut(Schema):
    expires_at: datetime
    points: int


class PointsOut(Schema):
    balance: int
    held: int
    pending: int
    debt: int
    expiring_soon: int
    expiring_within_days: int
    expiring: list[ExpiringOut]


class EntryOut(Schema):
    id: int
    entry_type: str
    kind: str
    label: str
    reference: str
    points: int
    balance_after: int
    note: str
    created_at: datetime

    @staticmethod
    def resolve_label(obj) -> str:
        return kind_label(obj.kind)


class CheckinDayOut(Schema):
    day: date
    points: int


class CalendarOut(Schema):
    year: int
    month: int
    today: date
    checked_in_today: bool
    streak: int
    days: list[CheckinDayOut]


class CheckinOut(Schema):
    day: date
    streak: int
    points: int
    balance: int


class TierOut(Schema):
    code: str
    name: str
    multiplier: Decimal
    free_shipping: bool
    dedicated_service: bool
    trial_priority: int
    spend_12m: Decimal
    activity_12m: int
    next_code: str | None
    next_name: str | None
    spend_to_next: Decimal | None
    activity_to_next: int | None
    progress: int | None
    downgrade_to: str | None
    downgrade_at: datetime | None
