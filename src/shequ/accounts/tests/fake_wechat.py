"""A local stand-in for WeChat's Open Platform website login, speaking the real protocol over real HTTP.

Documented at https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/Wechat_Login.html:

- ``GET /sns/oauth2/access_token?appid&secret&code&grant_type=authorization_code`` answers
  ``{"access_token", "expires_in", "refresh_token", "openid", "scope", "unionid"}``;
- ``GET /sns/userinfo?access_token&openid`` answers
  ``{"openid", "nickname", "sex", "province", "city", "country", "headimgurl", "privilege", "unionid"}``.

Errors come back as ``{"errcode", "errmsg"}`` with HTTP 200, as WeChat does. A code is good for one
exchange only. ``scan()`` plays the person who scans the QR code and approves: it mints the code WeChat
would hand to the site's redirect_uri. ``fail_with()`` makes the server misbehave (HTTP 500, a non-JSON
body) to test how the adapter copes.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

APP_ID = "wx0123456789abcdef"
APP_SECRET = "test-app-secret-0123456789abcdef"

ERR_INVALID_CREDENTIAL = {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
ERR_INVALID_GRANT_TYPE = {"errcode": 40002, "errmsg": "invalid grant_type"}
ERR_INVALID_OPENID = {"errcode": 40003, "errmsg": "invalid openid"}
ERR_INVALID_CODE = {"errcode": 40029, "errmsg": "invalid code"}
ERR_INVALID_APPSECRET = {"errcode": 40125, "errmsg": "invalid appsecret"}
ERR_INVALID_APPID = {"errcode": 40013, "errmsg": "invalid appid"}


@dataclass
class WeChatUser:
    """A person with a WeChat account, as the site's app sees them."""

    openid: str
    unionid: str | None  # None: the app is not bound to an Open Platform account, so WeChat sends no unionid
    nickname: str = "微信用户"
    sex: int = 0
    province: str = "广东"
    city: str = "深圳"
    country: str = "中国"
    headimgurl: str = "https://thirdwx.qlogo.cn/mmopen/fake/132"

    def userinfo(self) -> dict:
        body = {
            "openid": self.openid,
            "nickname": self.nickname,
            "sex": self.sex,
            "province": self.province,
            "city": self.city,
            "country": self.country,
            "headimgurl": self.headimgurl,
            "privilege": [],
        }
        if self.unionid is not None:
            body["unionid"] = self.unionid
        return body


@dataclass
class FakeWeChat:
    """The server's state; tests mint codes and choose failure modes through it."""

    app_id: str = APP_ID
    app_secret: str = APP_SECRET
    codes: dict[str, WeChatUser] = field(default_factory=dict)
    access_tokens: dict[str, WeChatUser] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    failure: str | None = None  # "http_500" | "not_json" | "not_object"
    failure_path: str | None = None  # only that path fails; None: every path
    base_url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- what tests call -------------------------------------------------------------------------------

    def scan(
        self, *, openid: str | None = None, unionid: str | None = "", nickname: str = "微信用户", **profile
    ) -> str:
        """A person scans the QR code and approves; return the code WeChat appends to the redirect_uri.

        ``unionid=""`` makes up one; ``unionid=None`` leaves it out of every answer.
        """
        person = WeChatUser(
            openid=openid or f"o{secrets.token_urlsafe(20)}",
            unionid=f"u{secrets.token_urlsafe(20)}" if unionid == "" else unionid,
            nickname=nickname,
            **profile,
        )
        code = secrets.token_hex(16)
        with self._lock:
            self.codes[code] = person
        return code

    def fail_with(self, mode: str | None, *, path: str | None = None) -> None:
        if mode not in (None, "http_500", "not_json", "not_object"):
            raise ValueError(mode)
        self.failure, self.failure_path = mode, path

    def reset(self) -> None:
        with self._lock:
            self.codes.clear()
            self.access_tokens.clear()
            self.requests.clear()
        self.app_id, self.app_secret = APP_ID, APP_SECRET
        self.fail_with(None)

    @property
    def authorize_url(self) -> str:
        return f"{self.base_url}/connect/qrconnect"

    # --- the protocol ----------------------------------------------------------------------------------

    def handle(self, path: str, params: dict[str, str]) -> dict:
        with self._lock:
            self.requests.append((path, params))
            if path == "/sns/oauth2/access_token":
                return self._access_token(params)
            if path == "/sns/userinfo":
                return self._userinfo(params)
        raise LookupError(path)

    def _access_token(self, params: dict[str, str]) -> dict:
        if params.get("appid") != self.app_id:
            return ERR_INVALID_APPID
        if params.get("secret") != self.app_secret:
            return ERR_INVALID_APPSECRET
        if params.get("grant_type") != "authorization_code":
            return ERR_INVALID_GRANT_TYPE
        person = self.codes.pop(params.get("code", ""), None)  # single use
        if person is None:
            return ERR_INVALID_CODE
        access_token = secrets.token_urlsafe(32)
        self.access_tokens[access_token] = person
        body = {
            "access_token": access_token,
            "expires_in": 7200,
            "refresh_token": secrets.token_urlsafe(32),
            "openid": person.openid,
            "scope": "snsapi_login",
        }
        if person.unionid is not None:
            body["unionid"] = person.unionid
        return body

    def _userinfo(self, params: dict[str, str]) -> dict:
        person = self.access_tokens.get(params.get("access_token", ""))
        if person is None:
            return ERR_INVALID_CREDENTIAL
        if params.get("openid") != person.openid:
            return ERR_INVALID_OPENID
        return person.userinfo()


def _handler_for(fake: FakeWeChat) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            params = {key: values[-1] for key, values in parse_qs(url.query, keep_blank_values=True).items()}
            if fake.failure and fake.failure_path in (None, url.path):
                if fake.failure == "http_500":
                    self._send(500, b"<html><body>500 Internal Server Error</body></html>", "text/html")
                elif fake.failure == "not_json":
                    self._send(200, b"<html><body>system busy</body></html>", "text/html")
                else:
                    self._send(200, b'["not", "an", "object"]', "text/plain")
                return
            try:
                body = fake.handle(url.path, params)
            except LookupError:
                self._send(404, b"not found", "text/plain")
                return
            # WeChat answers with UTF-8 JSON (Chinese left unescaped) and a text/plain content type.
            self._send(200, json.dumps(body, ensure_ascii=False).encode(), "text/plain")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:  # the stdlib names it "format"
            pass

    return Handler


class FakeWeChatServer:
    """Runs a FakeWeChat on 127.0.0.1 on a free port, in a background thread."""

    def __init__(self) -> None:
        self.fake = FakeWeChat()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self.fake))
        self._httpd.daemon_threads = True
        host, port = self._httpd.server_address[:2]
        self.fake.base_url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-wechat", daemon=True)

    def __enter__(self) -> FakeWeChat:
        self._thread.start()
        return self.fake

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
