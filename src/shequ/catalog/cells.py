"""Turn one spreadsheet cell into a typed value, or say precisely what is wrong with it.

Cells come from CSV (always text) or XLSX (numbers, dates, booleans or text), typed by people: "¥1,299.00",
"2026年1月31日", a barcode Excel turned into 6.901234567892E+12. Each parser raises InvalidInput with a code and
a message an operator can act on.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.catalog.tabular import unescape_formula
from shequ.core.errors import InvalidInput

MAX_INT = 2_147_483_647  # PositiveIntegerField on PostgreSQL
MAX_MONEY = Decimal("99999999.99")  # DecimalField(max_digits=10, decimal_places=2)
CENT = Decimal("0.01")

_DATE_TIME = re.compile(
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[\sT]+(?P<H>\d{1,2})[:：](?P<M>\d{2})(?:[:：](?P<S>\d{2})(?:\.(?P<f>\d{1,6}))?)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    """Cell → stripped text; integral numbers lose Excel's ".0"; a formula-escaping apostrophe is removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return unescape_formula(str(value).strip())


def code_text(value: Any) -> str:
    """Like ``text`` but refuses what Excel did to a long number (6.9E+12) instead of storing it."""
    result = text(value)
    if re.fullmatch(r"\d+(\.\d+)?[eE]\+?\d+", result):
        raise InvalidInput(
            "cell_scientific",
            _("Excel turned this number into %(value)s; format the column as text.") % {"value": result},
        )
    return result


def integer(value: Any, *, minimum: int = 0) -> int:
    """A whole number ≥ ``minimum`` ("1,000" and Excel's 250.0 are fine)."""
    if isinstance(value, bool):
        raise InvalidInput("int_invalid", _("Enter a whole number."))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise InvalidInput("int_invalid", _("Enter a whole number."))
        number = int(value)
    else:
        raw = text(value).replace(",", "").replace("，", "")
        if re.fullmatch(r"[+-]?\d+(\.0*)?", raw) is None:
            raise InvalidInput("int_invalid", _("Enter a whole number."))
        number = int(raw.split(".")[0])
    if number < minimum:
        if number < 0:
            raise InvalidInput("int_negative", _("The number cannot be negative."))
        raise InvalidInput("int_too_small", _("The number must be at least %(min)d.") % {"min": minimum})
    if number > MAX_INT:
        raise InvalidInput("int_too_large", _("The number is too large."))
    return number


def money(value: Any) -> Decimal:
    """A price in yuan: not negative, at most 2 decimals ("¥1,299.00", "9.9" and 9.9 are fine)."""
    if isinstance(value, bool):
        raise InvalidInput("price_invalid", _("Enter a price like 12.90."))
    if isinstance(value, float):
        amount = Decimal(repr(round(value, 6)))  # a float cell is binary; 6 places removes the noise
    elif isinstance(value, int | Decimal):
        amount = Decimal(value)
    else:
        raw = text(value)
        for noise in ("¥", "￥", "CNY", "RMB", "元", ",", "，", " "):
            raw = raw.replace(noise, "")
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            raise InvalidInput("price_invalid", _("Enter a price like 12.90.")) from None
    if not amount.is_finite():
        raise InvalidInput("price_invalid", _("Enter a price like 12.90."))
    if amount < 0:
        raise InvalidInput("price_negative", _("A price cannot be negative."))
    if amount != amount.quantize(CENT):
        raise InvalidInput("price_decimals", _("A price has at most 2 decimal places (fen)."))
    if amount > MAX_MONEY:
        raise InvalidInput("price_too_large", _("The price is too large."))
    return amount.quantize(CENT)


def moment(value: Any, *, end_of_day: bool = False) -> datetime:
    """A date or date-time, in Shanghai time unless it says otherwise.

    Accepts ISO (2026-01-31, 2026-01-31 10:00, 2026-01-31T10:00:00+08:00), 2026/1/31, 2026.1.31 and
    2026年1月31日 (with an optional time), and XLSX date cells. A bare date means the start of that day, or
    with ``end_of_day`` the end of it, so "the sale ends 2026-01-31" still sells on the 31st.
    """
    zone = ZoneInfo(settings.TIME_ZONE)
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return _day(value, zone, end_of_day)
    match = _DATE_TIME.match(text(value))
    if match is None:
        raise InvalidInput("date_invalid", _("Enter a date like 2026-01-31, 2026/01/31 or 2026年1月31日."))
    parts = match.groupdict()
    try:
        day = date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
        if parts["H"] is None:
            return _day(day, zone, end_of_day)
        clock = time(int(parts["H"]), int(parts["M"]), int(parts["S"] or 0), int((parts["f"] or "0").ljust(6, "0")))
    except ValueError:
        raise InvalidInput("date_invalid", _("This date does not exist.")) from None
    tzinfo = zone
    if parts["tz"]:
        tzinfo = datetime.fromisoformat(f"2000-01-01T00:00{parts['tz'].replace('Z', '+00:00')}").tzinfo
    return datetime.combine(day, clock, tzinfo=tzinfo)


def _day(day: date, zone: ZoneInfo, end_of_day: bool) -> datetime:
    start = datetime.combine(day, time(0), tzinfo=zone)
    return start + timedelta(days=1) if end_of_day else start
