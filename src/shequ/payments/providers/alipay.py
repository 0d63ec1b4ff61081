"""Alipay open platform (开放平台), public-key mode with RSA2 signatures.

Protocol (https://opendocs.alipay.com/common/02kf5q, /open/028r8t for page pay, /open/203/105286 for
notifications):

- every request carries the common parameters ``app_id, method, format=JSON, charset=utf-8, sign_type=RSA2,
  timestamp ("yyyy-MM-dd HH:mm:ss", Beijing time), version=1.0`` plus ``biz_content`` (JSON) and, for the
  pay methods, ``notify_url`` / ``return_url``;
- the signature: drop ``sign`` and empty values, sort by key, join ``k=v`` with ``&`` (raw, not URL-encoded),
  SHA256withRSA (PKCS#1 v1.5) with the app's private key, base64;
- ``alipay.trade.page.pay`` (PC) / ``alipay.trade.wap.pay`` (H5) are browser redirects to the gateway with
  the signed parameters; the buyer pays on Alipay's cashier;
- the asynchronous notification is a form POST; verify it by dropping ``sign`` and ``sign_type``, sorting,
  joining, and checking with Alipay's public key; answer the plain text ``success`` (anything else makes
  Alipay retry, up to 8 times over about a day);
- server-to-server calls (``alipay.trade.refund``, ``alipay.trade.query``) are POSTs to the gateway that
  answer ``{"<method>_response": {...}, "sign": "..."}``; the signature covers the exact JSON text of the
  ``..._response`` value as sent.

Why not ``python-alipay-sdk``: it hard-codes the gateway (only a private attribute can point it at a test
gateway), stamps requests with the server's local time (wrong on a UTC host; Alipay expects Beijing time),
pulls in pycryptodomex and pyOpenSSL beside the ``cryptography`` we already use, and calls ``urlopen``
without distinguishing "refused" from "unknown outcome". The protocol itself is small; this module is it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode
from zoneinfo import ZoneInfo

import httpx
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from shequ.payments.providers import rsa
from shequ.payments.providers.base import (
    CallbackReply,
    NotificationRejected,
    PaymentProvider,
    PaymentRequest,
    ProviderError,
    RefundRequest,
    RefundResult,
    StartInstructions,
    VerifiedNotification,
    parse_yuan,
    yuan_str,
)

BEIJING = ZoneInfo("Asia/Shanghai")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DEFAULT_GATEWAY = "https://openapi.alipay.com/gateway.do"
PAY_METHODS = {
    "page": ("alipay.trade.page.pay", "FAST_INSTANT_TRADE_PAY"),
    "wap": ("alipay.trade.wap.pay", "QUICK_WAP_WAY"),
}
PAID_STATES = {"TRADE_SUCCESS", "TRADE_FINISHED"}
# Answers that mean "try again later" rather than "no": the refund may or may not have happened.
RETRYABLE_CODES = {"20000", "20001"}
RETRYABLE_SUB_CODES = {"ACQ.SYSTEM_ERROR", "ISP.UNKNOW-ERROR", "ACQ.REASON_TRADE_BEEN_FREEZEN_TIMEOUT"}


def beijing_time(moment: datetime | None = None) -> str:
    return (moment or timezone.now()).astimezone(BEIJING).strftime(TIME_FORMAT)


def parse_beijing_time(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=BEIJING)
    except (TypeError, ValueError):
        return None


def signing_string(params: Mapping[str, str], *, exclude: tuple[str, ...] = ("sign",)) -> str:
    """``k=v`` pairs sorted by key, joined with ``&``; ``exclude`` and empty values left out."""
    return "&".join(f"{key}={params[key]}" for key in sorted(params) if key not in exclude and params[key] != "")


def response_content(raw: str, key: str) -> tuple[str, dict[str, Any]] | None:
    """The exact JSON text of ``raw[key]`` (what Alipay signed) and its parsed value, or None."""
    decoder = json.JSONDecoder()
    marker = f'"{key}"'
    index = raw.find(marker)
    while index != -1:
        colon = index + len(marker)
        while colon < len(raw) and raw[colon] in " \t\r\n":
            colon += 1
        if colon < len(raw) and raw[colon] == ":":
            start = colon + 1
            while start < len(raw) and raw[start] in " \t\r\n":
                start += 1
            try:
                value, end = decoder.raw_decode(raw, start)
            except ValueError:
                return None
            if isinstance(value, dict):
                return raw[start:end], value
            return None
        index = raw.find(marker, index + 1)
    return None


class AlipayProvider(PaymentProvider):
    name = "alipay"
    label = _("Alipay")
    channels = ("wap", "page")
    timeout = 10.0

    @property
    def configured(self) -> bool:
        return bool(self.config.get("APP_ID") and self.config.get("PRIVATE_KEY") and self.config.get("PUBLIC_KEY"))

    def default_channel(self, *, mobile: bool) -> str:
        return "wap" if mobile else "page"

    @cached_property
    def app_id(self) -> str:
        return str(self.config["APP_ID"])

    @cached_property
    def gateway(self) -> str:
        return self.config.get("GATEWAY") or DEFAULT_GATEWAY

    @cached_property
    def private_key(self):
        return rsa.load_private_key(self.config["PRIVATE_KEY"])

    @cached_property
    def alipay_public_key(self):
        return rsa.load_public_key(self.config["PUBLIC_KEY"])

    # --- requests ------------------------------------------------------------------------------------------

    def signed_params(self, method: str, biz_content: dict[str, Any], **extra: str) -> dict[str, str]:
        params = {
            "app_id": self.app_id,
            "method": method,
            "format": "JSON",
            "charset": "utf-8",
            "sign_type": "RSA2",
            "timestamp": beijing_time(),
            "version": "1.0",
            "biz_content": json.dumps(biz_content, ensure_ascii=False, separators=(",", ":")),
            **{key: value for key, value in extra.items() if value},
        }
        params["sign"] = rsa.sign(self.private_key, signing_string(params))
        return params

    def start(self, request: PaymentRequest) -> StartInstructions:
        channel = request.channel or "wap"
        if channel not in PAY_METHODS:
            raise ProviderError("channel_unsupported", channel, definite=True)
        method, product_code = PAY_METHODS[channel]
        biz: dict[str, Any] = {
            "out_trade_no": request.out_trade_no,
            "total_amount": yuan_str(request.amount),
            "subject": request.subject[:256],
            "product_code": product_code,
        }
        if request.expires_at is not None:
            biz["time_expire"] = beijing_time(request.expires_at)
        if channel == "wap":
            biz["quit_url"] = request.return_url
        params = self.signed_params(method, biz, notify_url=request.notify_url, return_url=request.return_url)
        return StartInstructions(kind="redirect", url=f"{self.gateway}?{urlencode(params)}")

    def _call(self, method: str, biz_content: dict[str, Any]) -> dict[str, Any]:
        """POST one server-to-server call; return the verified ``<method>_response`` object.

        Raises ProviderError(definite=False) when the outcome is unknown; a refusal comes back as the
        response object with a ``code`` other than 10000 (its signature checked when present).
        """
        params = self.signed_params(method, biz_content)
        try:
            response = httpx.post(
                self.gateway,
                content=urlencode(params).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"},
                timeout=self.timeout,
            )
        except httpx.HTTPError as exc:
            raise ProviderError("network", exc.__class__.__name__) from exc
        if response.status_code != 200:
            raise ProviderError("http_status", str(response.status_code))
        try:
            raw = response.content.decode("utf-8")  # we asked for charset=utf-8; signed as these exact bytes
        except UnicodeDecodeError as exc:
            raise ProviderError("bad_response", "not UTF-8") from exc
        try:
            envelope = json.loads(raw)
        except ValueError as exc:
            raise ProviderError("bad_response", "not JSON") from exc
        if not isinstance(envelope, dict):
            raise ProviderError("bad_response", "not an object")
        key = method.replace(".", "_") + "_response"
        if key not in envelope and "error_response" in envelope:
            key = "error_response"
        found = response_content(raw, key)
        if found is None:
            raise ProviderError("bad_response", f"no {key}")
        content, body = found
        signature = envelope.get("sign")
        verified = bool(signature) and rsa.verify(self.alipay_public_key, content, str(signature))
        code = str(body.get("code", ""))
        if code == "10000":
            # Success is believed only when Alipay signed it.
            if not verified:
                raise ProviderError("bad_signature", f"{method} answer not signed by Alipay")
            return body
        if signature and not verified:
            raise ProviderError("bad_signature", f"{method} answer signature does not verify")
        # An unsigned refusal (Alipay leaves errors about our own signature unsigned) cannot move money,
        # so it is safe to act on; a retryable code means we do not know.
        if code in RETRYABLE_CODES or str(body.get("sub_code", "")).upper() in RETRYABLE_SUB_CODES:
            raise ProviderError(str(body.get("sub_code") or code), str(body.get("sub_msg") or body.get("msg", "")))
        return body

    def refund(self, request: RefundRequest) -> RefundResult:
        body = self._call(
            "alipay.trade.refund",
            {
                "out_trade_no": request.out_trade_no,
                "refund_amount": yuan_str(request.amount),
                "out_request_no": request.out_refund_no,
                "refund_reason": request.reason[:256],
            },
        )
        if body.get("code") != "10000":
            return RefundResult(
                status="failed",
                error_code=str(body.get("sub_code") or body.get("code") or "refused"),
                error_message=str(body.get("sub_msg") or body.get("msg") or "")[:200],
                raw=body,
            )
        if body.get("out_trade_no") not in (None, request.out_trade_no):
            raise ProviderError("bad_response", "refund answer for another trade")
        return RefundResult(status="succeeded", provider_refund_no=str(body.get("trade_no", ""))[:64], raw=body)

    def query(self, *, out_trade_no: str) -> VerifiedNotification | None:
        body = self._call("alipay.trade.query", {"out_trade_no": out_trade_no})
        if body.get("code") != "10000" or body.get("out_trade_no") != out_trade_no:
            return None
        return self._payment_message(body, merchant_ok=True)

    # --- notifications -------------------------------------------------------------------------------------

    def parse_notification(self, *, body: bytes, headers: Mapping[str, str]) -> VerifiedNotification:
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
        except (UnicodeDecodeError, ValueError) as exc:
            raise NotificationRejected("malformed", "not a UTF-8 form") from exc
        params = dict(pairs)
        if len(params) != len(pairs):
            raise NotificationRejected("malformed", "repeated field", out_trade_no=params.get("out_trade_no", ""))
        out_trade_no = params.get("out_trade_no", "")[:40]
        if params.get("sign_type") != "RSA2" or not params.get("sign"):
            raise NotificationRejected("bad_signature", "missing sign or not RSA2", out_trade_no=out_trade_no)
        if not rsa.verify(
            self.alipay_public_key, signing_string(params, exclude=("sign", "sign_type")), params["sign"]
        ):
            raise NotificationRejected("bad_signature", "signature does not verify", out_trade_no=out_trade_no)
        if not out_trade_no:
            raise NotificationRejected("malformed", "no out_trade_no")
        merchant_ok = params.get("app_id") == self.app_id
        if params.get("out_biz_no") and (params.get("refund_fee") or params.get("gmt_refund")):
            # A refund notice: out_biz_no is the out_request_no we sent; refund_fee is the cumulative total.
            return VerifiedNotification(
                kind="refund",
                out_trade_no=out_trade_no,
                status="succeeded",
                provider_trade_no=params.get("trade_no", ""),
                out_refund_no=params["out_biz_no"][:40],
                provider_refund_no=params.get("trade_no", "")[:64],
                merchant_ok=merchant_ok,
                raw=params,
            )
        return self._payment_message(params, merchant_ok=merchant_ok)

    def _payment_message(self, params: Mapping[str, Any], *, merchant_ok: bool) -> VerifiedNotification:
        out_trade_no = str(params.get("out_trade_no", ""))[:40]
        try:
            amount = parse_yuan(params.get("total_amount"))
        except ValueError as exc:
            raise NotificationRejected("malformed", "bad total_amount", out_trade_no=out_trade_no) from exc
        trade_status = str(params.get("trade_status", ""))
        if trade_status in PAID_STATES:
            status = "paid"
        elif trade_status == "TRADE_CLOSED":
            status = "closed"
        else:
            status = "pending"
        return VerifiedNotification(
            kind="payment",
            out_trade_no=out_trade_no,
            status=status,
            amount=amount,
            provider_trade_no=str(params.get("trade_no", ""))[:64],
            merchant_ok=merchant_ok,
            paid_at=parse_beijing_time(str(params.get("gmt_payment") or params.get("send_pay_date") or "")),
            raw=dict(params),
        )

    def reply(self, *, ok: bool, message: str = "") -> CallbackReply:
        # Alipay only looks for the exact body "success"; anything else is a failure it will retry.
        return CallbackReply(status=200 if ok else 400, body=b"success" if ok else b"failure")
