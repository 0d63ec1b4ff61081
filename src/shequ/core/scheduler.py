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

        app.loader.import_default_modules()  # autodiscovered task modules are imported lazily
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
                self.run_pending()
            finally:
                close_old_connections()  # this thread's own connection; never a request's
            time.sleep(self.tick)

    def stop(self) -> None:
        self._stop_event.set()


def start_embedded_beat() -> EmbeddedBeat | None:
    """Start the thread when tasks run eagerly (no broker); return it, or None in production."""
    if not settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BEAT_SCHEDULE:
        return None
    beat = EmbeddedBeat()
    beat.start()
    return beat
