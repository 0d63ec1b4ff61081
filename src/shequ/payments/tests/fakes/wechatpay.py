"""A local WeChat Pay API v3 (direct merchant) server.

What it checks on every request, as the real one does: the ``Authorization`` header
(``WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"``) — our
merchant id, our certificate serial, a timestamp within 5 minutes, and the SHA256withRSA signature with the
merchant's public key over ``METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nBODY\\n`` — answering 401 SIGN_ERROR
otherwise. Then the body of each call:

- ``POST /v3/pay/transactions/{h5,native,jsapi}``: appid/mchid ours, ``description`` ≤ 127 bytes,
  ``out_trade_no`` 6–32 of ``[0-9A-Za-z_-|*]``, ``notify_url`` https without a query, ``amount.total`` a
  positive integer (fen) in CNY, ``scene_info.payer_client_ip`` + ``h5_info`` for H5, ``payer.openid`` for
  JSAPI. The same ``out_trade_no`` again with the same amount and description returns the same prepay;
  otherwise 400 INVALID_REQUEST; a paid one is 400 ORDERPAID.
- ``POST /v3/refund/domestic/refunds``: the trade is paid, ``amount.total`` is its total, refunds never add
  up to more; the same ``out_refund_no`` again returns that refund. ``refund_mode`` picks the answer:
  "success", "processing", "not_enough" (403 NOT_ENOUGH), "http_500".
- ``GET /v3/pay/transactions/out-trade-no/{no}?mchid=…``: the trade's state.

Every answer is signed by the platform key (headers ``Wechatpay-Timestamp/-Nonce/-Signature/-Serial``).
``payment_notification()`` / ``refund_notification()`` build what WeChat Pay POSTs to ``notify_url``: the
resource encrypted with AEAD_AES_256_GCM under the APIv3 key, the whole body signed.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shequ.payments.tests.fakes import keys
from shequ.payments.tests.fakes.server import Request, Response

MCHID = "1900009191"
APPID = "wx8888888888888888"
APIV3_KEY = "a" * 8 + "b" * 8 + "c" * 8 + "d" * 8
MERCHANT_SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
PUBLIC_KEY_ID = "PUB_KEY_ID_0119000091912025010100000000000001"
PLATFORM_CERT_SERIAL = 0x3A2B1C0D4E5F60718293A4B5C6D7E8F901234567
BEIJING = ZoneInfo("Asia/Shanghai")
OUT_TRADE_NO_RE = re.compile(r"^[0-9A-Za-z_\-|*]{6,32}$")
AUTH_RE = re.compile(r'(\w+)="([^"]*)"')


def beijing_now() -> str:
    return datetime.now(BEIJING).isoformat(timespec="seconds")


@dataclass
class Transaction:
    kind: str
    out_trade_no: str
    total: int
    description: str
    notify_url: str
    prepay_id: str
    transaction_id: str
    trade_state: str = "NOTPAY"
    refunds: dict[str, dict] = field(default_factory=dict)  # out_refund_no → refund record

    @property
    def refunded(self) -> int:
        return sum(r["amount"]["refund"] for r in self.refunds.values() if r["status"] != "ABNORMAL")


class FakeWeChatPay:
    def __init__(self) -> None:
        self.merchant_key = keys.new_key()  # the merchant API certificate's key; the private half goes to Shequ
        self.platform_key = keys.new_key()  # WeChat Pay's signing key
        self.platform_cert = keys.self_signed_certificate(
            self.platform_key, serial=PLATFORM_CERT_SERIAL, common_name="Tenpay.com Root CA"
        )
        self.verify_with = "public_key"  # "public_key": Wechatpay-Serial is the public key id; "certificate"
        self.base_url = ""
        self.transactions: dict[str, Transaction] = {}
        self.requests: list[tuple[str, str, dict]] = []
        self.errors: list[str] = []
        self.refund_mode = "success"
        self.failure: str | None = None  # "http_500" | "forged_response"
        self._lock = threading.Lock()

    # --- what tests call -------------------------------------------------------------------------------

    @property
    def platform_serial(self) -> str:
        return PUBLIC_KEY_ID if self.verify_with == "public_key" else format(PLATFORM_CERT_SERIAL, "X")

    def config(self, **overrides) -> dict:
        base = {
            "MCHID": MCHID,
            "APPID": APPID,
            "PRIVATE_KEY": keys.private_pem(self.merchant_key),
            "CERT_SERIAL_NO": MERCHANT_SERIAL,
            "APIV3_KEY": APIV3_KEY,
            "API_BASE": self.base_url,
        }
        if self.verify_with == "public_key":
            base |= {"PUBLIC_KEY": keys.public_pem(self.platform_key), "PUBLIC_KEY_ID": PUBLIC_KEY_ID}
        else:
            base |= {"PLATFORM_CERTS": [self.platform_cert]}
        return {**base, **overrides}

    def reset(self) -> None:
        with self._lock:
            self.transactions.clear()
            self.requests.clear()
            self.errors.clear()
        self.refund_mode = "success"
        self.failure = None
        self.verify_with = "public_key"

    def signed_headers(self, body: str, *, timestamp: int | None = None, sign_key=None) -> dict[str, str]:
        timestamp = int(time.time()) if timestamp is None else timestamp
        nonce = secrets.token_hex(16)
        signature = keys.rsa_sign(sign_key or self.platform_key, f"{timestamp}\n{nonce}\n{body}\n")
        return {
            "Wechatpay-Timestamp": str(timestamp),
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Signature": signature,
            "Wechatpay-Serial": self.platform_serial,
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        }

    def encrypt(self, resource: dict, *, apiv3_key: str = APIV3_KEY, associated_data: str = "transaction") -> dict:
        nonce = secrets.token_hex(6)  # 12 characters, as WeChat Pay sends
        plain = json.dumps(resource, ensure_ascii=False).encode()
        ciphertext = AESGCM(apiv3_key.encode()).encrypt(nonce.encode(), plain, associated_data.encode())
        return {
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": base64.b64encode(ciphertext).decode(),
            "associated_data": associated_data,
            "original_type": associated_data,
            "nonce": nonce,
        }

    def notification(
        self,
        event_type: str,
        resource: dict,
        *,
        timestamp: int | None = None,
        sign_key=None,
        apiv3_key: str = APIV3_KEY,
        summary: str = "",
    ) -> tuple[dict[str, str], bytes]:
        envelope = {
            "id": secrets.token_hex(16),
            "create_time": beijing_now(),
            "resource_type": "encrypt-resource",
            "event_type": event_type,
            "summary": summary or "支付成功",
            "resource": self.encrypt(
                resource,
                apiv3_key=apiv3_key,
                associated_data="refund" if event_type.startswith("REFUND") else "transaction",
            ),
        }
        body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
        headers = self.signed_headers(body, timestamp=timestamp, sign_key=sign_key)
        headers["Content-Type"] = "application/json"
        return headers, body.encode()

    def payment_notification(
        self,
        out_trade_no: str,
        *,
        total: int | None = None,
        mchid: str = MCHID,
        trade_state: str = "SUCCESS",
        **options,
    ) -> tuple[dict[str, str], bytes]:
        """The buyer paid: what WeChat Pay posts to notify_url (the trade is marked paid here too).

        For an ``out_trade_no`` the server never saw, give ``total``.
        """
        txn = self.transactions.get(out_trade_no) or Transaction(
            kind="native",
            out_trade_no=out_trade_no,
            total=total or 100,
            description="?",
            notify_url="",
            prepay_id="wx0",
            transaction_id=f"4200{secrets.randbelow(10**24):024d}",
        )
        if trade_state == "SUCCESS":
            txn.trade_state = "SUCCESS"
        return self.notification(
            "TRANSACTION.SUCCESS",
            self._transaction_resource(txn, total=total, mchid=mchid, trade_state=trade_state),
            **options,
        )

    def buyer_pays(self, out_trade_no: str) -> None:
        """The buyer pays, and the notification is late (a query finds it)."""
        self.transactions[out_trade_no].trade_state = "SUCCESS"

    def refund_notification(self, out_refund_no: str, *, status: str = "SUCCESS", **options):
        for txn in self.transactions.values():
            if out_refund_no in txn.refunds:
                record = txn.refunds[out_refund_no]
                record["status"] = status
                resource = {
                    "mchid": MCHID,
                    "out_trade_no": txn.out_trade_no,
                    "transaction_id": txn.transaction_id,
                    "out_refund_no": out_refund_no,
                    "refund_id": record["refund_id"],
                    "refund_status": status,
                    "success_time": beijing_now(),
                    "user_received_account": "支付用户零钱",
                    "amount": {
                        "total": txn.total,
                        "refund": record["amount"]["refund"],
                        "payer_total": txn.total,
                        "payer_refund": record["amount"]["refund"],
                    },
                }
                return self.notification(f"REFUND.{status}", resource, summary="退款成功", **options)
        raise KeyError(out_refund_no)

    # --- the protocol ----------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        url = urlsplit(request.path)
        body_text = request.body.decode("utf-8")
        with self._lock:
            self.requests.append((request.method, request.path, dict(request.headers)))
            if self.failure == "http_500":
                return self._answer(500, {"code": "SYSTEM_ERROR", "message": "系统错误"})
            problem = self._check_authorization(request.method, request.path, body_text, request.headers)
            if problem:
                return self._answer(401, {"code": "SIGN_ERROR", "message": problem})
            if request.method == "POST" and url.path.startswith("/v3/pay/transactions/"):
                kind = url.path.rsplit("/", 1)[-1]
                if kind in ("h5", "native", "jsapi"):
                    return self._open(kind, body_text)
            if request.method == "POST" and url.path == "/v3/refund/domestic/refunds":
                return self._refund(body_text)
            if request.method == "GET" and url.path.startswith("/v3/pay/transactions/out-trade-no/"):
                return self._query(url.path.rsplit("/", 1)[-1], parse_qs(url.query))
        return self._answer(404, {"code": "NOT_FOUND", "message": "无效的请求地址"})

    def _check_authorization(self, method: str, path: str, body: str, headers: dict[str, str]) -> str | None:
        header = headers.get("authorization", "")
        scheme, _, rest = header.partition(" ")
        if scheme != "WECHATPAY2-SHA256-RSA2048":
            return "错误的签名方式"
        fields = dict(AUTH_RE.findall(rest))
        if fields.get("mchid") != MCHID:
            return "商户号不匹配"
        if fields.get("serial_no") != MERCHANT_SERIAL:
            return "商户证书序列号有误"
        try:
            age = abs(time.time() - int(fields.get("timestamp", "")))
        except ValueError:
            return "时间戳有误"
        if age > 300 or not fields.get("nonce_str"):
            return "时间戳或随机串有误"
        message = f"{method}\n{path}\n{fields['timestamp']}\n{fields['nonce_str']}\n{body}\n"
        if not keys.rsa_verify(self.merchant_key.public_key(), message, fields.get("signature", "")):
            return "签名错误"
        return None

    def _answer(self, status: int, payload: dict | None) -> Response:
        body = json.dumps(payload, ensure_ascii=False) if payload is not None else ""
        if status >= 400 and payload:
            self.errors.append(payload.get("code", ""))
        sign_key = keys.new_key() if self.failure == "forged_response" else None
        headers = self.signed_headers(body, sign_key=sign_key)
        headers |= {"Content-Type": "application/json; charset=utf-8", "Request-ID": secrets.token_hex(16)}
        return Response(status, body.encode(), headers)

    def _param_error(self, message: str) -> Response:
        return self._answer(400, {"code": "PARAM_ERROR", "message": message})

    def _open(self, kind: str, body_text: str) -> Response:
        try:
            body = json.loads(body_text)
        except ValueError:
            return self._param_error("请求体不是JSON")
        amount = body.get("amount") or {}
        if body.get("appid") != APPID or body.get("mchid") != MCHID:
            return self._answer(400, {"code": "APPID_MCHID_NOT_MATCH", "message": "appid和mch_id不匹配"})
        description = str(body.get("description", ""))
        if not description or len(description.encode()) > 127:
            return self._param_error("description 长度有误")
        out_trade_no = str(body.get("out_trade_no", ""))
        if not OUT_TRADE_NO_RE.match(out_trade_no):
            return self._param_error("out_trade_no 格式有误")
        notify = urlsplit(str(body.get("notify_url", "")))
        if notify.scheme != "https" or notify.query or not notify.netloc:
            return self._param_error("notify_url 必须为https且不能携带参数")
        total = amount.get("total")
        if not isinstance(total, int) or isinstance(total, bool) or total < 1 or amount.get("currency", "CNY") != "CNY":
            return self._param_error("amount.total 有误")
        if "time_expire" in body and not re.match(
            r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", body["time_expire"]
        ):
            return self._param_error("time_expire 格式有误")
        if kind == "h5":
            scene = body.get("scene_info") or {}
            if not scene.get("payer_client_ip") or not (scene.get("h5_info") or {}).get("type"):
                return self._param_error("H5 支付需要 scene_info.payer_client_ip 与 h5_info")
        if kind == "jsapi" and not (body.get("payer") or {}).get("openid"):
            return self._param_error("JSAPI 支付需要 payer.openid")
        txn = self.transactions.get(out_trade_no)
        if txn is None:
            txn = Transaction(
                kind=kind,
                out_trade_no=out_trade_no,
                total=total,
                description=description,
                notify_url=body["notify_url"],
                prepay_id=f"wx{secrets.token_hex(14)}",
                transaction_id=f"4200{secrets.randbelow(10**24):024d}",
            )
            self.transactions[out_trade_no] = txn
        elif txn.trade_state == "SUCCESS":
            return self._answer(400, {"code": "ORDERPAID", "message": "该订单已支付"})
        elif (txn.kind, txn.total, txn.description) != (kind, total, description):
            return self._answer(400, {"code": "INVALID_REQUEST", "message": "201 商户订单号重复"})
        if kind == "h5":
            return self._answer(
                200,
                {"h5_url": f"https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id={txn.prepay_id}&package=1"},
            )
        if kind == "native":
            return self._answer(200, {"code_url": f"weixin://wxpay/bizpayurl?pr={txn.prepay_id[-7:]}"})
        return self._answer(200, {"prepay_id": txn.prepay_id})

    def _refund(self, body_text: str) -> Response:
        try:
            body = json.loads(body_text)
        except ValueError:
            return self._param_error("请求体不是JSON")
        txn = self.transactions.get(str(body.get("out_trade_no", "")))
        if txn is None:
            return self._answer(404, {"code": "RESOURCE_NOT_EXISTS", "message": "订单不存在"})
        out_refund_no = str(body.get("out_refund_no", ""))
        amount = body.get("amount") or {}
        refund, total = amount.get("refund"), amount.get("total")
        if not out_refund_no or not isinstance(refund, int) or refund < 1 or amount.get("currency") != "CNY":
            return self._param_error("退款参数有误")
        if total != txn.total:
            return self._param_error("订单金额与原订单不一致")
        if txn.trade_state != "SUCCESS":
            return self._answer(400, {"code": "INVALID_REQUEST", "message": "订单未支付"})
        if out_refund_no in txn.refunds:
            return self._answer(200, txn.refunds[out_refund_no])
        if self.refund_mode == "http_500":
            return self._answer(500, {"code": "SYSTEM_ERROR", "message": "系统繁忙"})
        if self.refund_mode == "not_enough":
            return self._answer(403, {"code": "NOT_ENOUGH", "message": "基本账户余额不足，请充值后重新发起"})
        if txn.refunded + refund > txn.total:
            return self._answer(400, {"code": "INVALID_REQUEST", "message": "申请退款金额超过订单可退金额"})
        record = {
            "refund_id": f"5030{secrets.randbelow(10**24):024d}",
            "out_refund_no": out_refund_no,
            "transaction_id": txn.transaction_id,
            "out_trade_no": txn.out_trade_no,
            "channel": "ORIGINAL",
            "user_received_account": "支付用户零钱",
            "create_time": beijing_now(),
            "status": "SUCCESS" if self.refund_mode == "success" else "PROCESSING",
            "funds_account": "AVAILABLE",
            "amount": {
                "total": txn.total,
                "refund": refund,
                "payer_total": txn.total,
                "payer_refund": refund,
                "settlement_refund": refund,
                "settlement_total": txn.total,
                "discount_refund": 0,
                "currency": "CNY",
            },
        }
        txn.refunds[out_refund_no] = record
        return self._answer(200, record)

    def _query(self, out_trade_no: str, query: dict) -> Response:
        if query.get("mchid") != [MCHID]:
            return self._param_error("mchid 有误")
        txn = self.transactions.get(out_trade_no)
        if txn is None:
            return self._answer(404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"})
        return self._answer(200, self._transaction_resource(txn))

    def _transaction_resource(
        self, txn: Transaction, *, total: int | None = None, mchid: str = MCHID, trade_state: str | None = None
    ) -> dict:
        resource = {
            "appid": APPID,
            "mchid": mchid,
            "out_trade_no": txn.out_trade_no,
            "transaction_id": txn.transaction_id,
            "trade_type": {"h5": "MWEB", "native": "NATIVE", "jsapi": "JSAPI"}[txn.kind],
            "trade_state": trade_state or txn.trade_state,
            "trade_state_desc": "支付成功",
            "bank_type": "OTHERS",
            "attach": "",
            "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
            "amount": {
                "total": txn.total if total is None else total,
                "payer_total": txn.total,
                "currency": "CNY",
                "payer_currency": "CNY",
            },
        }
        if resource["trade_state"] == "SUCCESS":
            resource["success_time"] = beijing_now()
        return resource
