"""Record behaviour events. Every module calls ``track`` for what people do."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, transaction
from django.utils import timezone

from shequ.analytics import buffer as event_buffer
from shequ.analytics.context import UTM_FIELDS, EventContext, current
from shequ.analytics.models import Event
from shequ.core.prepared import prepared_cursor

EVENT_NAME_RE = re.compile(r"^[a-z][a-z0-9_.:]{1,63}$")
MAX_PROPERTIES_BYTES = 8_192
_LOCAL_ZONE = ZoneInfo(settings.TIME_ZONE)


class InvalidEvent(ValueError):
    pass


def _clean_properties(properties: dict[str, Any] | None) -> dict[str, Any]:
    if not properties:
        return {}
    # Round-trip through JSON so Decimals, dates and UUIDs become plain JSON values.
    encoded = json.dumps(properties, cls=DjangoJSONEncoder, ensure_ascii=False)
    # NUL cannot be stored in PostgreSQL JSON/text; one stray byte must not cost the whole batch.
    encoded = encoded.replace("\\u0000", "")
    if len(encoded.encode()) > MAX_PROPERTIES_BYTES:
        raise InvalidEvent("properties too large")
    return json.loads(encoded)


def build_event_row(
    subject: Any,
    name: str,
    properties: dict[str, Any] | None = None,
    at: datetime | None = None,
    *,
    context: EventContext | None = None,
) -> dict[str, Any]:
    """Validate one event and return the row to store; ``subject`` is a user, a user id or an anonymous id."""
    if not EVENT_NAME_RE.match(name or ""):
        raise InvalidEvent(f"bad event name {name!r}")
    ctx = context or current() or EventContext()
    user_id: int | None = None
    anonymous_id = ctx.anonymous_id
    if subject is None:
        pass
    elif isinstance(subject, int):
        user_id = subject
    elif isinstance(subject, str):
        anonymous_id = subject[:64]
    elif getattr(subject, "is_authenticated", False):
        user_id = subject.pk
    now = timezone.now()
    occurred = at or now
    if timezone.is_naive(occurred):
        occurred = timezone.make_aware(occurred, UTC)
    return {
        "name": name,
        "user_id": user_id,
        "anonymous_id": anonymous_id[:64],
        "session_id": ctx.session_id[:64],
        "device_id": ctx.device_id[:64],
        "channel": ctx.channel[:32],
        **{field: ctx.utm.get(field, "")[:100] for field in UTM_FIELDS},
        "properties": _clean_properties(properties),
        "occurred_at": occurred.isoformat(),
        "received_at": now.isoformat(),
    }


def track(
    subject: Any,
    name: str,
    properties: dict[str, Any] | None = None,
    at: datetime | None = None,
    *,
    context: EventContext | None = None,
) -> None:
    """Record that ``subject`` (a user, user id or anonymous id) did ``name``.

    Inside a transaction the event is queued only when it commits, so a rolled-back order never shows up
    as a purchase. Writing happens in batches off the request path (see buffer.py).
    """
    row = build_event_row(subject, name, properties, at, context=context)
    mode = settings.SHEQU_ANALYTICS["WRITE_MODE"]
    if mode == "inline":
        events_write([row])
        return
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _buffer().add(row))
    else:
        # Outside a transaction there is nothing to wait for; asking on_commit would open a database
        # connection (and health-check it) on pages that are otherwise served from the cache alone.
        _buffer().add(row)


def track_many(rows: list[dict[str, Any]]) -> None:
    """Queue rows already built with ``build_event_row`` (the client-side events endpoint)."""
    if settings.SHEQU_ANALYTICS["WRITE_MODE"] == "inline":
        events_write(rows)
        return
    buf = _buffer()
    for row in rows:
        buf.add(row)


def flush() -> int:
    """Write all buffered events now (tests, shutdown, `shequ` commands); return how many."""
    return _buffer().flush()


def _ingest(rows: list[dict[str, Any]]) -> None:
    from shequ.analytics.tasks import ingest_events

    if settings.CELERY_TASK_ALWAYS_EAGER:
        events_write(rows)
    else:
        ingest_events.delay(rows)


def _buffer() -> event_buffer.EventBuffer:
    conf = settings.SHEQU_ANALYTICS
    return event_buffer.get_buffer(_ingest, batch_size=conf["BATCH_SIZE"], interval=conf["FLUSH_INTERVAL_SECONDS"])


_COLUMNS = (
    "name",
    "user_id",
    "anonymous_id",
    "session_id",
    "device_id",
    "channel",
    *UTM_FIELDS,
    "properties",
    "occurred_at",
    "day",
    "received_at",
)


def events_write(rows: list[dict[str, Any]]) -> int:
    """Bulk-insert serialised event rows (the Celery task and the embedded flusher both end here).

    One parameterised INSERT executed for the whole batch instead of building a model instance per event:
    this runs in web workers' background threads in the embedded default, where every millisecond of CPU
    held under the GIL is a millisecond a request waits.
    """
    if not rows:
        return 0
    connection = connections[Event.objects.db]
    ops = connection.ops
    params = []
    for row in rows:
        occurred = datetime.fromisoformat(row["occurred_at"])
        params.append(
            (
                row["name"],
                row.get("user_id"),
                row.get("anonymous_id", ""),
                row.get("session_id", ""),
                row.get("device_id", ""),
                row.get("channel", ""),
                *(row.get(field, "") for field in UTM_FIELDS),
                json.dumps(row.get("properties") or {}, ensure_ascii=False),
                ops.adapt_datetimefield_value(occurred),
                ops.adapt_datefield_value(occurred.astimezone(_LOCAL_ZONE).date()),
                ops.adapt_datetimefield_value(datetime.fromisoformat(row["received_at"])),
            )
        )
    quote = ops.quote_name
    sql = (
        f"INSERT INTO {quote(Event._meta.db_table)} ({', '.join(quote(c) for c in _COLUMNS)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(_COLUMNS))})"
    )
    # On PostgreSQL the INSERT is prepared once per connection (core/prepared.py): a batch is hundreds of rows.
    if connection.in_atomic_block:  # inline tracking inside a use case: part of its transaction
        with prepared_cursor(connection.alias) as cursor:
            cursor.executemany(sql, params)
    else:  # a batch from the flusher or the ingest task: one transaction for the lot
        with transaction.atomic(using=connection.alias), prepared_cursor(connection.alias) as cursor:
            cursor.executemany(sql, params)
    return len(params)
