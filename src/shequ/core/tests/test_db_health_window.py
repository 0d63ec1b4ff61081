"""The PostgreSQL backend's health check: skipped on a connection that just served a request, still run (and
the dropped connection replaced) once the connection has been idle longer than the window."""

from __future__ import annotations

import pytest
from django.db import close_old_connections, connection, connections
from django.test import override_settings

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the window is a feature of our PostgreSQL backend")
    connection.settings_dict["CONN_MAX_AGE"] = 60
    connection.settings_dict["CONN_HEALTH_CHECKS"] = True
    connection.close()
    connection.connect()  # reads CONN_HEALTH_CHECKS and CONN_MAX_AGE from the settings above
    yield
    connection.close()


def _request(sql: str = "SELECT 1") -> object:
    """What Django does around a request: close_old_connections before and after, one query in between."""
    close_old_connections()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    close_old_connections()
    return row[0]


def _checks(monkeypatch) -> list[int]:
    calls: list[int] = []
    wrapper = type(connections["default"])
    original = wrapper.is_usable

    def counting(self):
        calls.append(1)
        return original(self)

    monkeypatch.setattr(wrapper, "is_usable", counting)
    return calls


def _drop_from_the_server_side(backend_pid: int) -> None:
    """What a database restart or an idle timeout does to a pooled connection: the server ends it."""
    import psycopg

    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k not in {"cursor_factory", "context"}}) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [backend_pid])


@override_settings(DATABASE_HEALTH_CHECK_WINDOW=60)
def test_a_connection_that_just_served_a_request_skips_the_select_1(monkeypatch):
    _request()  # a first request: the connection is new, then proven
    calls = _checks(monkeypatch)

    for _ in range(5):
        assert _request() == 1

    assert calls == []


@override_settings(DATABASE_HEALTH_CHECK_WINDOW=0)
def test_an_idle_connection_the_server_dropped_is_replaced_before_the_next_request():
    _request()
    old_pid = _request("SELECT pg_backend_pid()")

    _drop_from_the_server_side(old_pid)

    assert _request("SELECT pg_backend_pid()") != old_pid  # answered on a new connection, no error


@override_settings(DATABASE_HEALTH_CHECK_WINDOW=0.05)
def test_a_connection_idle_longer_than_the_window_is_checked_again(monkeypatch):
    import time

    _request()
    calls = _checks(monkeypatch)
    time.sleep(0.1)

    assert _request() == 1
    assert calls == [1]


@override_settings(DATABASE_HEALTH_CHECK_WINDOW=0.05)
def test_after_a_failed_request_an_idle_connection_is_checked_again(monkeypatch):
    """The end of a request that failed on the database proves nothing about the connection later on."""
    import time

    from django.db import DatabaseError

    _request()
    close_old_connections()
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")
    close_old_connections()  # the failed request ends
    time.sleep(0.1)  # idle longer than the window
    calls = _checks(monkeypatch)

    assert _request() == 1
    assert calls == [1]
