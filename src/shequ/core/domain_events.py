"""Domain events: how one app tells the others that something happened, without importing them.

Orders publishes ``order.paid``; loyalty (awarding points), recommendations or campaigns subscribe. The
publisher does not know who listens, so a new module plugs in without touching the publisher (the same idea
as Saleor's plugin manager or Zulip's event queue, scaled down to one process plus Celery).

Delivery is *after commit* and *at least once*: a handler runs only if the publishing transaction committed,
as a Celery task (eager in the embedded default), and must be idempotent (use the event's ids as keys).
A failing handler is logged and, with a broker, retried by Celery; it never breaks the publisher's request.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger("shequ.events")

Handler = Callable[..., None]
_handlers: dict[str, list[str]] = defaultdict(list)


def _path(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def subscribe(name: str) -> Callable[[Handler], Handler]:
    """Register ``handler(**payload)`` for event ``name``. Call from the subscriber's ``AppConfig.ready``
    (importing its ``handlers`` module) so registration does not depend on import order elsewhere."""

    def register(handler: Handler) -> Handler:
        path = _path(handler)
        if path not in _handlers[name]:
            _handlers[name].append(path)
        return handler

    return register


def subscribers(name: str) -> list[str]:
    return list(_handlers.get(name, ()))


def publish(name: str, **payload: Any) -> None:
    """Announce ``name`` with a JSON-serialisable payload once the current transaction commits."""
    paths = subscribers(name)
    if not paths:
        return

    def deliver() -> None:
        for path in paths:
            try:
                run_handler.delay(path, name, payload)
            except Exception:  # a broker outage must not fail the publisher's request
                logger.exception("could not queue handler %s for %s", path, name)

    transaction.on_commit(deliver)


@shared_task(name="core.run_event_handler", autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def run_handler(path: str, name: str, payload: dict[str, Any]) -> None:
    handler = import_string(path)
    try:
        handler(**payload)
    except Exception:
        logger.exception("event handler %s failed for %s %s", path, name, payload)
        from django.conf import settings

        if not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
            raise  # let Celery retry; in the embedded default there is no worker to retry with
