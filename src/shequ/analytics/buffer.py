"""An in-process event buffer that writes in batches, off the request path.

``add`` only appends to a list under a lock (microseconds), so tracking never slows a page. A daemon
thread flushes every FLUSH_INTERVAL_SECONDS, or at once when BATCH_SIZE rows are waiting, handing each
batch to ``ingest`` (a Celery task when a broker is configured, else a direct bulk insert). The buffer is
flushed at interpreter exit too; what a hard crash can lose is at most one interval of events, which is the
trade-off every client-side analytics SDK makes. A failed write keeps the rows for the next flush, up to
MAX_PENDING rows, so a database blip loses nothing either.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Callable

logger = logging.getLogger("shequ.analytics")

MAX_PENDING = 200_000


class EventBuffer:
    def __init__(self, ingest: Callable[[list[dict]], None], *, batch_size: int, interval: float) -> None:
        self._ingest = ingest
        self.batch_size = batch_size
        self.interval = interval
        self._rows: list[dict] = []
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def add(self, row: dict) -> None:
        with self._lock:
            self._rows.append(row)
            pending = len(self._rows)
        self._ensure_thread()
        if pending >= self.batch_size:
            self._wake.set()

    def pending(self) -> int:
        with self._lock:
            return len(self._rows)

    def flush(self) -> int:
        """Write everything waiting; return how many rows were written."""
        with self._flush_lock:
            with self._lock:
                rows, self._rows = self._rows, []
            written = 0
            for start in range(0, len(rows), self.batch_size):
                chunk = rows[start : start + self.batch_size]
                try:
                    self._ingest(chunk)
                    written += len(chunk)
                except Exception:
                    logger.exception("analytics: writing %d events failed; keeping them for retry", len(chunk))
                    with self._lock:
                        self._rows[:0] = rows[start:][: max(0, MAX_PENDING - len(self._rows))]
                    break
            return written

    def _ensure_thread(self) -> None:
        # After a fork (gunicorn workers) the parent's thread does not exist in the child: start a new one.
        if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
            return
        with self._lock:
            if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="shequ-analytics-flusher", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        from django.db import close_old_connections

        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                self.flush()
            finally:
                close_old_connections()


_buffer: EventBuffer | None = None
_buffer_lock = threading.Lock()


def get_buffer(ingest: Callable[[list[dict]], None], *, batch_size: int, interval: float) -> EventBuffer:
    global _buffer
    if _buffer is None:
        with _buffer_lock:
            if _buffer is None:
                _buffer = EventBuffer(ingest, batch_size=batch_size, interval=interval)
                atexit.register(_buffer.flush)
    return _buffer
