"""Helpers for tests that need real concurrency (PostgreSQL races), shared by the apps' test suites."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection

THREADS = 8


def run_together(work: Callable[[int], object], count: int = THREADS) -> list[object]:
    """Start ``count`` threads at the same moment (a barrier), each with its own database connection; return what
    each returned or raised, so a test can assert that exactly one won and the others were refused."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def runner(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # collected for the assertions
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def spy_cache_reads(monkeypatch) -> list[set[str]]:
    """Record the keys of every cache read a test's requests make, one set per round trip: a ``get`` is one
    key, a ``get_many`` all of its keys (local memory's ``get_many`` calls ``get`` per key; those are not
    recorded again)."""
    from django.core.cache import cache

    reads: list[set[str]] = []
    inside: list[bool] = []
    get_many, get = cache.get_many, cache.get

    def spy_get_many(keys, *args, **kwargs):
        reads.append(set(keys))
        inside.append(True)
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    def spy_get(key, *args, **kwargs):
        if not inside:
            reads.append({key})
        return get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", spy_get_many)
    monkeypatch.setattr(cache, "get", spy_get)
    return reads
