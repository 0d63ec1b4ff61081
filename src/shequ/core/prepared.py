"""Cursors for the hot hand-written statements, which PostgreSQL then plans once per connection.

Django binds parameters on the client (the statement reaches the server with its values in it), so PostgreSQL
parses and plans every execution anew. For the statements every feed page, post page and flash-sale order runs,
planning costs several times the execution: the post page's state query plans in ~0.23 ms and runs in
~0.04 ms. A cursor from ``prepared_cursor()`` binds on the server instead, and psycopg prepares a statement
once it has run ``DATABASE_PREPARE_THRESHOLD`` times on a connection (psycopg's default, 5), so later runs skip
parse and plan. Only statements written for it use it: server-side binding needs SQL whose parameter types
PostgreSQL can infer, which the ORM does not promise (Django ticket #20516).

Elsewhere (SQLite, or with ``DATABASE_PREPARE_THRESHOLD`` unset behind a pooler that cannot keep prepared
statements) it is an ordinary ``connection.cursor()``. Queries still pass Django's execute wrappers and query
log, so the tests' query counts see them.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections


def prepared_cursor(using: str = DEFAULT_DB_ALIAS):
    """``connections[using].cursor()``, binding on the server where that lets PostgreSQL reuse the statement's
    plan."""
    connection = connections[using]
    make = getattr(connection, "prepared_cursor", None)
    return make() if make is not None else connection.cursor()
