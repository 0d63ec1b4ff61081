"""The logged-in user comes from the cache (auth_backend.CachedModelBackend), and changes to them apply at once."""

from __future__ import annotations

import pickle

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shequ.accounts.auth_backend import user_cache_key
from shequ.accounts.models import User

pytestmark = pytest.mark.django_db


def user_queries(client, url: str) -> int:
    """Loads of the logged-in user's row (the "Me" page also reads the phone number, on its own)."""
    table = User._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(1 for query in queries.captured_queries if f'"{table}"."password"' in query["sql"])


def test_a_logged_in_page_reads_the_user_from_the_database_once(web_client):
    assert user_queries(web_client, "/accounts/me/") == 1
    assert user_queries(web_client, "/accounts/me/") == 0


def test_a_new_nickname_shows_on_the_next_request(web_client, user, django_capture_on_commit_callbacks):
    web_client.get("/accounts/me/")

    with django_capture_on_commit_callbacks(execute=True):
        user.nickname = "新名字"
        user.save(update_fields=["nickname"])

    assert "新名字" in web_client.get("/accounts/me/").content.decode()


def test_a_deactivated_user_is_logged_out_on_the_next_request(web_client, user, django_capture_on_commit_callbacks):
    web_client.get("/accounts/me/")

    with django_capture_on_commit_callbacks(execute=True):
        user.is_active = False
        user.save(update_fields=["is_active"])

    response = web_client.get("/accounts/me/")
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_a_password_change_ends_other_sessions(web_client, user, django_capture_on_commit_callbacks):
    web_client.get("/accounts/me/")

    with django_capture_on_commit_callbacks(execute=True):
        user.set_password("a-new-long-password-2026")
        user.save(update_fields=["password"])

    assert web_client.get("/accounts/me/").status_code == 302


def test_the_cached_user_holds_no_phone_number_in_clear(web_client, user):
    web_client.get("/accounts/me/")
    cached = cache.get(user_cache_key(user.pk))
    phone = User.objects.get(pk=user.pk).phone

    assert cached is not None and cached.pk == user.pk
    assert phone and phone.encode() not in pickle.dumps(cached)
    assert cached.phone == phone  # still readable, from the database, when a page needs it
