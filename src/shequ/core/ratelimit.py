"""Fixed-window counters and locks in the cache (Redis in production, shared by every app server).

``cache.add`` + ``cache.incr`` are atomic on Redis, so concurrent requests on several servers cannot slip
past a limit; on the embedded local-memory cache they are atomic within the one process that serves.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Hit:
    allowed: bool
    count: int
    retry_after: int


def _bucket(window: int) -> tuple[int, int]:
    now = int(time.time())
    start = now - now % window
    return start, start + window - now


def hit(key: str, *, limit: int, window: int) -> Hit:
    """Count one event against ``key``; ``allowed`` is False once more than ``limit`` fall in the window."""
    start, remaining = _bucket(window)
    cache_key = f"rl:{key}:{window}:{start}"
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window + 1)
        count = 1
    return Hit(allowed=count <= limit, count=count, retry_after=remaining)


def peek(key: str, *, window: int) -> int:
    start, _ = _bucket(window)
    return int(cache.get(f"rl:{key}:{window}:{start}", 0))


def lock(key: str, *, seconds: int) -> None:
    cache.set(f"lock:{key}", int(time.time()) + seconds, timeout=seconds)


def locked_for(key: str) -> int:
    """Seconds left on a lock, 0 when not locked."""
    until = cache.get(f"lock:{key}")
    if not until:
        return 0
    return max(0, int(until) - int(time.time()))


def unlock(key: str) -> None:
    cache.delete(f"lock:{key}")
