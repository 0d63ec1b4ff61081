"""WeChat website login, end to end against a local fake of WeChat's Open Platform (see fake_wechat.py).

The adapter talks real HTTP to the fake; the tests drive the public API (/api/v1/auth/oauth/*) and the web
pages (/accounts/oauth/*) and look only at what a client or the database can see.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlsplit

import pytest
from conftest import last_code, next_phone
from django.core import signing
from django.test import Client

from shequ.accounts.models import SocialAccount, User
from shequ.accounts.providers.oauth.base import get_provider
from shequ.accounts.services.oauth import BIND_MAX_AGE
from shequ.accounts.tests.fake_wechat import APP_ID, APP_SECRET, FakeWeChat, FakeWeChatServer

CALLBACK = "http://testserver/accounts/oauth/wechat/callback/"


# --- fixtures and helpers --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wechat_server():
    with FakeWeChatServer() as fake:
        yield fake


def point_wechat_at(settings, fake: FakeWeChat, **overrides) -> None:
    settings.SHEQU_OAUTH_PROVIDERS = {
        **settings.SHEQU_OAUTH_PROVIDERS,
        "wechat": {
            "CLASS": "shequ.accounts.providers.oauth.wechat.WeChatOAuthProvider",
            "APP_ID": APP_ID,
            "APP_SECRET": APP_SECRET,
            "API_BASE": fake.base_url,
            "AUTHORIZE_URL": fake.authorize_url,
            **overrides,
        },
    }
    get_provider.cache_clear()


@pytest.fixture
def wechat(wechat_server, settings):
    """The fake WeChat, fresh for each test, with the site configured to use it."""
    wechat_server.reset()
    point_wechat_at(settings, wechat_server)
    yield wechat_server
    get_provider.cache_clear()  # `settings` restores the real config next; no adapter for the fake survives


def oauth_login(api, code: str):
    return api.api("post", "/auth/oauth/wechat", json={"code": code})


def request_sms_code(api, phone: str) -> str:
    response = api.api("post", "/auth/otp/request", json={"phone": phone})
    assert response.status_code == 200, response.content
    return last_code(phone)


def bind(api, bind_token: str, phone: str, code: str):
    return api.api("post", "/auth/oauth/bind", json={"bind_token": bind_token, "phone": phone, "code": code})


def sign_up_with_wechat(api, wechat: FakeWeChat, *, openid: str, unionid: str | None, phone: str | None = None):
    """A new WeChat identity logs in and binds a phone; return the bind answer."""
    started = oauth_login(api, wechat.scan(openid=openid, unionid=unionid))
    assert started.json()["status"] == "bind_phone_required", started.content
    phone = phone or next_phone()
    response = bind(api, started.json()["bind_token"], phone, request_sms_code(api, phone))
    assert response.status_code == 200, response.content
    return response


def session_user_id(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def message_levels(response) -> list[str]:
    return [message.level_tag for message in response.context["messages"]]


# --- authorize URL ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_authorize_url_follows_the_qr_connect_protocol(anon_api, wechat):
    # given the site's redirect target
    redirect_uri = "https://shop.example.com/oauth/wechat/done"

    # when a client asks where to send the browser
    response = anon_api.api("get", f"/auth/oauth/wechat/authorize-url?redirect_uri={redirect_uri}")

    # then it is WeChat's QR page with the documented parameters, in order, and the #wechat_redirect anchor
    assert response.status_code == 200
    body = response.json()
    assert body["url"].startswith(f"{wechat.authorize_url}?")
    assert body["url"].endswith("#wechat_redirect")
    query = parse_qsl(urlsplit(body["url"]).query)
    assert [name for name, _ in query] == ["appid", "redirect_uri", "response_type", "scope", "state"]
    assert dict(query) == {
        "appid": APP_ID,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": "snsapi_login",
        "state": body["state"],
    }
    assert len(body["state"]) >= 16


@pytest.mark.django_db
def test_authorize_url_state_differs_each_time(anon_api, wechat):
    # when the URL is asked for twice
    first = anon_api.api("get", "/auth/oauth/wechat/authorize-url?redirect_uri=https://a.example/cb").json()
    second = anon_api.api("get", "/auth/oauth/wechat/authorize-url?redirect_uri=https://a.example/cb").json()

    # then each carries its own unguessable state
    assert first["state"] != second["state"]


# --- API: sign up, bind, log in again ---------------------------------------------------------------------


@pytest.mark.django_db
def test_new_identity_must_bind_a_phone_then_gets_tokens(anon_api, wechat):
    # given someone new scans the QR code
    code = wechat.scan(openid="o-new", unionid="u-new", nickname="小红")

    # when the client hands the code over
    response = oauth_login(anon_api, code)

    # then they must bind a phone first, and nothing is created yet
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "bind_phone_required"
    assert body["bind_token"]
    assert body["tokens"] is None
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()

    # when they prove a phone by SMS code
    phone = next_phone()
    bound = bind(anon_api, body["bind_token"], phone, request_sms_code(anon_api, phone))

    # then they are signed up and logged in, with the WeChat identity linked by unionid
    assert bound.status_code == 200, bound.content
    tokens = bound.json()
    assert tokens["access_token"]
    assert tokens["refresh_token"]
    assert tokens["created"] is True
    user = User.objects.get(pk=tokens["user"]["id"])
    assert user.phone == phone
    social = SocialAccount.objects.get()
    assert (social.user_id, social.provider, social.uid, social.unionid) == (user.pk, "wechat", "u-new", "u-new")
    assert social.profile["nickname"] == "小红"

    # and the access token works
    anon_api.token = tokens["access_token"]
    me = anon_api.api("get", "/me")
    assert me.status_code == 200
    assert me.json()["id"] == user.pk


@pytest.mark.django_db
def test_linked_identity_logs_straight_in_on_the_next_scan(anon_api, wechat):
    # given someone signed up with WeChat before
    first = sign_up_with_wechat(anon_api, wechat, openid="o-back", unionid="u-back").json()

    # when they scan again (a new code for the same identity)
    response = oauth_login(anon_api, wechat.scan(openid="o-back", unionid="u-back"))

    # then they are logged in as the same user, without binding again
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "logged_in"
    assert body["bind_token"] is None
    assert body["tokens"]["access_token"]
    assert body["tokens"]["user"]["id"] == first["user"]["id"]
    assert User.objects.count() == 1
    assert SocialAccount.objects.count() == 1


@pytest.mark.django_db
def test_unionid_links_the_person_across_the_brands_apps(anon_api, wechat):
    # given someone signed up through one app (one openid) of the brand's Open Platform account
    first = sign_up_with_wechat(anon_api, wechat, openid="o-app-one", unionid="u-same-person").json()

    # when the same person logs in with another openid but the same unionid
    response = oauth_login(anon_api, wechat.scan(openid="o-app-two", unionid="u-same-person"))

    # then it is the same account
    assert response.json()["status"] == "logged_in"
    assert response.json()["tokens"]["user"]["id"] == first["user"]["id"]


@pytest.mark.django_db
def test_identity_without_unionid_is_keyed_by_openid(anon_api, wechat):
    # given the app is not bound to an Open Platform account, so WeChat sends no unionid
    first = sign_up_with_wechat(anon_api, wechat, openid="o-only", unionid=None).json()

    # then the link uses the openid
    social = SocialAccount.objects.get()
    assert (social.uid, social.unionid) == ("o-only", "")

    # and the next scan logs straight in
    response = oauth_login(anon_api, wechat.scan(openid="o-only", unionid=None))
    assert response.json()["status"] == "logged_in"
    assert response.json()["tokens"]["user"]["id"] == first["user"]["id"]


@pytest.mark.django_db
def test_binding_a_phone_that_has_an_account_links_to_that_account(anon_api, wechat, make_user):
    # given a phone that already has an account
    phone = next_phone()
    existing = make_user(phone, nickname="老用户")

    # when a new WeChat identity binds that phone
    response = sign_up_with_wechat(anon_api, wechat, openid="o-link", unionid="u-link", phone=phone)

    # then WeChat is linked to the existing account and no second user appears
    body = response.json()
    assert body["created"] is False
    assert body["user"]["id"] == existing.pk
    assert User.objects.count() == 1
    assert SocialAccount.objects.get().user_id == existing.pk


# --- API: the provider says no or misbehaves ---------------------------------------------------------------


def _unknown_code(wechat: FakeWeChat, api) -> str:
    return "0" * 32


def _used_code(wechat: FakeWeChat, api) -> str:
    code = wechat.scan(openid="o-used", unionid="u-used")
    assert oauth_login(api, code).json()["status"] == "bind_phone_required"
    return code


def _rotated_secret(wechat: FakeWeChat, api) -> str:
    wechat.app_secret = "rotated-on-the-open-platform"
    return wechat.scan()


def _server_error(wechat: FakeWeChat, api) -> str:
    wechat.fail_with("http_500")
    return wechat.scan()


def _not_json(wechat: FakeWeChat, api) -> str:
    wechat.fail_with("not_json")
    return wechat.scan()


def _not_an_object(wechat: FakeWeChat, api) -> str:
    wechat.fail_with("not_object")
    return wechat.scan()


def _userinfo_down(wechat: FakeWeChat, api) -> str:
    wechat.fail_with("http_500", path="/sns/userinfo")
    return wechat.scan()


def _userinfo_not_json(wechat: FakeWeChat, api) -> str:
    wechat.fail_with("not_json", path="/sns/userinfo")
    return wechat.scan()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "arrange",
    [
        _unknown_code,
        _used_code,
        _rotated_secret,
        _server_error,
        _not_json,
        _not_an_object,
        _userinfo_down,
        _userinfo_not_json,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_provider_refusal_or_garbage_is_oauth_failed_and_creates_nothing(anon_api, wechat, arrange):
    # given a code WeChat will not honour, or a WeChat that answers badly
    code = arrange(wechat, anon_api)

    # when the client hands the code over
    response = oauth_login(anon_api, code)

    # then the login fails cleanly
    assert response.status_code == 400
    assert response.json()["code"] == "oauth_failed"
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()


@pytest.mark.django_db
def test_a_code_is_exchanged_with_the_configured_credentials(anon_api, wechat):
    # when a code is handed over
    oauth_login(anon_api, wechat.scan())

    # then the adapter asked for the token with our app's credentials and the documented grant type
    path, params = wechat.requests[0]
    assert path == "/sns/oauth2/access_token"
    assert params["appid"] == APP_ID
    assert params["secret"] == APP_SECRET
    assert params["grant_type"] == "authorization_code"
    assert [path for path, _ in wechat.requests] == ["/sns/oauth2/access_token", "/sns/userinfo"]


@pytest.mark.django_db
def test_an_empty_code_never_reaches_wechat(anon_api, wechat):
    # when a client hands over no code at all
    response = oauth_login(anon_api, "")

    # then it fails without bothering WeChat
    assert response.status_code == 400
    assert response.json()["code"] == "oauth_failed"
    assert wechat.requests == []


# --- API: the bind step ----------------------------------------------------------------------------------


def _flip_a_payload_character(token: str) -> str:
    payload, rest = token.split(":", 1)
    index = len(payload) // 2
    return payload[:index] + ("A" if payload[index] != "A" else "B") + payload[index + 1 :] + ":" + rest


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper",
    [
        _flip_a_payload_character,
        lambda token: token[:-4],
        lambda token: signing.dumps(signing.loads(token, salt="shequ.oauth.bind") | {"uid": "u-victim"}),
        lambda token: "",
    ],
    ids=["payload-edited", "signature-cut", "re-signed-without-salt", "empty"],
)
def test_tampered_bind_token_is_refused(anon_api, wechat, tamper):
    # given a bind token that is not the one the site issued
    issued = oauth_login(anon_api, wechat.scan(openid="o-t", unionid="u-t")).json()["bind_token"]
    phone = next_phone()
    sms_code = request_sms_code(anon_api, phone)

    # when it is used to bind
    response = bind(anon_api, tamper(issued), phone, sms_code)

    # then it is refused and nothing is linked or created
    assert response.status_code == 400
    assert response.json()["code"] == "oauth_state_invalid"
    assert not SocialAccount.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_expired_bind_token_is_refused(anon_api, wechat, monkeypatch):
    # given a bind token issued longer ago than the bind window
    issued_at = int(time.time()) - BIND_MAX_AGE - 60
    with monkeypatch.context() as patch:
        patch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(issued_at))
        stale = oauth_login(anon_api, wechat.scan()).json()["bind_token"]
    phone = next_phone()

    # when it is used to bind
    response = bind(anon_api, stale, phone, request_sms_code(anon_api, phone))

    # then it is refused
    assert response.status_code == 400
    assert response.json()["code"] == "oauth_state_invalid"
    assert not SocialAccount.objects.exists()


@pytest.mark.django_db
def test_bind_with_a_wrong_sms_code_links_nothing(anon_api, wechat):
    # given a new identity and a phone that was sent a code
    token = oauth_login(anon_api, wechat.scan()).json()["bind_token"]
    phone = next_phone()
    right = request_sms_code(anon_api, phone)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    # when the wrong code is typed
    response = bind(anon_api, token, phone, wrong)

    # then nothing is bound or created
    assert response.status_code == 400
    assert response.json()["code"] == "otp_invalid"
    assert not SocialAccount.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_bind_token_binds_only_once(anon_api, wechat):
    # given an identity that was bound with its bind token
    token = oauth_login(anon_api, wechat.scan(openid="o-once", unionid="u-once")).json()["bind_token"]
    phone = next_phone()
    first = bind(anon_api, token, phone, request_sms_code(anon_api, phone))
    assert first.status_code == 200

    # when the same token is replayed with another phone
    other = next_phone()
    replay = bind(anon_api, token, other, request_sms_code(anon_api, other))

    # then it is refused, the identity stays with the first account, and no account is left for the other phone
    assert replay.status_code == 409
    assert replay.json()["code"] == "social_already_linked"
    assert SocialAccount.objects.get().user_id == first.json()["user"]["id"]
    assert list(User.objects.values_list("pk", flat=True)) == [first.json()["user"]["id"]]


# --- API: configuration and access ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["APP_ID", "APP_SECRET"])
def test_unconfigured_provider_is_refused(anon_api, wechat, settings, missing):
    # given WeChat login without credentials
    point_wechat_at(settings, wechat, **{missing: ""})

    # when a client tries it
    login = oauth_login(anon_api, wechat.scan())
    url = anon_api.api("get", "/auth/oauth/wechat/authorize-url?redirect_uri=https://a.example/cb")

    # then it is refused and WeChat is never called
    assert login.status_code == 400
    assert login.json()["code"] == "oauth_not_configured"
    assert url.status_code == 400
    assert url.json()["code"] == "oauth_not_configured"
    assert wechat.requests == []


@pytest.mark.django_db
def test_unknown_provider_is_404(anon_api, wechat):
    # when a client names a provider the site does not have
    login = anon_api.api("post", "/auth/oauth/myspace", json={"code": "abc"})
    url = anon_api.api("get", "/auth/oauth/myspace/authorize-url?redirect_uri=https://a.example/cb")

    # then it is not found
    assert login.status_code == 404
    assert login.json()["code"] == "oauth_provider_unknown"
    assert url.status_code == 404


@pytest.mark.django_db
def test_disabled_user_linked_to_wechat_cannot_log_in(anon_api, wechat):
    # given a WeChat-linked account that has been disabled
    body = sign_up_with_wechat(anon_api, wechat, openid="o-off", unionid="u-off").json()
    User.objects.filter(pk=body["user"]["id"]).update(is_active=False)

    # when they scan again
    response = oauth_login(anon_api, wechat.scan(openid="o-off", unionid="u-off"))

    # then they are refused
    assert response.status_code == 403
    assert response.json()["code"] == "account_disabled"


@pytest.mark.django_db
def test_binding_to_a_disabled_account_is_refused(anon_api, wechat, make_user):
    # given a phone whose account is disabled
    phone = next_phone()
    make_user(phone, is_active=False)
    token = oauth_login(anon_api, wechat.scan()).json()["bind_token"]

    # when a new WeChat identity binds that phone
    response = bind(anon_api, token, phone, request_sms_code(anon_api, phone))

    # then it is refused and nothing is linked
    assert response.status_code == 403
    assert response.json()["code"] == "account_disabled"
    assert not SocialAccount.objects.exists()


# --- web pages ---------------------------------------------------------------------------------------------


def start_web_login(client: Client) -> str:
    """Click "log in with WeChat"; return the state the site put in the authorize URL."""
    response = client.get("/accounts/oauth/wechat/start/")
    assert response.status_code == 302
    return dict(parse_qsl(urlsplit(response["Location"]).query))["state"]


@pytest.mark.django_db
def test_web_start_redirects_to_wechat_and_remembers_the_state(client, wechat):
    # when the visitor clicks "log in with WeChat"
    response = client.get("/accounts/oauth/wechat/start/")

    # then the browser goes to WeChat's QR page, to come back to our callback with the state kept in the session
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{wechat.authorize_url}?")
    assert location.endswith("#wechat_redirect")
    query = dict(parse_qsl(urlsplit(location).query))
    assert query["appid"] == APP_ID
    assert query["redirect_uri"] == CALLBACK
    assert query["scope"] == "snsapi_login"
    assert query["state"] == client.session["oauth_state"]


@pytest.mark.django_db
def test_web_start_when_unconfigured_goes_back_to_login(client, wechat, settings):
    # given WeChat login without an app id
    point_wechat_at(settings, wechat, APP_ID="")

    # when the visitor clicks "log in with WeChat"
    response = client.get("/accounts/oauth/wechat/start/", follow=True)

    # then they are back on the login page with an error
    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert "error" in message_levels(response)
    assert "oauth_state" not in client.session


@pytest.mark.django_db
def test_web_callback_with_a_wrong_state_logs_nobody_in(client, wechat, make_user):
    # given a linked identity and a login that was started
    user = make_user()
    SocialAccount.objects.create(user=user, provider="wechat", uid="u-csrf", unionid="u-csrf")
    start_web_login(client)
    code = wechat.scan(openid="o-csrf", unionid="u-csrf")

    # when the callback comes back with a state the site did not issue
    response = client.get(f"/accounts/oauth/wechat/callback/?code={code}&state=forged", follow=True)

    # then the visitor is sent to the login page with an error, not logged in, and the code is never used
    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert "error" in message_levels(response)
    assert session_user_id(client) is None
    assert wechat.requests == []


@pytest.mark.django_db
def test_web_callback_without_a_started_login_logs_nobody_in(client, wechat, make_user):
    # given a linked identity but no login started in this browser
    user = make_user()
    SocialAccount.objects.create(user=user, provider="wechat", uid="u-direct", unionid="u-direct")
    code = wechat.scan(openid="o-direct", unionid="u-direct")

    # when the callback is hit directly
    response = client.get(f"/accounts/oauth/wechat/callback/?code={code}&state=")

    # then nobody is logged in
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert session_user_id(client) is None


@pytest.mark.django_db
def test_web_callback_for_a_linked_identity_logs_the_user_in(client, wechat, make_user):
    # given a user with WeChat linked, who started the login in this browser
    user = make_user()
    SocialAccount.objects.create(user=user, provider="wechat", uid="u-web", unionid="u-web")
    state = start_web_login(client)
    code = wechat.scan(openid="o-web", unionid="u-web")

    # when WeChat sends the browser back
    response = client.get(f"/accounts/oauth/wechat/callback/?code={code}&state={state}")

    # then they are logged in
    assert response.status_code == 302
    assert response["Location"] == "/accounts/me/"
    assert session_user_id(client) == user.pk
    assert client.get("/accounts/me/").status_code == 200


@pytest.mark.django_db
def test_web_callback_state_works_once(client, wechat, make_user):
    # given a login that already came back once
    user = make_user()
    SocialAccount.objects.create(user=user, provider="wechat", uid="u-twice", unionid="u-twice")
    state = start_web_login(client)
    client.get(f"/accounts/oauth/wechat/callback/?code={wechat.scan(openid='o', unionid='u-twice')}&state={state}")
    client.post("/accounts/logout/")

    # when the same callback URL is replayed
    code = wechat.scan(openid="o", unionid="u-twice")
    response = client.get(f"/accounts/oauth/wechat/callback/?code={code}&state={state}")

    # then it is refused
    assert response["Location"] == "/accounts/login/"
    assert session_user_id(client) is None


@pytest.mark.django_db
def test_web_callback_when_the_visitor_declines_goes_back_to_login(client, wechat):
    # given a started login; WeChat redirects without a code when the person declines
    state = start_web_login(client)

    # when the callback comes back with only the state
    response = client.get(f"/accounts/oauth/wechat/callback/?state={state}", follow=True)

    # then the visitor is back on the login page with an error
    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert "error" in message_levels(response)
    assert session_user_id(client) is None


@pytest.mark.django_db
def test_web_callback_with_a_code_wechat_refuses_goes_back_to_login(client, wechat):
    # given a started login
    state = start_web_login(client)

    # when the callback brings a code WeChat does not honour
    response = client.get(f"/accounts/oauth/wechat/callback/?code=expired-code&state={state}", follow=True)

    # then the visitor is back on the login page with an error, and nothing is created
    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert "error" in message_levels(response)
    assert session_user_id(client) is None
    assert not User.objects.exists()


@pytest.mark.django_db
def test_web_new_identity_binds_a_phone_and_logs_in(client, wechat):
    # given a new WeChat identity came back from the QR page
    state = start_web_login(client)
    code = wechat.scan(openid="o-web-new", unionid="u-web-new", nickname="小明")
    response = client.get(f"/accounts/oauth/wechat/callback/?code={code}&state={state}")

    # then they are asked to bind a phone
    assert response.status_code == 302
    assert response["Location"] == "/accounts/oauth/bind/"
    page = client.get("/accounts/oauth/bind/")
    assert page.status_code == 200
    assert "小明" in page.content.decode()
    assert session_user_id(client) is None

    # when they ask for an SMS code and type it in
    phone = next_phone()
    assert client.post("/accounts/login/otp/", {"phone": phone}).status_code == 200
    bound = client.post("/accounts/oauth/bind/", {"phone": phone, "code": last_code(phone)})

    # then they are signed up, linked and logged in
    assert bound.status_code == 302
    assert bound["Location"] == "/accounts/me/"
    user = User.objects.get()
    assert user.phone == phone
    assert session_user_id(client) == user.pk
    social = SocialAccount.objects.get()
    assert (social.user_id, social.uid) == (user.pk, "u-web-new")
    # and the pending bind is gone from the session
    assert "oauth_bind_token" not in client.session


@pytest.mark.django_db
def test_web_bind_with_a_wrong_code_stays_on_the_page(client, wechat):
    # given a new identity on the bind page and an SMS code sent
    state = start_web_login(client)
    client.get(f"/accounts/oauth/wechat/callback/?code={wechat.scan()}&state={state}")
    phone = next_phone()
    client.post("/accounts/login/otp/", {"phone": phone})
    wrong = f"{(int(last_code(phone)) + 1) % 1_000_000:06d}"

    # when a wrong code is typed
    response = client.post("/accounts/oauth/bind/", {"phone": phone, "code": wrong})

    # then the form is shown again and nobody is logged in or linked
    assert response.status_code == 400
    assert session_user_id(client) is None
    assert not SocialAccount.objects.exists()


@pytest.mark.django_db
def test_web_bind_page_without_a_pending_login_goes_to_login(client, wechat):
    # when the bind page is opened with no WeChat login pending
    response = client.get("/accounts/oauth/bind/")

    # then the visitor is sent to the login page
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
