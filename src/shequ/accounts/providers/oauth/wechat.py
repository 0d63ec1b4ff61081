"""WeChat website login ("微信扫码登录", the Open Platform's snsapi_login scope).

Protocol (https://developers.weixin.qq.com/doc/oplatform/Website_App/WeChat_Login/Wechat_Login.html):
1. send the browser to ``open.weixin.qq.com/connect/qrconnect?appid&redirect_uri&response_type=code
   &scope=snsapi_login&state#wechat_redirect``; WeChat redirects back with ``code`` and ``state``;
2. ``GET /sns/oauth2/access_token?appid&secret&code&grant_type=authorization_code`` returns
   ``access_token, expires_in, refresh_token, openid, scope, unionid`` — or ``errcode, errmsg``, with
   HTTP 200 either way;
3. ``GET /sns/userinfo?access_token&openid`` returns ``nickname, headimgurl, unionid`` (or an error).
The unionid, when present, identifies the person across the brand's official account and mini-program,
so it is preferred as the stable id.
"""

from __future__ import annotations

from urllib.parse import urlencode

import httpx

from shequ.accounts.providers.oauth.base import OAuthError, OAuthIdentity, OAuthProvider


class WeChatOAuthProvider(OAuthProvider):
    timeout = 5.0

    def authorize_url(self, *, redirect_uri: str, state: str) -> str:
        query = urlencode(
            {
                "appid": self.config["APP_ID"],
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": "snsapi_login",
                "state": state,
            }
        )
        return f"{self.config['AUTHORIZE_URL']}?{query}#wechat_redirect"

    def _get(self, client: httpx.Client, path: str, params: dict[str, str]) -> dict:
        try:
            response = client.get(f"{self.config['API_BASE']}{path}", params=params)
            response.raise_for_status()
            payload = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise OAuthError(f"{path}: {exc.__class__.__name__}") from exc
        if not isinstance(payload, dict) or payload.get("errcode"):
            raise OAuthError(f"{path}: {payload.get('errcode') if isinstance(payload, dict) else 'bad body'}")
        return payload

    def exchange_code(self, code: str) -> OAuthIdentity:
        if not code or len(code) > 256:
            raise OAuthError("missing code")
        with httpx.Client(timeout=self.timeout) as client:
            token = self._get(
                client,
                "/sns/oauth2/access_token",
                {
                    "appid": self.config["APP_ID"],
                    "secret": self.config["APP_SECRET"],
                    "code": code,
                    "grant_type": "authorization_code",
                },
            )
            openid = token.get("openid")
            access_token = token.get("access_token")
            if not openid or not access_token:
                raise OAuthError("token response without openid")
            info = self._get(client, "/sns/userinfo", {"access_token": access_token, "openid": openid})
        unionid = info.get("unionid") or token.get("unionid") or ""
        return OAuthIdentity(
            provider=self.name or "wechat",
            uid=unionid or openid,
            unionid=unionid,
            nickname=str(info.get("nickname") or "")[:40],
            avatar_url=str(info.get("headimgurl") or "")[:500],
            raw={"openid": openid, "scope": token.get("scope", "")},
        )
