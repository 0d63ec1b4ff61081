"""Cache sessions read with the user's row in one round trip (accounts/sessions.py): the hint cookie follows
the session's user, and a forged or stale hint changes only what is read."""

from __future__ import annotations

import pytest
from django.test import Client

from shequ.accounts.auth_backend import user_cache_key
from shequ.accounts.sessions import USER_HINT_COOKIE
from shequ.core.testing import spy_cache_reads

pytestmark = pytest.mark.django_db

PAGE = "/accounts/me/"


@pytest.fixture(autouse=True)
def cache_sessions(settings):
    settings.SESSION_ENGINE = "shequ.accounts.sessions"


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user, backend="shequ.accounts.auth_backend.CachedModelBackend")
    return client


def test_the_first_page_sets_the_hint_and_later_ones_read_session_and_user_together(user, monkeypatch):
    client = _logged_in(user)
    first = client.get(PAGE)
    assert first.cookies[USER_HINT_COOKIE].value == str(user.pk)
    assert first.cookies[USER_HINT_COOKIE]["httponly"]
    client.get(PAGE)  # the user row is cached by now
    reads = spy_cache_reads(monkeypatch)

    again = client.get(PAGE)

    session = f"django.contrib.sessions.cache{client.cookies['sessionid'].value}"
    assert again.status_code == 200 and user.nickname in again.content.decode()
    assert USER_HINT_COOKIE not in again.cookies  # already right: no Set-Cookie
    with_user = [keys for keys in reads if user_cache_key(user.pk) in keys]
    assert len(with_user) == 1 and session in with_user[0]


def test_a_forged_hint_shows_the_sessions_own_user_and_is_put_right(user, make_user):
    other = make_user(nickname="别人的账号")
    client = _logged_in(user)
    client.get(PAGE)
    client.cookies[USER_HINT_COOKIE] = str(other.pk)

    response = client.get(PAGE)

    html = response.content.decode()
    assert user.nickname in html and "别人的账号" not in html
    assert response.cookies[USER_HINT_COOKIE].value == str(user.pk)


def test_logging_out_drops_the_hint(user):
    client = _logged_in(user)
    client.get(PAGE)

    response = client.post("/accounts/logout/")

    assert response.cookies[USER_HINT_COOKIE].value == ""
    assert response.cookies[USER_HINT_COOKIE]["max-age"] == 0
    assert client.get(PAGE).status_code in (302, 401, 403)  # no longer logged in, hint or not


@pytest.mark.parametrize("hint", ["abc", "-1", "9" * 40, "", "²", "1²"])
def test_a_malformed_hint_is_ignored(user, hint):
    client = _logged_in(user)
    client.cookies[USER_HINT_COOKIE] = hint

    response = client.get(PAGE)

    assert response.status_code == 200 and user.nickname in response.content.decode()


def test_what_a_forged_hint_read_does_not_outlive_the_request(user, make_user):
    from shequ.accounts.auth_backend import CachedModelBackend

    other = make_user(nickname="被冒名的人")
    client = _logged_in(user)
    client.get(PAGE)
    client.get(PAGE)
    client.cookies[USER_HINT_COOKIE] = str(other.pk)
    CachedModelBackend().get_user(other.pk)  # the other person's row is cached
    client.get(PAGE)  # reads the other person's row with the session, and does not use it

    other.is_active = False
    other.save()  # drops the cached row

    assert CachedModelBackend().get_user(other.pk) is None  # not the copy read for the forged hint
