"""Pieces shared by the payment use cases: numbers, the per-order lock, the notification log."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from shequ.payments.models import PaymentNotification
from shequ.payments.providers.registry import payments_settings

logger = logging.getLogger("shequ.payments")

# Namespace of the PostgreSQL advisory locks payments takes per order ("PAY\0" << 32 | order id).
_LOCK_NAMESPACE = 0x50415900 << 32
LOGGED_HEADERS = ("content-type", "user-agent", "request-id")
MAX_LOGGED_BODY = 16_000


def new_number(prefix: str) -> str:
    """A payment or refund number: prefix + UTC time (yymmddHHMMSS) + 10 random hex digits, 23 characters.

    Unique by construction (and by the column's unique index); short enough for WeChat Pay's 32-character
    limit, and only letters and digits as both providers require.
    """
    return f"{prefix}{timezone.now():%y%m%d%H%M%S}{secrets.token_hex(5).upper()}"


def lock_order_payments(order_id: int) -> None:
    """Serialise payment starts and settlements of one order until the transaction ends.

    On PostgreSQL an advisory lock (payments does not lock the orders table it does not own); SQLite runs
    every write transaction one at a time already (IMMEDIATE mode), so nothing more is needed there.
    Caller is inside ``transaction.atomic``.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_NAMESPACE | (int(order_id) & 0xFFFFFFFF)])


def notify_url(provider: str, return_url: str = "") -> str:
    """The absolute URL the provider calls back: NOTIFY_BASE_URL, else the host of the page that started."""
    base = (payments_settings().get("NOTIFY_BASE_URL") or "").rstrip("/")
    if not base and return_url:
        parts = urlsplit(return_url)
        base = f"{parts.scheme}://{parts.netloc}"
    return f"{base}{reverse('payments:notify', args=[provider])}"


def notification_log(
    *,
    provider: str,
    out_trade_no: str,
    verified: bool,
    outcome: str,
    body: bytes,
    headers: Mapping[str, str],
    remote_addr: str,
) -> PaymentNotification:
    """Keep one callback for investigation, committed on its own even when the caller's work rolls back."""
    kept_headers = {
        key: str(value)[:500] for key, value in headers.items() if key.startswith("wechatpay-") or key in LOGGED_HEADERS
    }
    with transaction.atomic():
        row = PaymentNotification.objects.create(
            provider=provider[:16],
            out_trade_no=(out_trade_no or "")[:40],
            verified=verified,
            outcome=outcome[:32],
            body=body[:MAX_LOGGED_BODY].decode("utf-8", errors="replace"),
            headers=kept_headers,
            remote_addr=(remote_addr or "")[:64],
        )
    if not verified or outcome in {"unknown_trade", "amount_mismatch", "wrong_merchant", "unknown_refund"}:
        logger.warning(
            "payment callback rejected provider=%s out_trade_no=%s outcome=%s addr=%s",
            provider,
            out_trade_no,
            outcome,
            remote_addr,
        )
    return row
