"""Tickets of flash-sale orders placed in the background ("排队下单"): the buyer is answered as soon as the
Redis gate (orders/flashgate.py) has given them a unit, and a worker writes the order a moment later.

Why: when thousands storm a sale, writing an order costs ~15 ms of CPU and a row lock on the sale's counter,
so with tens of buyers waiting, each one waited for everyone ahead of them. Once the gate has decided who gets
a unit, the buyer need not wait for the write: they get ``202`` with a ticket and poll it (the H5 page shows
"queuing…"), and the workers drain the queue at the database's pace. The database stays the authority: the
worker places the order exactly as a direct submit would, and a ticket whose order fails says why.

Only where it can work: a real task queue (``CELERY_BROKER_URL``; the embedded default runs tasks in-process,
so queuing would only add a round trip) and the Redis gate. Clients ask for it with ``Prefer: respond-async``
(RFC 7240); without it, or when there is no queue, the order is placed before the answer as always.

A ticket lives in the cache for ``TICKET_SECONDS``: who it belongs to, when it was queued, and once finished
the order number or the error. Its id comes from the submit's idempotency key, so a retried submit finds its
ticket (or its order) instead of queuing twice.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.cache import cache

from shequ.orders.conf import orders_setting

TICKET_SECONDS = 3600
_KEY = "orders:queue:ticket:{}"

QUEUED = "queued"
PLACED = "placed"
FAILED = "failed"


@dataclass(frozen=True)
class TicketState:
    id: str
    user_id: int
    status: str
    queued_at: float
    finished_at: float | None = None
    order_number: str = ""
    error: dict | None = None  # {"code", "message", "details"} of a failed placement


def available() -> bool:
    """True where queuing pays: tasks go to real workers and the flash gate runs on Redis."""
    from shequ.orders import flashgate

    return bool(orders_setting("FLASH_QUEUE")) and _workers() and flashgate.enabled()


def _workers() -> bool:
    """Tasks go to worker processes (a broker is configured), not run in-process."""
    return not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", True)


def ticket_id_for(*, user_id: int, key: str) -> str:
    """The ticket of a submit: derived from its idempotency key (a retry finds it), else a fresh random id."""
    if not key:
        return secrets.token_hex(10)
    return hashlib.blake2b(f"{user_id}:{key}".encode(), digest_size=10).hexdigest()


def claim(*, ticket_id: str, user_id: int) -> bool:
    """Record a new queued ticket; False if it exists already (the same submit queued a moment ago)."""
    state = TicketState(id=ticket_id, user_id=user_id, status=QUEUED, queued_at=time.time())
    return cache.add(_KEY.format(ticket_id), asdict(state), TICKET_SECONDS)


def finish(
    *, ticket_id: str, user_id: int, queued_at: float, order_number: str = "", error: dict | None = None
) -> None:
    """Record what became of a ticket: its order, or the error that stopped it."""
    state = TicketState(
        id=ticket_id,
        user_id=user_id,
        status=FAILED if error else PLACED,
        queued_at=queued_at,
        finished_at=time.time(),
        order_number=order_number,
        error=error,
    )
    cache.set(_KEY.format(ticket_id), asdict(state), TICKET_SECONDS)


def drop(ticket_id: str) -> None:
    cache.delete(_KEY.format(ticket_id))


def get(ticket_id: str) -> TicketState | None:
    raw = cache.get(_KEY.format(ticket_id)) if ticket_id.isalnum() and len(ticket_id) <= 40 else None
    if not isinstance(raw, dict):
        return None
    return TicketState(**raw)
