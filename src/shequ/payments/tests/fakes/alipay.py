"""A local Alipay open-platform gateway (``/gateway.do``), public-key mode, RSA2.

What it checks on every request, as the real gateway does: the common parameters (``app_id`` ours,
``charset=utf-8``, ``sign_type=RSA2``, ``version=1.0``, ``format=JSON``, a ``timestamp`` in
"yyyy-MM-dd HH:mm:ss" Beijing time within 15 minutes of now), the RSA2 signature with the app's public key
over the sorted ``k=v`` string (``sign`` and empty values left out), and the ``biz_content`` of each method:

- ``alipay.trade.page.pay`` / ``alipay.trade.wap.pay`` (the browser is redirected here): ``out_trade_no``,
  ``total_amount`` ("12.34", 0.01–100000000), ``subject``, the method's ``product_code``; the same
  ``out_trade_no`` again must carry the same amount. Answers the "cashier" page (HTTP 200) or an error page.
- ``alipay.trade.refund``: the trade exists and is paid, ``out_request_no`` given, refunds never add up to
  more than the total; the same ``out_request_no`` again answers success with ``fund_change: "N"``.
- ``alipay.trade.query``: the trade's state.

Answers are ``{"<method>_response": {...}, "sign": "..."}`` with the signature over the exact JSON text of
the response object, by Alipay's own key; errors about our signature come back unsigned, as Alipay does.
``notification()`` builds the signed form Alipay POSTs to ``notify_url`` when the buyer pays.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from shequ.payments.tests.fakes import keys
from shequ.payments.tests.fakes.server import Request, Response

BEIJING = ZoneInfo("Asia/Shanghai")
APP_ID = "2021000123456789"
PRODUCT_CODES = {"alipay.trade.page.pay": "FAST_INSTANT_TRADE_PAY", "alipay.trade.wap.pay": "QUICK_WAP_WAY"}
AMOUNT_RE = re.compile(r"^\d{1,9}(\.\d{1,2})?$")
OUT_TRADE_NO_RE = re.compile(r"^[A-Za-z0-9_]{1,64}$")


@dataclass
class Trade:
    out_trade_no: str
    total_amount: Decimal
    subject: str
    notify_url: str
    trade_no: str
    status: str = "WAIT_BUYER_PAY"
    refunds: dict[str, Decimal] = field(default_factory=dict)  # out_request_no → amount

    @property
    def refunded(self) -> Decimal:
        return sum(self.refunds.values(), Decimal("0.00"))


def _canonical(params: dict[str, str], *, exclude: tuple[str, ...]) -> str:
    # Written independently of the adapter on purpose: a bug there must not be mirrored here.
    items = sorted((k, v) for k, v in params.items() if k not in exclude and v not in ("", None))
    return "&".join(f"{k}={v}" for k, v in items)


class FakeAlipay:
    def __init__(self) -> None:
        self.app_key = keys.new_key()  # the merchant's app key pair; the private half goes to Shequ
        self.alipay_key = keys.new_key()  # Alipay's own; Shequ gets the public half
        self.app_id = APP_ID
        self.base_url = ""
        self.trades: dict[str, Trade] = {}
        self.errors: list[str] = []  # sub_codes of refused requests, newest last
        self.requests: list[dict[str, str]] = []
        self.failure: str | None = None  # "http_500" | "unsigned_success" | "forged_response" | "balance"
        self._lock = threading.Lock()

    # --- what tests call -------------------------------------------------------------------------------

    @property
    def gateway(self) -> str:
        return f"{self.base_url}/gateway.do"

    def config(self, **overrides) -> dict:
        return {
            "APP_ID": self.app_id,
            "PRIVATE_KEY": keys.private_pem(self.app_key, pkcs1=True),
            "PUBLIC_KEY": keys.bare_base64(keys.public_pem(self.alipay_key)),  # as the console shows it
            "GATEWAY": self.gateway,
            **overrides,
        }

    def reset(self) -> None:
        with self._lock:
            self.trades.clear()
            self.errors.clear()
            self.requests.clear()
        self.failure = None

    def notification(
        self,
        out_trade_no: str,
        *,
        trade_status: str = "TRADE_SUCCESS",
        total_amount: str | None = None,
        app_id: str | None = None,
        sign_key=None,
        **extra: str,
    ) -> dict[str, str]:
        """The buyer paid (or the trade moved): the signed form Alipay posts to notify_url.

        For an ``out_trade_no`` the gateway never saw, give ``total_amount``.
        """
        trade = self.trades.get(out_trade_no) or Trade(
            out_trade_no=out_trade_no,
            total_amount=Decimal(total_amount or "1.00"),
            subject="?",
            notify_url="",
            trade_no=f"2025{secrets.randbelow(10**24):024d}",
        )
        if trade_status in ("TRADE_SUCCESS", "TRADE_FINISHED"):
            trade.status = trade_status
        now = datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
        amount = total_amount if total_amount is not None else f"{trade.total_amount:.2f}"
        params = {
            "gmt_create": now,
            "charset": "utf-8",
            "gmt_payment": now,
            "notify_time": now,
            "subject": trade.subject,
            "buyer_id": "2088102177846880",
            "invoice_amount": amount,
            "version": "1.0",
            "notify_id": secrets.token_hex(16),
            "fund_bill_list": json.dumps([{"amount": amount, "fundChannel": "ALIPAYACCOUNT"}]),
            "notify_type": "trade_status_sync",
            "out_trade_no": out_trade_no,
            "total_amount": amount,
            "trade_status": trade_status,
            "trade_no": trade.trade_no,
            "auth_app_id": app_id or self.app_id,
            "receipt_amount": amount,
            "point_amount": "0.00",
            "buyer_pay_amount": amount,
            "app_id": app_id or self.app_id,
            "seller_id": "2088102176494382",
            **extra,
        }
        params["sign_type"] = "RSA2"
        params["sign"] = keys.rsa_sign(sign_key or self.alipay_key, _canonical(params, exclude=("sign", "sign_type")))
        return params

    def buyer_pays(self, out_trade_no: str) -> None:
        """The buyer pays on the cashier, and the notification is late (query finds it)."""
        self.trades[out_trade_no].status = "TRADE_SUCCESS"

    def refund_notification(self, out_trade_no: str, out_request_no: str) -> dict[str, str]:
        trade = self.trades[out_trade_no]
        return self.notification(
            out_trade_no,
            trade_status="TRADE_SUCCESS" if trade.refunded < trade.total_amount else "TRADE_CLOSED",
            out_biz_no=out_request_no,
            refund_fee=f"{trade.refunded:.2f}",
            gmt_refund=datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M:%S.000"),
        )

    # --- the protocol ----------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        url = urlsplit(request.path)
        if url.path != "/gateway.do":
            return Response(404, b"not found")
        if self.failure == "http_500":
            return Response(500, b"<html>502 Bad Gateway</html>", {"Content-Type": "text/html"})
        pairs = parse_qsl(url.query, keep_blank_values=True)
        if request.body:
            pairs += parse_qsl(request.body.decode("utf-8"), keep_blank_values=True)
        params = dict(pairs)
        with self._lock:
            self.requests.append(params)
            method = params.get("method", "")
            problem = self._check_common(params)
            if method in PRODUCT_CODES:
                return self._page_pay(method, params, problem)
            if method == "alipay.trade.refund":
                return self._api(method, problem or self._refund(params))
            if method == "alipay.trade.query":
                return self._api(method, problem or self._query(params))
            return self._api("error", {"code": "40004", "msg": "Business Failed", "sub_code": "isv.invalid-method"})

    def _check_common(self, params: dict[str, str]) -> dict | None:
        def invalid(sub_code: str, sub_msg: str) -> dict:
            return {"code": "40002", "msg": "Invalid Arguments", "sub_code": sub_code, "sub_msg": sub_msg}

        if params.get("app_id") != self.app_id:
            return invalid("isv.invalid-app-id", "无效的AppID参数")
        if params.get("charset", "").lower() != "utf-8":
            return invalid("isv.invalid-charset", "字符集错误")
        if params.get("sign_type") != "RSA2":
            return invalid("isv.invalid-signature-type", "无效的签名类型")
        if params.get("version") != "1.0" or params.get("format", "JSON") != "JSON":
            return invalid("isv.invalid-parameter", "参数无效")
        try:
            sent = datetime.strptime(params.get("timestamp", ""), "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)
        except ValueError:
            return invalid("isv.invalid-timestamp", "非法的时间戳参数")
        if abs(datetime.now(BEIJING) - sent) > timedelta(minutes=15):
            return invalid("isv.invalid-timestamp", "时间戳与服务器时间相差过大")
        if not keys.rsa_verify(
            self.app_key.public_key(), _canonical(params, exclude=("sign",)), params.get("sign", "")
        ):
            return invalid("isv.invalid-signature", "验签出错")
        try:
            biz = json.loads(params.get("biz_content", ""))
        except ValueError:
            return invalid("isv.invalid-parameter", "biz_content 不是JSON")
        if not isinstance(biz, dict):
            return invalid("isv.invalid-parameter", "biz_content 不是JSON对象")
        params["_biz"] = biz  # type: ignore[assignment]
        return None

    def _page_pay(self, method: str, params: dict, problem: dict | None) -> Response:
        def error_page(sub_code: str) -> Response:
            self.errors.append(sub_code)
            return Response(
                200,
                f"<html><body>错误代码 {sub_code}</body></html>".encode(),
                {"Content-Type": "text/html; charset=utf-8"},
            )

        if problem:
            return error_page(problem["sub_code"])
        biz = params["_biz"]
        out_trade_no = str(biz.get("out_trade_no", ""))
        amount = str(biz.get("total_amount", ""))
        if not OUT_TRADE_NO_RE.match(out_trade_no) or not biz.get("subject"):
            return error_page("isv.missing-parameter")
        if not AMOUNT_RE.match(amount) or not Decimal("0.01") <= Decimal(amount) <= Decimal("100000000"):
            return error_page("isv.invalid-total-amount")
        if biz.get("product_code") != PRODUCT_CODES[method]:
            return error_page("isv.invalid-product-code")
        if not params.get("notify_url"):
            return error_page("isv.missing-notify-url")
        trade = self.trades.get(out_trade_no)
        if trade is None:
            self.trades[out_trade_no] = Trade(
                out_trade_no=out_trade_no,
                total_amount=Decimal(amount),
                subject=str(biz["subject"]),
                notify_url=params["notify_url"],
                trade_no=f"2025{secrets.randbelow(10**24):024d}",
            )
        elif trade.total_amount != Decimal(amount):
            return error_page("ACQ.CONTEXT_INCONSISTENT")
        elif trade.status != "WAIT_BUYER_PAY":
            return error_page("ACQ.TRADE_HAS_SUCCESS")
        page = f"<html><body>支付宝收银台 {out_trade_no} ¥{amount}</body></html>"
        return Response(200, page.encode(), {"Content-Type": "text/html; charset=utf-8"})

    def _refund(self, params: dict) -> dict:
        biz = params["_biz"]
        trade = self.trades.get(str(biz.get("out_trade_no", "")))
        if trade is None:
            return {
                "code": "40004",
                "msg": "Business Failed",
                "sub_code": "ACQ.TRADE_NOT_EXIST",
                "sub_msg": "交易不存在",
            }
        if trade.status not in ("TRADE_SUCCESS", "TRADE_FINISHED"):
            return {
                "code": "40004",
                "msg": "Business Failed",
                "sub_code": "ACQ.TRADE_STATUS_ERROR",
                "sub_msg": "交易状态不合法",
            }
        amount_text = str(biz.get("refund_amount", ""))
        request_no = str(biz.get("out_request_no", ""))
        if not AMOUNT_RE.match(amount_text) or Decimal(amount_text) <= 0 or not request_no:
            return {"code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-parameter"}
        amount = Decimal(amount_text)
        fund_change = "N"
        if request_no in trade.refunds:
            if trade.refunds[request_no] != amount:
                return {
                    "code": "40004",
                    "msg": "Business Failed",
                    "sub_code": "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL",
                    "sub_msg": "退款金额与原退款请求不一致",
                }
        else:
            if self.failure == "balance":
                return {
                    "code": "40004",
                    "msg": "Business Failed",
                    "sub_code": "ACQ.SELLER_BALANCE_NOT_ENOUGH",
                    "sub_msg": "卖家余额不足",
                }
            if trade.refunded + amount > trade.total_amount:
                return {
                    "code": "40004",
                    "msg": "Business Failed",
                    "sub_code": "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL",
                    "sub_msg": "退款金额超限",
                }
            trade.refunds[request_no] = amount
            fund_change = "Y"
        return {
            "code": "10000",
            "msg": "Success",
            "trade_no": trade.trade_no,
            "out_trade_no": trade.out_trade_no,
            "buyer_logon_id": "159****5620",
            "fund_change": fund_change,
            "refund_fee": f"{trade.refunded:.2f}",
            "gmt_refund_pay": datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
        }

    def _query(self, params: dict) -> dict:
        trade = self.trades.get(str(params["_biz"].get("out_trade_no", "")))
        if trade is None:
            return {
                "code": "40004",
                "msg": "Business Failed",
                "sub_code": "ACQ.TRADE_NOT_EXIST",
                "sub_msg": "交易不存在",
            }
        return {
            "code": "10000",
            "msg": "Success",
            "trade_no": trade.trade_no,
            "out_trade_no": trade.out_trade_no,
            "trade_status": trade.status,
            "total_amount": f"{trade.total_amount:.2f}",
            "send_pay_date": datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
        }

    def _api(self, method: str, body: dict) -> Response:
        key = method.replace(".", "_") + "_response" if method != "error" else "error_response"
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        if body.get("code") != "10000" and body.get("sub_code", "").startswith("isv."):
            self.errors.append(body["sub_code"])
            text = f'{{"{key}":{content}}}'  # Alipay leaves errors about the request itself unsigned
        elif self.failure == "unsigned_success":
            text = f'{{"{key}":{content}}}'
        else:
            signer = keys.new_key() if self.failure == "forged_response" else self.alipay_key
            if body.get("code") != "10000":
                self.errors.append(body.get("sub_code", body.get("code", "")))
            text = f'{{"{key}":{content},"sign":"{keys.rsa_sign(signer, content)}"}}'
        return Response(200, text.encode(), {"Content-Type": "text/html;charset=utf-8"})
