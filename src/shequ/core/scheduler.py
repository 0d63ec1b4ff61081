"""Run the Celery beat schedule inside the embedded server, where there is no beat or worker process.

In production `celery beat` sends the periodic tasks (unpaid-order timeouts, purges, tier downgrades…) to
the workers. Embedded, `shequ serve` starts this thread instead: it reads the same CELERY_BEAT_SCHEDULE
and runs each due task in-process, so a demo behaves like production without extra processes.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger("shequ.scheduler")


class EmbeddedBeat(threading.Thread):
    def __init__(self, schedule: dict | None = None, *, tick: float = 1.0) -> None:
        super().__init__(name="shequ-embedded-beat", daemon=True)
        self.schedule = schedule if schedule is not None else settings.CELERY_BEAT_SCHEDULE
        self.tick = tick
        self.last_run: dict[str, datetime] = {}
        self._stop_event = threading.Event()

    def run_pending(self) -> list[str]:
        """Run every entry that is due now; return their names."""
        from shequ.config.celery import app

        _import_task_modules()
        ran = []
        for name, entry in self.schedule.items():
            schedule = entry["schedule"]
            if not hasattr(schedule, "is_due"):
                from celery.schedules import schedule as every

                schedule = every(schedule)
            last = self.last_run.setdefault(name, timezone.now())
            due, _next = schedule.is_due(last)
            if not due:
                continue
            self.last_run[name] = timezone.now()
            try:
                app.tasks[entry["task"]].apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))
                ran.append(name)
            except Exception:
                logger.exception("embedded beat: %s failed", name)
        return ran

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                if _hold_the_lock():
                    self.run_pending()
            finally:
                close_old_connections()  # this thread's own connection; never a request's
            time.sleep(self.tick)

    def stop(self) -> None:
        self._stop_event.set()


_task_modules_imported = False


def _import_task_modules() -> None:
    """Import every app's ``tasks`` module once, so ``app.tasks`` knows them. Not Celery's
    ``import_default_modules()``: its Django fixup runs all of Django's system checks on the first call (half a
    second of CPU, holding the GIL while the worker's requests wait)."""
    global _task_modules_imported
    if not _task_modules_imported:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
        _task_modules_imported = True


_lock_file = None


def _hold_the_lock() -> bool:
    """True in the one process that runs the schedule. ``shequ serve --workers N`` starts a beat in every worker;
    a non-blocking lock on a file in the data directory lets exactly one of them run the tasks, and if that
    worker exits, its lock is released and another worker's next tick takes over."""
    global _lock_file
    if _lock_file is not None:
        return True
    try:
        import fcntl
    except ImportError:  # Windows: waitress serves from one process
        return True
    handle = open(settings.DATA_DIR / "embedded-beat.lock", "a+")  # noqa: SIM115 - held for the process's life
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return False
    _lock_file = handle
    return True


def start_embedded_beat() -> EmbeddedBeat | None:
    """Start the thread when tasks run eagerly (no broker); return it, or None in production."""
    if not settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BEAT_SCHEDULE:
        return None
    beat = EmbeddedBeat()
    beat.start()
    return beat
