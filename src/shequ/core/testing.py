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
