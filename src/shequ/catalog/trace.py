"""Traceability rules shared by the trace services, selectors, pages, API and admin (no database access).

A batch number is what is printed on the pack next to the QR code. It is stored in one canonical form
(upper case, ASCII) so that the unique index answers lookups; what people type or scanners send — lower
case, spaces, full-width characters from a Chinese keyboard, odd dashes, even the whole trace URL — is
brought to that form by ``batch_no_from_input`` before any query runs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.catalog.models import InspectionResult
from shequ.core.errors import InvalidInput

TRACE_ZONE = ZoneInfo("Asia/Shanghai")
BATCH_NO_RE = re.compile(r"^[A-Za-z0-9-]{4,40}$")
EXPIRING_SOON_DAYS = 30
MAX_LOOKUP_INPUT = 300  # longer than any URL a pack's QR code carries; anything more is not a lookup

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u30fc"), "-")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_WHITESPACE = re.compile(r"\s+")
_TRACE_PATH = re.compile(r"/trace/([^/?#]*)", re.IGNORECASE)


def trace_today() -> date:
    """Today's date in China, which is what "best before" on a pack refers to."""
    return timezone.now().astimezone(TRACE_ZONE).date()


def batch_no_invalid() -> InvalidInput:
    return InvalidInput(
        "batch_no_invalid",
        _("A batch number is 4 to 40 letters, digits or dashes, as printed on the pack."),
        details={"field": "batch_no"},
    )


def batch_no_canonical(value: str) -> str:
    """The stored form of an operator-entered batch number: trimmed, ASCII, upper case; validated."""
    text = unicodedata.normalize("NFKC", value or "").translate(_DASHES).translate(_INVISIBLE).strip()
    if not BATCH_NO_RE.fullmatch(text):
        raise batch_no_invalid()
    return text.upper()


def batch_no_from_input(value: str) -> str:
    """The canonical batch number in what a person typed or a scanner sent; raise InvalidInput if none.

    Accepts ``sq 2024 0501``, ``ＳＱ－２０２４０５０１`` and a pasted or scanned trace URL
    (``https://…/trace/SQ-20240501/?src=qr``). Spaces are dropped, not turned into dashes: the lookup
    compares without dashes when the exact form is not found (see trace_selectors).
    """
    text = value or ""
    if len(text) > MAX_LOOKUP_INPUT:
        raise batch_no_invalid()
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_INVISIBLE)
    match = _TRACE_PATH.search(text)
    if match:
        text = unquote(match.group(1))
    return batch_no_canonical(_WHITESPACE.sub("", text))


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def lookup_query_for_event(value: str) -> str:
    """What a visitor typed, fit for an analytics event: control characters dropped (PostgreSQL's JSON
    refuses NUL), at most 100 characters."""
    return _CONTROL.sub("", value or "")[:100]


def batch_no_compact(batch_no: str) -> str:
    """The batch number without dashes, for the tolerant second lookup."""
    return batch_no.replace("-", "").upper()


class TraceStatus:
    """The one most serious thing to tell a consumer about a batch, most serious first."""

    FAILED = "failed"
    EXPIRED = "expired"
    PENDING = "pending"
    UNINSPECTED = "uninspected"
    EXPIRING_SOON = "expiring_soon"
    OK = "ok"


@dataclass(frozen=True)
class TraceFlags:
    expired: bool
    expiring_soon: bool
    days_until_expiry: int
    inspection_failed: bool
    inspection_pending: bool
    no_inspection: bool

    @property
    def status(self) -> str:
        if self.inspection_failed:
            return TraceStatus.FAILED
        if self.expired:
            return TraceStatus.EXPIRED
        if self.inspection_pending:
            return TraceStatus.PENDING
        if self.no_inspection:
            return TraceStatus.UNINSPECTED
        if self.expiring_soon:
            return TraceStatus.EXPIRING_SOON
        return TraceStatus.OK

    @property
    def inspection_passed(self) -> bool:
        """Inspected, and every inspection passed."""
        return not (self.no_inspection or self.inspection_failed or self.inspection_pending)

    @property
    def is_danger(self) -> bool:
        return self.inspection_failed or self.expired

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "expired": self.expired,
            "expiring_soon": self.expiring_soon,
            "days_until_expiry": self.days_until_expiry,
            "inspection_failed": self.inspection_failed,
            "inspection_pending": self.inspection_pending,
            "no_inspection": self.no_inspection,
            "inspection_passed": self.inspection_passed,
        }


def trace_flags(*, expiry_date: date, results: Iterable[str], today: date | None = None) -> TraceFlags:
    """Flags for a batch with this best-before date and these inspection results (any order).

    Any failed inspection flags the batch even if a later re-test passed: a consumer holding a pack from
    this batch deserves to know.
    """
    today = today or trace_today()
    results = list(results)
    days = (expiry_date - today).days
    return TraceFlags(
        expired=days < 0,
        expiring_soon=0 <= days <= EXPIRING_SOON_DAYS,
        days_until_expiry=days,
        inspection_failed=InspectionResult.FAILED in results,
        inspection_pending=InspectionResult.PENDING in results,
        no_inspection=not results,
    )


def expiry_window(today: date | None = None) -> tuple[date, date]:
    """(today, last best-before date that still counts as expiring soon) for filters."""
    today = today or trace_today()
    return today, today + timedelta(days=EXPIRING_SOON_DAYS)
