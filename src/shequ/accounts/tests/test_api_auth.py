"""Log in, sign up, tokens and logout through the JSON API."""

from datetime import timedelta

import pytest
from conftest import ApiClient, last_code, next_phone
from django.utils import timezone

from shequ.accounts.models import ApiToken, User
from shequ.analytics.models import Event

pytestmark = pytest.mark.django_db


def _otp_login(client: ApiClient, phone: str):
    assert client.api("post", "/auth/otp/request", json={"phone": phone}).status_code == 200
    return client.api("post", "/auth/otp/login", json={"phone": phone, "code": last_code(phone)})


def test_a_new_phone_signs_up_with_an_sms_code_and_gets_tokens(anon_api):
    phone = next_phone()

    response = _otp_login(anon_api, phone)

    assert response.status_code == 200
    body = response.json()
    assert body["created"] is True
    assert body["token_type"] == "Bearer"
    assert body["access_token"].startswith("sqa_") and body["refresh_token"].startswith("sqr_")
    assert body["user"]["phone_masked"] == f"{phone[3:6]}****{phone[-4:]}"
    user = User.objects.get(pk=body["user"]["id"])
    assert user.phone == phone
    assert hasattr(user, "privacy") and hasattr(user, "preferences")
    names = set(Event.objects.filter(user_id=user.pk).values_list("name", flat=True))
    assert {"signup", "login"} <= names


def test_an_existing_phone_logs_into_the_same_account(anon_api, make_user):
    phone = next_phone()
    existing = make_user(phone)

    body = _otp_login(anon_api, phone).json()

    assert body["created"] is False
    assert body["user"]["id"] == existing.pk
    assert User.objects.count() == 1


