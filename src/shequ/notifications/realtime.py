"""Live unread counts for open pages, over Server-Sent Events.

Why SSE and not WebSockets through Django Channels: the page only needs a one-way trickle ("you have 3
unread"), which SSE gives over plain HTTP with automatic reconnects built into every browser. Channels would
add an ASGI server, a channel layer and a second deployment path for one badge; SSE is a streaming Django view
that runs on the gunicorn (threads) servers we already have. Its costs are bounded here: a stream holds one
server thread, so it closes itself after ``STREAM_SECONDS`` (the browser reconnects, with ``retry``) and the
header badge opens at most one stream per tab.

How a change reaches the stream:
- with Redis (``REDIS_URL``), ``announce(user_id)`` — called after the commit of every notify / mark-read —
  publishes on ``shequ:notif:<user_id>``; the stream sleeps in a pub/sub wait and recounts only when told;
- in the embedded default (no Redis) the stream polls the count every ``POLL_SECONDS`` (one indexed COUNT)
  and sends only changes. Either way a comment line goes out every ``HEARTBEAT_SECONDS`` to keep proxies
  from closing the connection.

The badge is also cached (``badge_key``) so rendering the page header costs no query; ``announce`` clears it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections

from shequ.core.cache import redis_pipeline

logger = logging.getLogger("shequ.notifications")

DEFAULTS = {"STREAM_SECONDS": 300, "POLL_SECONDS": 5.0, "HEARTBEAT_SECONDS": 20.0, "RETRY_MS": 5000}
BADGE_CACHE_SECONDS = 300


def conf(name: str):
    return getattr(settings, "SHEQU_NOTIFICATIONS_LIVE", {}).get(name, DEFAULTS[name])


def streaming_enabled() -> bool:
    """Whether pages open the SSE stream. On by default only with Redis: the embedded default serves with one
    process of a few threads, and every open tab's stream would hold one of them (a browser that navigates away
    is only noticed at the next heartbeat), so there the badge polls ``/inbox/badge/`` instead — the fallback
    the product allows. ``SHEQU_NOTIFICATIONS_LIVE["SSE"] = True/False`` overrides."""
    configured = getattr(settings, "SHEQU_NOTIFICATIONS_LIVE", {}).get("SSE")
    return bool(getattr(settings, "REDIS_URL", "")) if configured is None else bool(configured)


def channel(user_id: int) -> str:
    return f"shequ:notif:{user_id}"


def badge_key(user_id: int) -> str:
    return f"notif:unread:{user_id}"


_clients: dict[str, Any] = {}


def _redis():
    """A redis-py client when Redis is configured, else None. One per URL and process: a client owns a
    connection pool (thread-safe), so making one per notification would open a new connection every time."""
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return None
    client = _clients.get(url)
    if client is None:
        try:
            import redis

            client = _clients.setdefault(url, redis.Redis.from_url(url))
        except Exception:  # no client library or a bad URL: fall back to polling
            logger.warning("notifications live: Redis unavailable, polling instead", exc_info=True)
            return None
    return client


def unread_count(user_id: int) -> int:
    from shequ.notifications.models import Notification

    count = Notification.objects.filter(user_id=user_id, read_at__isnull=True).count()
    cache.set(badge_key(user_id), count, BADGE_CACHE_SECONDS)
    return count


def cached_unread_count(user_id: int) -> int | None:
    return cache.get(badge_key(user_id))


def announce(user_id: int) -> None:
    """The person's inbox changed: forget the cached badge and wake their open streams (after commit)."""
    shared = redis_pipeline([badge_key(user_id)])
    if shared is not None and _redis() is not None:  # the cache's Redis is REDIS_URL's: one round trip for both
        pipe, (key,) = shared
        pipe.delete(key)
        pipe.publish(channel(user_id), "1")
        try:
            pipe.execute()
        except Exception:  # a Redis outage must not fail the write that notified
            logger.warning("notifications live: badge reset or publish failed", exc_info=True)
        return
    cache.delete(badge_key(user_id))
    client = _redis()
    if client is None:
        return
    try:
        client.publish(channel(user_id), "1")
    except Exception:  # a Redis outage must not fail the write that notified
        logger.warning("notifications live: publish failed", exc_info=True)


def _event(name: str, payload: dict) -> str:
    return f"event: {name}\ndata: {json.dumps(payload)}\n\n"


def stream(user_id: int) -> Iterator[str]:
    """The SSE body: the current unread count at once, then every change until the stream's time is up."""
    yield f"retry: {int(conf('RETRY_MS'))}\n\n"
    count = unread_count(user_id)
    yield _event("unread", {"unread": count})
    deadline = time.monotonic() + float(conf("STREAM_SECONDS"))
    heartbeat = float(conf("HEARTBEAT_SECONDS"))
    client = _redis()
    pubsub = None
    if client is not None:
        try:
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            pubsub.subscribe(channel(user_id))
        except Exception:
            logger.warning("notifications live: subscribe failed, polling instead", exc_info=True)
            pubsub = None
    last_beat = time.monotonic()
    try:
        while time.monotonic() < deadline:
            wait = max(0.0, min(deadline - time.monotonic(), heartbeat))
            if pubsub is not None:
                woke = pubsub.get_message(timeout=wait) is not None
            else:
                time.sleep(min(wait, float(conf("POLL_SECONDS"))))
                woke = True
            if woke:
                fresh = unread_count(user_id)
                if fresh != count:
                    count = fresh
                    yield _event("unread", {"unread": count})
                    last_beat = time.monotonic()
            if time.monotonic() - last_beat >= heartbeat:
                yield ": ping\n\n"
                last_beat = time.monotonic()
    finally:
        if pubsub is not None:
            with contextlib.suppress(Exception):  # closing a dead connection
                pubsub.close()
        close_old_connections()
