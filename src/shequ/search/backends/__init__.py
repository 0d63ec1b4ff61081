"""Choose the search backend: ``SHEQU_SEARCH_BACKEND`` (a dotted class path, or "sqlite" / "postgresql"),
by default the one that matches the database."""

from __future__ import annotations

import os
import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils.module_loading import import_string

from shequ.search.backends.base import SearchBackend

ALIASES = {
    "sqlite": "shequ.search.backends.sqlite.SqliteBackend",
    "postgresql": "shequ.search.backends.postgres.PostgresBackend",
}
_lock = threading.Lock()
_instances: dict[str, SearchBackend] = {}


def backend_path() -> str:
    configured = getattr(settings, "SHEQU_SEARCH_BACKEND", "") or os.environ.get("SHEQU_SEARCH_BACKEND", "")
    path = configured or connection.vendor
    path = ALIASES.get(path, path)
    if "." not in path:
        raise ImproperlyConfigured(
            f"No search backend for the {connection.vendor!r} database: set SHEQU_SEARCH_BACKEND to a class path."
        )
    return path


def get_backend() -> SearchBackend:
    """The configured backend (one instance per process)."""
    path = backend_path()
    backend = _instances.get(path)
    if backend is None:
        with _lock:
            backend = _instances.get(path) or import_string(path)()
            _instances[path] = backend
    return backend
