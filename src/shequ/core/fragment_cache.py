"""Two-level cache for what never changes under its key: a product's detail, JSON and page HTML (and whole pages,
see page_cache.py) are cached under keys that contain the versions they depend on, so an entry is either right
or no longer asked for.

Level one is a small in-process LRU (per gunicorn worker), level two the shared cache (Redis in production).
With Redis, every shared-cache read costs a round trip and a fresh client object in Django's backend, so the hot
product path keeps only the version lookup (which must be shared, it changes) on Redis. With the local-memory
cache (embedded, tests) the shared cache is already in-process and level one is skipped.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

# Entries per worker process. A product costs two (its fragments and, for visitors without a session, its page,
# ~10 KB each), so this keeps about 4,000 hot products in process (~80 MB). At 2,000 a walk over 2,000 products
# evicted on every request and each page came from Redis (measured: 704 → see bench/catalog_load.py).
LOCAL_ENTRIES = 8000
LOCAL_SECONDS = 120


class _LocalLRU:
    def __init__(self, size: int) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.items: OrderedDict[str, tuple[float, Any]] = OrderedDict()

    def get(self, key: str) -> Any:
        with self.lock:
            found = self.items.get(key)
            if found is None:
                return None
            expires, value = found
            if expires < time.monotonic():
                del self.items[key]
                return None
            self.items.move_to_end(key)
            return value

    def set(self, key: str, value: Any, seconds: float) -> None:
        with self.lock:
            self.items[key] = (time.monotonic() + seconds, value)
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


_local = _LocalLRU(LOCAL_ENTRIES)


def _local_enabled() -> bool:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    return not backend.endswith("LocMemCache") and not backend.endswith("DummyCache")


def get_or_build(key: str, build: Callable[[], Any], ttl: int) -> Any:
    """The value under a versioned ``key`` (which must name everything the value depends on), built once.

    Callers must not mutate what they get: in-process hits are shared between requests.
    """
    local = _local_enabled()
    if local:
        value = _local.get(key)
        if value is not None:
            return value
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, ttl)
    if local:
        _local.set(key, value, min(ttl, LOCAL_SECONDS))
    return value


def get_many(keys: list[str], ttl: int) -> dict[str, Any]:
    """``cache.get_many`` for versioned keys (see ``get_or_build``): what this process holds is not asked for,
    and what Redis returns is kept here for up to ``ttl`` (at most LOCAL_SECONDS)."""
    if not _local_enabled():
        return cache.get_many(keys)
    found: dict[str, Any] = {}
    for key in keys:
        value = _local.get(key)
        if value is not None:
            found[key] = value
    missing = [key for key in keys if key not in found]
    if missing:
        fetched = cache.get_many(missing)
        for key, value in fetched.items():
            _local.set(key, value, min(ttl, LOCAL_SECONDS))
        found.update(fetched)
    return found


def set_many(values: dict[str, Any], ttl: int) -> None:
    """``cache.set_many`` for versioned keys, kept in this process too."""
    cache.set_many(values, ttl)
    if _local_enabled():
        for key, value in values.items():
            _local.set(key, value, min(ttl, LOCAL_SECONDS))


# Values that may change at any moment (a product's current version, the catalog's generation): each process
# re-reads them from the shared cache at most once per MICRO_SECONDS, which saves the hottest pages a Redis
# round trip. A change made in this process is seen here at once (forget_fresh); other processes see it within
# MICRO_SECONDS.
MICRO_SECONDS = 1.0
_micro = _LocalLRU(4096)


def get_fresh(key: str, load: Callable[[], Any], seconds: float = MICRO_SECONDS) -> Any:
    """``load()`` (which reads the shared cache), reused in this process for ``seconds``."""
    if not _local_enabled():
        return load()
    value = _micro.get(key)
    if value is None:
        value = load()
        if value is not None:
            _micro.set(key, value, seconds)
    return value


def forget_fresh() -> None:
    """Something changed in this process: re-read every micro-cached value."""
    _micro.clear()


def clear_local() -> None:
    """Drop the in-process level (tests that reuse ids after a rollback)."""
    _local.clear()
    _micro.clear()
