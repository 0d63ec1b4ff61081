"""WeChat Pay API v3 (微信支付 APIv3), direct merchant (直连商户) mode.

Protocol (https://pay.weixin.qq.com/doc/v3/merchant/4012365336 and the pages it links):

- requests carry ``Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",
  timestamp="…",serial_no="…"``, the signature being SHA256withRSA (merchant private key) over
  ``METHOD\\nPATH_WITH_QUERY\\nTIMESTAMP\\nNONCE\\nBODY\\n``;
- answers and notifications are signed by WeChat Pay: SHA256withRSA over ``TIMESTAMP\\nNONCE\\nBODY\\n`` from the
  ``Wechatpay-Timestamp/-Nonce/-Signature/-Serial`` headers, checked with the platform certificate (or the
  "WeChat Pay public key") named by the serial; timestamps more than 5 minutes off are refused (replay);
- ``POST /v3/pay/transactions/{h5,native,jsapi}`` opens a payment (``h5_url`` / ``code_url`` /
  ``prepay_id``); sending the same ``out_trade_no`` with the same parameters again is allowed;
- a notification is ``{"id","create_time","event_type","resource_type":"encrypt-resource","resource":
  {"algorithm":"AEAD_AES_256_GCM","ciphertext","associated_data","nonce"}}``; the resource is decrypted with
  the APIv3 key; answer 200/204 with no body, or 4xx/5xx with ``{"code":"FAIL","message":…}`` to get it
  again later;
- ``POST /v3/refund/domestic/refunds`` (``out_refund_no``, ``amount {refund, total, currency}`` in fen) is
  idempotent on ``out_refund_no``; the result comes back as ``status`` and later as a REFUND.* notification.

Why not the ``wechatpayv3`` package: it is well kept, but its gateway is a private constant (the local test
gateway could only be reached by patching ``_gate_way``), it downloads platform certificates from inside its
constructor unless a public key is given, it does not refuse stale timestamps (replays), it raises bare
``Exception``s, and it brings ``requests`` where the project uses ``httpx``. It is itself a thin layer over
``cryptography``, which this module uses directly.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import httpx
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
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
    from_fen,
    to_fen,
)

BEIJING = ZoneInfo("Asia/Shanghai")
DEFAULT_API_BASE = "https://api.mch.weixin.qq.com"
SIGNATURE_SCHEME = "WECHATPAY2-SHA256-RSA2048"
MAX_CLOCK_SKEW_SECONDS = 300
PAY_PATHS = {
    "h5": "/v3/pay/transactions/h5",
    "native": "/v3/pay/transactions/native",
    "jsapi": "/v3/pay/transactions/jsapi",
}
# WeChat Pay error codes that mean "not now" rather than "no".
RETRYABLE_CODES = {"SYSTEM_ERROR", "FREQUENCY_LIMITED", "BANK_ERROR"}


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(BEIJING).isoformat(timespec="seconds")


def parse_rfc3339(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text))
    except (TypeError, ValueError):
        return None


def truncate_bytes(text: str, limit: int) -> str:
    encoded = text.encode()[:limit]
    return encoded.decode("utf-8", errors="ignore")


class WeChatPayProvider(PaymentProvider):
    name = "wechatpay"
    label = _("WeChat Pay")
    channels = ("h5", "native", "jsapi")
    timeout = 10.0

    @property
    def configured(self) -> bool:
        c = self.config
        has_keys = bool(c.get("PLATFORM_CERTS")) or bool(c.get("PUBLIC_KEY") and c.get("PUBLIC_KEY_ID"))
        return bool(
            c.get("MCHID")
            and c.get("APPID")
            and c.get("PRIVATE_KEY")
            and c.get("CERT_SERIAL_NO")
            and c.get("APIV3_KEY")
            and has_keys
        )

    def default_channel(self, *, mobile: bool) -> str:
        return "h5" if mobile else "native"

    @cached_property
    def mchid(self) -> str:
        return str(self.config["MCHID"])

    @cached_property
    def appid(self) -> str:
        return str(self.config["APPID"])

    @cached_property
    def api_base(self) -> str:
        return (self.config.get("API_BASE") or DEFAULT_API_BASE).rstrip("/")

    @cached_property
    def private_key(self):
        return rsa.load_private_key(self.config["PRIVATE_KEY"])

    @cached_property
    def apiv3_key(self) -> bytes:
        key = str(self.config["APIV3_KEY"]).encode()
        if len(key) != 32:
            raise ValueError("the WeChat Pay APIv3 key is 32 characters")
        return key

    @cached_property
    def verification_keys(self) -> dict[str, Any]:
        """Serial (upper-case hex of a platform certificate, or the public key id) → public key."""
        keys: dict[str, Any] = {}
        certs = self.config.get("PLATFORM_CERTS") or []
        if isinstance(certs, str):
            certs = [certs]
        for value in certs:
            certificate = rsa.load_certificate(value)
            keys[format(certificate.serial_number, "X")] = certificate.public_key()
        if self.config.get("PUBLIC_KEY") and self.config.get("PUBLIC_KEY_ID"):
            keys[str(self.config["PUBLIC_KEY_ID"]).upper()] = rsa.load_public_key(self.config["PUBLIC_KEY"])
        return keys

    # --- signatures ----------------------------------------------------------------------------------------

    def authorization(
        self, method: str, path_with_query: str, body: str, *, timestamp: int | None = None, nonce: str | None = None
    ) -> str:
        timestamp = int(time.time()) if timestamp is None else timestamp
        nonce = nonce or secrets.token_hex(16).upper()
        message = f"{method}\n{path_with_query}\n{timestamp}\n{nonce}\n{body}\n"
        signature = rsa.sign(self.private_key, message)
        return (
            f'{SIGNATURE_SCHEME} mchid="{self.mchid}",nonce_str="{nonce}",signature="{signature}",'
            f'timestamp="{timestamp}",serial_no="{self.config["CERT_SERIAL_NO"]}"'
        )

    def check_signature(self, headers: Mapping[str, str], body: str) -> str | None:
        """None when WeChat Pay signed ``body`` recently; else why not ("bad_signature"/"stale_timestamp")."""
        timestamp = headers.get("wechatpay-timestamp", "")
        nonce = headers.get("wechatpay-nonce", "")
        signature = headers.get("wechatpay-signature", "")
        serial = headers.get("wechatpay-serial", "").upper()
        scheme = headers.get("wechatpay-signature-type", SIGNATURE_SCHEME)
        if not (timestamp and nonce and signature and serial) or scheme != SIGNATURE_SCHEME:
            return "bad_signature"
        key = self.verification_keys.get(serial)
        if key is None:
            return "bad_signature"
        if not rsa.verify(key, f"{timestamp}\n{nonce}\n{body}\n", signature):
            return "bad_signature"
        try:
            age = abs(time.time() - int(timestamp))
        except ValueError:
            return "stale_timestamp"
        if age > MAX_CLOCK_SKEW_SECONDS:
            return "stale_timestamp"
        return None

    def decrypt(self, resource: Mapping[str, Any]) -> dict[str, Any]:
        if resource.get("algorithm") != "AEAD_AES_256_GCM":
            raise NotificationRejected("malformed", "unknown algorithm")
        try:
            ciphertext = base64.b64decode(str(resource.get("ciphertext", "")), validate=True)
            plain = AESGCM(self.apiv3_key).decrypt(
                str(resource.get("nonce", "")).encode(),
                ciphertext,
                str(resource.get("associated_data") or "").encode(),
            )
        except (InvalidTag, binascii.Error, ValueError) as exc:
            raise NotificationRejected("decrypt_failed", exc.__class__.__name__) from exc
        try:
            data = json.loads(plain)
        except ValueError as exc:
            raise NotificationRejected("malformed", "resource is not JSON") from exc
        if not isinstance(data, dict):
            raise NotificationRejected("malformed", "resource is not an object")
        return data

    # --- HTTP ----------------------------------------------------------------------------------------------

    def _request(self, method: str, path: str, payload: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
        """Send one signed call; return (status, JSON). 2xx answers must carry a valid WeChat Pay signature.

        Raises ProviderError(definite=False) for timeouts, 5xx and unverifiable answers.
        """
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")) if payload is not None else ""
        headers = {
            "Accept": "application/json",
            "User-Agent": "shequ-payments/1",
            "Authorization": self.authorization(method, path, body),
        }
        if body:
            headers["Content-Type"] = "application/json"
        try:
            response = httpx.request(
                method,
                self.api_base + path,
                content=body.encode() if body else None,
                headers=headers,
                timeout=self.timeout,
            )
        except httpx.HTTPError as exc:
            raise ProviderError("network", exc.__class__.__name__) from exc
        if response.status_code >= 500:
            raise ProviderError("http_status", str(response.status_code))
        try:
            text = response.content.decode("utf-8")  # the exact bytes WeChat Pay signed, not a guessed decoding
        except UnicodeDecodeError as exc:
            raise ProviderError("bad_response", "not UTF-8") from exc
        if 200 <= response.status_code < 300:
            problem = self.check_signature({k.lower(): v for k, v in response.headers.items()}, text)
            if problem:
                raise ProviderError(problem, f"{method} {urlsplit(path).path} answer not trusted")
        try:
            data = json.loads(text) if text else {}
        except ValueError as exc:
            if response.status_code < 300:
                raise ProviderError("bad_response", "not JSON") from exc
            data = {}
        if not isinstance(data, dict):
            raise ProviderError("bad_response", "not an object")
        return response.status_code, data

    def start(self, request: PaymentRequest) -> StartInstructions:
        channel = request.channel or "h5"
        if channel not in PAY_PATHS:
            raise ProviderError("channel_unsupported", channel, definite=True)
        payload: dict[str, Any] = {
            "appid": self.appid,
            "mchid": self.mchid,
            "description": truncate_bytes(request.subject, 127),
            "out_trade_no": request.out_trade_no,
            "notify_url": request.notify_url,
            "amount": {"total": to_fen(request.amount), "currency": "CNY"},
        }
        if request.expires_at is not None:
            payload["time_expire"] = rfc3339(request.expires_at)
        if channel == "h5":
            payload["scene_info"] = {"payer_client_ip": request.client_ip or "127.0.0.1", "h5_info": {"type": "Wap"}}
        elif channel == "jsapi":
            if not request.openid:
                raise ProviderError("openid_required", "JSAPI payments need the payer's openid", definite=True)
            payload["payer"] = {"openid": request.openid}
        status, data = self._request("POST", PAY_PATHS[channel], payload)
        if status != 200:
            raise ProviderError(str(data.get("code") or status), str(data.get("message", ""))[:200], definite=True)
        if channel == "h5":
            if not data.get("h5_url"):
                raise ProviderError("bad_response", "no h5_url")
            url = str(data["h5_url"])
            if request.return_url:
                url += ("&" if "?" in url else "?") + "redirect_url=" + quote(request.return_url, safe="")
            return StartInstructions(kind="redirect", url=url)
        if channel == "native":
            if not data.get("code_url"):
                raise ProviderError("bad_response", "no code_url")
            return StartInstructions(kind="qr", url=str(data["code_url"]))
        if not data.get("prepay_id"):
            raise ProviderError("bad_response", "no prepay_id")
        return StartInstructions(kind="jsapi", params=self.jsapi_params(str(data["prepay_id"])))

    def jsapi_params(self, prepay_id: str) -> dict[str, str]:
        """What wx.requestPayment / WeixinJSBridge needs, signed with the merchant key."""
        timestamp = str(int(time.time()))
        nonce = secrets.token_hex(16).upper()
        package = f"prepay_id={prepay_id}"
        pay_sign = rsa.sign(self.private_key, f"{self.appid}\n{timestamp}\n{nonce}\n{package}\n")
        return {
            "appId": self.appid,
            "timeStamp": timestamp,
            "nonceStr": nonce,
            "package": package,
            "signType": "RSA",
            "paySign": pay_sign,
        }

    def refund(self, request: RefundRequest) -> RefundResult:
        payload: dict[str, Any] = {
            "out_trade_no": request.out_trade_no,
            "out_refund_no": request.out_refund_no,
            "reason": request.reason[:80],
            "amount": {"refund": to_fen(request.amount), "total": to_fen(request.payment_total), "currency": "CNY"},
        }
        if request.notify_url:
            payload["notify_url"] = request.notify_url
        status, data = self._request("POST", "/v3/refund/domestic/refunds", payload)
        if status != 200:
            code = str(data.get("code") or status)
            if code in RETRYABLE_CODES or status == 429:
                raise ProviderError(code, str(data.get("message", "")))
            return RefundResult(
                status="failed", error_code=code, error_message=str(data.get("message", ""))[:200], raw=data
            )
        if data.get("out_refund_no") != request.out_refund_no:
            raise ProviderError("bad_response", "refund answer for another refund")
        refund_status = str(data.get("status", ""))
        mapped = {"SUCCESS": "succeeded", "PROCESSING": "pending"}.get(refund_status, "failed")
        return RefundResult(
            status=mapped,
            provider_refund_no=str(data.get("refund_id", ""))[:64],
            error_code="" if mapped != "failed" else refund_status,
            raw=data,
        )

    def query(self, *, out_trade_no: str) -> VerifiedNotification | None:
        status, data = self._request(
            "GET", f"/v3/pay/transactions/out-trade-no/{quote(out_trade_no, safe='')}?mchid={quote(self.mchid)}"
        )
        if status != 200 or data.get("out_trade_no") != out_trade_no:
            return None
        return self._payment_message(data)

    # --- notifications -------------------------------------------------------------------------------------

    def parse_notification(self, *, body: bytes, headers: Mapping[str, str]) -> VerifiedNotification:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NotificationRejected("malformed", "not UTF-8") from exc
        problem = self.check_signature(headers, text)
        if problem:
            raise NotificationRejected(problem)
        try:
            envelope = json.loads(text)
        except ValueError as exc:
            raise NotificationRejected("malformed", "not JSON") from exc
        if not isinstance(envelope, dict) or envelope.get("resource_type") != "encrypt-resource":
            raise NotificationRejected("malformed", "not an encrypted resource")
        resource = envelope.get("resource")
        if not isinstance(resource, dict):
            raise NotificationRejected("malformed", "no resource")
        data = self.decrypt(resource)
        event_type = str(envelope.get("event_type", ""))
        if event_type.startswith("REFUND."):
            return self._refund_message(data, event_type)
        if event_type.startswith("TRANSACTION."):
            return self._payment_message(data)
        raise NotificationRejected(
            "malformed", f"unknown event {event_type[:40]}", out_trade_no=str(data.get("out_trade_no", ""))[:40]
        )

    def _payment_message(self, data: Mapping[str, Any]) -> VerifiedNotification:
        out_trade_no = str(data.get("out_trade_no", ""))[:40]
        if not out_trade_no:
            raise NotificationRejected("malformed", "no out_trade_no")
        amount = data.get("amount") if isinstance(data.get("amount"), dict) else {}
        try:
            total = from_fen(amount.get("total"))
        except ValueError as exc:
            raise NotificationRejected("malformed", "bad amount.total", out_trade_no=out_trade_no) from exc
        if amount.get("currency", "CNY") != "CNY":
            raise NotificationRejected("malformed", "currency", out_trade_no=out_trade_no)
        trade_state = str(data.get("trade_state", ""))
        if trade_state == "SUCCESS":
            status = "paid"
        elif trade_state in {"CLOSED", "REVOKED", "PAYERROR"}:
            status = "closed"
        else:  # NOTPAY, USERPAYING, REFUND (already paid and refunded is handled as paid elsewhere)
            status = "paid" if trade_state == "REFUND" else "pending"
        return VerifiedNotification(
            kind="payment",
            out_trade_no=out_trade_no,
            status=status,
            amount=total,
            provider_trade_no=str(data.get("transaction_id", ""))[:64],
            merchant_ok=data.get("mchid") == self.mchid and data.get("appid") == self.appid,
            paid_at=parse_rfc3339(data.get("success_time")),
            raw={key: value for key, value in data.items() if key != "payer"},  # the payer's openid stays out
        )

    def _refund_message(self, data: Mapping[str, Any], event_type: str) -> VerifiedNotification:
        out_trade_no = str(data.get("out_trade_no", ""))[:40]
        amount = data.get("amount") if isinstance(data.get("amount"), dict) else {}
        try:
            refunded = from_fen(amount.get("refund"))
        except ValueError as exc:
            raise NotificationRejected("malformed", "bad amount.refund", out_trade_no=out_trade_no) from exc
        refund_status = str(data.get("refund_status", ""))
        status = {"SUCCESS": "succeeded", "PROCESSING": "pending"}.get(refund_status, "failed")
        if not data.get("out_refund_no"):
            raise NotificationRejected("malformed", "no out_refund_no", out_trade_no=out_trade_no)
        return VerifiedNotification(
            kind="refund",
            out_trade_no=out_trade_no,
            status=status,
            amount=refunded,
            provider_trade_no=str(data.get("transaction_id", ""))[:64],
            out_refund_no=str(data["out_refund_no"])[:40],
            provider_refund_no=str(data.get("refund_id", ""))[:64],
            merchant_ok=data.get("mchid") == self.mchid,
            raw=dict(data),
        )

    def reply(self, *, ok: bool, message: str = "") -> CallbackReply:
        if ok:
            return CallbackReply(status=204)
        body = json.dumps({"code": "FAIL", "message": message or "rejected"}).encode()
        return CallbackReply(status=400, body=body, content_type="application/json")
