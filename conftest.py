"""Fixtures shared by every test: people, logged-in API clients, the SMS outbox, a clean cache."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client

from shequ.accounts.providers import sms

_phones = itertools.count(10_000_000)


def next_phone() -> str:
    """A fresh valid Chinese mobile number for each call."""
    return f"+86139{next(_phones):08d}"


def _clear_cache() -> None:
    """Empty this test process's cache. On Redis only our own key prefix is deleted (FLUSHDB would also wipe
    the keys of parallel test workers sharing the database)."""
    from django.core.cache import caches

    # On Redis: only our own key prefix, and the in-process copies in front of it (SharedClientRedisCache.clear).
    caches["default"].clear()


@pytest.fixture(autouse=True)
def _isolated_state():
    _clear_cache()
    sms.outbox.clear()
    yield
    _clear_cache()


@pytest.fixture
def outbox() -> list[sms.SmsMessage]:
    return sms.outbox


def last_code(phone: str | None = None) -> str:
    for message in reversed(sms.outbox):
        if phone is None or message.phone == phone:
            return message.params["code"]
    raise AssertionError(f"no SMS sent to {phone}")


@pytest.fixture
def make_user(db):
    from shequ.accounts.services.auth import user_get_or_create_by_phone

    def make(phone: str | None = None, *, password: str | None = None, nickname: str = "", **fields):
        user, _ = user_get_or_create_by_phone(e164=phone or next_phone(), nickname=nickname)
        if password:
            user.set_password(password)
        for name, value in fields.items():
            setattr(user, name, value)
        user.save()
        return user

    return make


@pytest.fixture
def user(make_user):
    return make_user(nickname="测试用户")


class ApiClient(Client):
    """A test client that talks JSON to /api/v1 and can carry a bearer token."""

    def __init__(self, token: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.token = token

    def _headers(self, extra):
        headers = dict(extra or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return headers

    def api(self, method: str, path: str, json=None, headers=None, **kwargs):
        call = getattr(self, method.lower())
        if json is not None:
            kwargs.setdefault("content_type", "application/json")
            kwargs["data"] = json
        return call(f"/api/v1{path}", headers=self._headers(headers), **kwargs)


@pytest.fixture
def anon_api() -> ApiClient:
    return ApiClient()


@pytest.fixture
def api_for():
    from shequ.accounts.services.tokens import token_pair_issue

    def make(user) -> ApiClient:
        return ApiClient(token=token_pair_issue(user=user).access_token)

    return make


@pytest.fixture
def user_api(user, api_for) -> ApiClient:
    return api_for(user)


@pytest.fixture
def web_client(user) -> Client:
    client = Client()
    client.force_login(user, backend="shequ.accounts.auth_backend.CachedModelBackend")
    return client