def test_the_access_token_authenticates_and_a_missing_one_is_401(anon_api):
    tokens = _otp_login(anon_api, next_phone()).json()

    assert ApiClient(token=tokens["access_token"]).api("get", "/me").status_code == 200
    response = anon_api.api("get", "/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert ApiClient(token="sqa_forged").api("get", "/me").status_code == 401


def test_an_expired_access_token_is_refused(anon_api):
    tokens = _otp_login(anon_api, next_phone()).json()
    ApiToken.objects.filter(kind="access").update(expires_at=timezone.now() - timedelta(seconds=1))

    assert ApiClient(token=tokens["access_token"]).api("get", "/me").status_code == 401


def test_refresh_rotates_and_a_reused_refresh_token_ends_the_login(anon_api):
    first = _otp_login(anon_api, next_phone()).json()

    rotated = anon_api.api("post", "/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert rotated.status_code == 200
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert ApiClient(token=second["access_token"]).api("get", "/me").status_code == 200

    replay = anon_api.api("post", "/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401
    assert replay.json()["code"] == "invalid_token"
    # the theft signal revoked the whole login, including the legitimately rotated tokens
    assert ApiClient(token=second["access_token"]).api("get", "/me").status_code == 401
    again = anon_api.api("post", "/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert again.status_code == 401


@pytest.mark.parametrize("token", ["", "garbage", "sqa_access-token-not-refresh", "sqr_" + "x" * 40])
def test_bad_refresh_tokens_are_401(anon_api, token):
    response = anon_api.api("post", "/auth/refresh", json={"refresh_token": token})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_logout_revokes_only_that_login(anon_api):
    phone = next_phone()
    phone_login = _otp_login(anon_api, phone).json()
    other_device = anon_api.api("post", "/auth/otp/login", json={"phone": phone, "code": "000000"})
    assert other_device.status_code == 400  # the code was single-use
    from shequ.accounts.services.tokens import token_pair_issue

    tablet = token_pair_issue(user=User.objects.get())
    client = ApiClient(token=phone_login["access_token"])

    assert client.api("post", "/auth/logout").status_code == 204

    assert client.api("get", "/me").status_code == 401
    assert (
        anon_api.api("post", "/auth/refresh", json={"refresh_token": phone_login["refresh_token"]}).status_code == 401
    )
    assert ApiClient(token=tablet.access_token).api("get", "/me").status_code == 200


def test_password_login(anon_api, make_user):
    phone = next_phone()
    make_user(phone, password="Milk-tea-2026")

    ok = anon_api.api("post", "/auth/password/login", json={"phone": phone, "password": "Milk-tea-2026"})
    wrong = anon_api.api("post", "/auth/password/login", json={"phone": phone, "password": "nope"})
    unknown = anon_api.api("post", "/auth/password/login", json={"phone": next_phone(), "password": "nope"})

    assert ok.status_code == 200 and ok.json()["user"]["has_password"] is True
    assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_credentials"
    # an unknown number looks exactly like a wrong password: no account enumeration
    assert unknown.status_code == 401 and unknown.json() == wrong.json()


def test_an_account_without_a_password_cannot_log_in_by_password(anon_api, make_user):
    phone = next_phone()
    make_user(phone)

    response = anon_api.api("post", "/auth/password/login", json={"phone": phone, "password": ""})

    assert response.status_code == 401


def test_repeated_wrong_passwords_lock_the_phone_even_for_the_right_one(anon_api, make_user):
    phone = next_phone()
    make_user(phone, password="Milk-tea-2026")
    for _ in range(5):
        anon_api.api("post", "/auth/password/login", json={"phone": phone, "password": "guess"})

    locked = anon_api.api("post", "/auth/password/login", json={"phone": phone, "password": "Milk-tea-2026"})

    assert locked.status_code == 429
    assert locked.json()["code"] == "phone_locked"
    assert int(locked["Retry-After"]) > 0


def test_a_disabled_account_cannot_log_in(anon_api, make_user):
    phone = next_phone()
    make_user(phone, password="Milk-tea-2026", is_active=False)

    response = anon_api.api("post", "/auth/password/login", json={"phone": phone, "password": "Milk-tea-2026"})

    assert response.status_code == 403
    assert response.json()["code"] == "account_disabled"


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/auth/otp/request", {"phone": "not a phone"}),
        ("/auth/otp/request", {"phone": "1" * 33}),
        ("/auth/otp/request", {}),
        ("/auth/otp/login", {"phone": "13800138000", "code": "1" * 50}),
        ("/auth/otp/login", {"phone": "13800138000", "code": "123456"}),
        ("/auth/password/login", {"phone": "13800138000"}),
    ],
)
def test_bad_auth_input_is_a_4xx_with_a_code(anon_api, path, payload):
    response = anon_api.api("post", path, json=payload)

    assert 400 <= response.status_code < 500
    body = response.json()
    assert body["code"] and body["message"]
    assert User.objects.count() == 0


def test_malformed_json_is_a_400_not_a_500(anon_api):
    response = anon_api.post("/api/v1/auth/otp/request", data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_otp_flooding_through_the_api_gets_429_with_retry_after(anon_api, outbox):
    phone = next_phone()
    anon_api.api("post", "/auth/otp/request", json={"phone": phone})

    response = anon_api.api("post", "/auth/otp/request", json={"phone": phone})

    assert response.status_code == 429
    assert response.json()["code"] == "otp_too_soon"
    assert response["Retry-After"]
    assert len(outbox) == 1


def test_a_used_token_is_not_looked_up_again_but_revoking_or_deactivating_stops_it_at_once(
    anon_api, make_user, django_assert_num_queries
):
    from shequ.accounts.services.tokens import token_pair_issue, user_tokens_revoke_all

    person = make_user()
    first, second = token_pair_issue(user=person), token_pair_issue(user=person)
    client = ApiClient(token=first.access_token)
    assert client.api("get", "/me").status_code == 200
    with django_assert_num_queries(0):  # token and user both come from the cache (GET /me reads no more)
        from shequ.accounts.services.tokens import token_authenticate

        assert token_authenticate(first.access_token)[0].pk == person.pk

    user_tokens_revoke_all(user=person)  # e.g. a password change
    assert client.api("get", "/me").status_code == 401

    other = ApiClient(token=token_pair_issue(user=person).access_token)
    assert other.api("get", "/me").status_code == 200
    person.is_active = False
    person.save()  # an operator disables the account
    assert other.api("get", "/me").status_code == 401
    assert ApiClient(token=second.access_token).api("get", "/me").status_code == 401


def test_a_tokens_first_use_caches_its_row_and_the_user_without_the_phone(make_user):
    from django.core.cache import cache

    from shequ.accounts.auth_backend import user_cache_key
    from shequ.accounts.services.tokens import token_authenticate, token_pair_issue

    person = make_user()
    pair = token_pair_issue(user=person)
    cache.delete(user_cache_key(person.pk))

    user, row = token_authenticate(pair.access_token)

    issued = ApiToken.objects.get(kind="access", family=pair.family)
    assert (user.pk, row.pk, row.user_id, row.family) == (person.pk, issued.pk, person.pk, pair.family)
    assert abs((row.expires_at - issued.expires_at).total_seconds()) < 1e-3
    cached = cache.get(user_cache_key(person.pk))
    assert cached.pk == person.pk and cached.nickname == person.nickname
    assert "phone" in cached.get_deferred_fields()
    assert not any(name.startswith("token_") for name in vars(cached))
