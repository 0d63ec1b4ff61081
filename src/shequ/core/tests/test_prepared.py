"""Prepared hot statements on PostgreSQL: a statement run through ``prepared_cursor`` is planned once per
connection and still shows in Django's query log; without a threshold it is an ordinary cursor."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shequ.core.prepared import prepared_cursor

pytestmark = pytest.mark.django_db

STATEMENT = "SELECT %s::int + 1"


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are a PostgreSQL matter")
    connection.ensure_connection()
    return connection.connection


def test_a_hot_statement_is_prepared_after_the_threshold(postgres):
    runs = postgres.prepare_threshold
    for value in range(runs + 1):
        with prepared_cursor() as cursor:
            cursor.execute(STATEMENT, [value])
            assert cursor.fetchone()[0] == value + 1

    assert any("$1::int + 1" in statement for statement in _prepared_statements())


def test_prepared_statements_still_count_as_queries(postgres):
    with CaptureQueriesContext(connection) as queries, prepared_cursor() as cursor:
        cursor.execute(STATEMENT, [41])
        assert cursor.fetchone()[0] == 42

    assert [query["sql"] for query in queries.captured_queries] == ["SELECT $1::int + 1"]


def test_without_a_threshold_it_is_an_ordinary_cursor(postgres, monkeypatch):
    monkeypatch.setattr(postgres, "prepare_threshold", None)
    for value in range(6):
        with prepared_cursor() as cursor:
            cursor.execute(STATEMENT, [value])

    assert not any("$1::int + 1" in statement for statement in _prepared_statements())
