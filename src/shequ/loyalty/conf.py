"""The loyalty module's settings (``SHEQU_LOYALTY``), with defaults when a deployment leaves some out.

Earning amounts, caps, streak bonuses and tier thresholds are data (edited by operators in the admin); these
are the few rules that shape the ledger itself.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings

DEFAULTS = {
    # Points earned in year Y expire at the end of year Y + EXPIRY_YEARS (Asia/Shanghai): 1 → end of next year.
    "EXPIRY_YEARS": 1,
    # "Expiring soon" shows the points that expire within this many days.
    "EXPIRING_SOON_DAYS": 60,
    # Points at checkout: this many points are worth one yuan. (The most of an order points may pay for is
    # orders' SHEQU_ORDERS["POINTS_MAX_SHARE"].)
    "POINTS_PER_YUAN": 100,
    # The calendar day of check-ins, caps and expiry.
    "TIME_ZONE": "Asia/Shanghai",
}


def loyalty_setting(name: str):
    return getattr(settings, "SHEQU_LOYALTY", {}).get(name, DEFAULTS[name])


def local_zone() -> ZoneInfo:
    return ZoneInfo(loyalty_setting("TIME_ZONE"))
