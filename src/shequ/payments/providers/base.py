"""The one interface every payment provider adapter implements, and the value objects that cross it.

An adapter speaks one provider's protocol (signing, verification, decryption, HTTP) and nothing else: it
never touches the database. The services in ``payments/services.py`` decide what a verified message means
for a payment, an order or a refund.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")


# --- money ---------------------------------------------------------------------------------------------


def quantize_yuan(amount: Decimal) -> Decimal:
    """``amount`` with exactly two decimals; raises ValueError for anything that is not a whole number of fen."""
    if not isinstance(amount, Decimal):
        raise TypeError("money must be a Decimal")
    quantized = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if quantized != amount:
        raise ValueError(f"{amount} is not a whole number of fen")
    return quantized


def to_fen(amount: Decimal) -> int:
    """Yuan (Decimal) → fen (int), exactly: 12.34 → 1234. Never goes through a float."""
    return int(quantize_yuan(amount) * 100)


def from_fen(fen: Any) -> Decimal:
    """Fen as sent by a provider (a JSON integer) → yuan; raises ValueError for anything else."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise ValueError("fen must be an integer")
    return (Decimal(fen) / 100).quantize(CENT)


def yuan_str(amount: Decimal) -> str:
    """The "12.34" form Alipay wants."""
    return f"{quantize_yuan(amount):.2f}"


def parse_yuan(text: Any) -> Decimal:
    """ "12.34" from a provider → Decimal; raises ValueError for malformed amounts."""
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"bad amount {text!r}") from exc
    if not value.is_finite():
        raise ValueError(f"bad amount {text!r}")
    return quantize_yuan(value)


# --- value objects ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentRequest:
    """What a provider needs to open a payment."""

    out_trade_no: str
    amount: Decimal
    subject: str
    notify_url: str
    return_url: str
    channel: str = ""  # provider-specific: "page"/"wap" (Alipay), "h5"/"native"/"jsapi" (WeChat)
    client_ip: str = ""
    openid: str = ""  # WeChat JSAPI / mini-program payer
    expires_at: datetime | None = None


@dataclass(frozen=True)
class StartInstructions:
    """How the client completes the payment.

    ``kind``: "redirect" (send the browser to ``url``), "qr" (show ``url`` as a QR code to scan),
    "jsapi" (hand ``params`` to the WeChat mini-program / JSAPI bridge), "page" (our own sandbox page).
    """

    kind: str
    url: str = ""
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VerifiedNotification:
    """A provider message whose signature (and encryption) checked out. Still to be matched against our rows."""

    kind: str  # "payment" | "refund"
    out_trade_no: str
    status: str  # payment: "paid" | "pending" | "closed"; refund: "succeeded" | "pending" | "failed"
    amount: Decimal | None = None  # payment: the total paid; refund: this refund's amount
    provider_trade_no: str = ""
    out_refund_no: str = ""
    provider_refund_no: str = ""
    merchant_ok: bool = True  # the app id / merchant id in the message is ours
    paid_at: datetime | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RefundRequest:
    out_trade_no: str
    provider_trade_no: str
    out_refund_no: str
    amount: Decimal
    payment_total: Decimal
    reason: str
    notify_url: str = ""


@dataclass(frozen=True)
class RefundResult:
    status: str  # "succeeded" | "pending" | "failed"
    provider_refund_no: str = ""
    error_code: str = ""
    error_message: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CallbackReply:
    """What we answer the provider's HTTP callback with (each provider wants its own shape)."""

    status: int
    body: bytes = b""
    content_type: str = "text/plain"


# --- errors ----------------------------------------------------------------------------------------------


class NotificationRejected(Exception):
    """A callback we refuse: forged, stale, undecryptable or malformed. ``outcome`` is logged."""

    def __init__(self, outcome: str, detail: str = "", *, out_trade_no: str = "") -> None:
        super().__init__(f"{outcome}: {detail}" if detail else outcome)
        self.outcome = outcome
        self.detail = detail
        self.out_trade_no = out_trade_no


class ProviderError(Exception):
    """The provider could not be reached, refused the request, or answered something we cannot trust.

    ``definite`` is True when the provider clearly said no (nothing happened on its side); False when the
    outcome is unknown (timeout, 5xx, unverifiable answer) and the request may have gone through.
    """

    def __init__(self, code: str, message: str = "", *, definite: bool = False) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message
        self.definite = definite


# --- the interface ----------------------------------------------------------------------------------------


class PaymentProvider:
    name: str = ""
    label: str = ""  # lazily translated display name
    channels: tuple[str, ...] = ()  # the first one is the default

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config

    @property
    def configured(self) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def default_channel(self, *, mobile: bool) -> str:
        return self.channels[0] if self.channels else ""

    def start(self, request: PaymentRequest) -> StartInstructions:  # pragma: no cover - interface
        """Open (or re-open, with the same out_trade_no) a payment; raise ProviderError on failure."""
        raise NotImplementedError

    def parse_notification(
        self, *, body: bytes, headers: Mapping[str, str]
    ) -> VerifiedNotification:  # pragma: no cover - interface
        """Verify and decode one callback; raise NotificationRejected when it cannot be trusted."""
        raise NotImplementedError

    def reply(self, *, ok: bool, message: str = "") -> CallbackReply:  # pragma: no cover - interface
        raise NotImplementedError

    def refund(self, request: RefundRequest) -> RefundResult:  # pragma: no cover - interface
        """Ask for a refund; idempotent on ``out_refund_no``. ProviderError when the outcome is unknown."""
        raise NotImplementedError

    def query(self, *, out_trade_no: str) -> VerifiedNotification | None:
        """Ask the provider how a payment stands (verified answer), or None when it cannot say."""
        return None
