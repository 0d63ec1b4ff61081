"""The sandbox: a pretend provider for the demo and tests. Its "cashier" is our own page with Pay / Fail.

There is no outside party, so nothing is signed: the sandbox page posts straight to a service that checks
the person paying owns the order. It is switched on only where that is harmless (DEBUG or the embedded
demo, or explicitly with PAYMENTS_SANDBOX_ENABLED) — in production it would let anyone "pay" for free.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shequ.payments.providers.base import (
    CallbackReply,
    NotificationRejected,
    PaymentProvider,
    PaymentRequest,
    RefundRequest,
    RefundResult,
    StartInstructions,
    VerifiedNotification,
)


class SandboxProvider(PaymentProvider):
    name = "sandbox"
    label = _("Sandbox (demo payment)")
    channels = ("page",)

    @property
    def configured(self) -> bool:
        return bool(self.config.get("ENABLED"))

    def start(self, request: PaymentRequest) -> StartInstructions:
        return StartInstructions(kind="page", url=reverse("payments:sandbox", args=[request.out_trade_no]))

    def parse_notification(self, *, body: bytes, headers: Mapping[str, str]) -> VerifiedNotification:
        # The sandbox never calls back over HTTP; anything posted to its notify URL is someone guessing.
        raise NotificationRejected("not_supported", "the sandbox has no callbacks")

    def reply(self, *, ok: bool, message: str = "") -> CallbackReply:
        return CallbackReply(status=200 if ok else 400, body=b"ok" if ok else b"rejected")

    def refund(self, request: RefundRequest) -> RefundResult:
        return RefundResult(status="succeeded", provider_refund_no=f"SBR{secrets.token_hex(8).upper()}")
