"""Django's PostgreSQL backend, with the per-request health check skipped for a connection that was fine a
moment ago, and cursors whose statements PostgreSQL can prepare (``prepared_cursor``, shequ/core/prepared.py).

``CONN_HEALTH_CHECKS`` sends ``SELECT 1`` before the first query of every request, so that a connection the
server dropped (a restart, a failover, an idle timeout) is replaced instead of failing the request. Under load
that round trip is a tenth of a small request's time, and it buys nothing for a connection that finished a
request without error a moment ago: a restart or failover takes longer than the window, so after one the
check still runs. The same trade-off as connection pools' "alive bypass" (HikariCP's 500 ms, for one).
``DATABASE_HEALTH_CHECK_WINDOW`` (seconds, default 1; 0 checks every request as Django does).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db.backends.postgresql.base import DatabaseWrapper as PostgresDatabaseWrapper
from django.db.backends.postgresql.base import ServerBindingCursor
from django.utils.asyncio import async_unsafe


class DatabaseWrapper(PostgresDatabaseWrapper):
    _healthy_at: float = float("-inf")  # when a request last finished on this connection without an error
    _in_use: bool = False  # a cursor was taken since Django last tidied the connection (request start or end)

    def close_if_health_check_failed(self) -> None:
        self._in_use = True
        if self.connection is not None and not self.health_check_done and self._recently_healthy():
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def close_if_unusable_or_obsolete(self) -> None:
        # Django calls this when a request (or a Celery task) starts and when it ends. A request that used the
        # connection and ended without a database error proves it works now; the end of a failed request, or
        # the start of the next one, proves nothing (Django's own check after an error does not count).
        used = self._in_use and not self.errors_occurred
        self._in_use = False
        super().close_if_unusable_or_obsolete()
        if used and self.connection is not None:
            self._healthy_at = time.monotonic()

    def connect(self) -> None:
        super().connect()
        self._healthy_at = float("-inf")

    def _recently_healthy(self) -> bool:
        window = float(getattr(settings, "DATABASE_HEALTH_CHECK_WINDOW", 1.0))
        return window > 0 and time.monotonic() - self._healthy_at < window

    @async_unsafe
    def prepared_cursor(self):
        """A cursor that binds parameters on the server, so psycopg can prepare its statements (see
        shequ/core/prepared.py); made and wrapped as Django makes its own (health check, execute wrappers,
        query log)."""
        self.close_if_health_check_failed()
        self.ensure_connection()
        if getattr(self.connection, "prepare_threshold", None) is None:
            return self.cursor()
        with self.wrap_database_errors:
            return self._prepare_cursor(ServerBindingCursor(self.connection))
