"""Client-side events: apps and mini-programs send batches of what happened on the device."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status

from shequ.analytics.context import EventContext
from shequ.analytics.services import InvalidEvent, build_event_row, track_many
from shequ.core import ratelimit
from shequ.core.clients import client_ip
from shequ.core.errors import InvalidInput, RateLimited

router = Router(tags=["events"])

MAX_PAST = timedelta(days=7)
MAX_FUTURE = timedelta(minutes=5)


class EventIn(Schema):
    name: str = Field(..., max_length=64, examples=["product_view"])
    properties: dict = Field(default_factory=dict)
    at: datetime | None = None


class EventsIn(Schema):
    events: list[EventIn] = Field(..., min_length=1, max_length=100)


class AcceptedOut(Schema):
    accepted: int


@router.post("", response={202: AcceptedOut})
def events_ingest(request: HttpRequest, payload: EventsIn):
    """Record up to 100 events; identity comes from the bearer token or X-Anonymous-Id / X-Device-Id."""
    hit = ratelimit.hit(f"events-ip:{client_ip(request)}", limit=3000, window=60)
    if not hit.allowed:
        raise RateLimited("rate_limited", _("Too many requests. Try again later."), retry_after=hit.retry_after)
    ctx: EventContext = getattr(request, "event_context", None) or EventContext()
    user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
    now = timezone.now()
    rows = []
    for index, event in enumerate(payload.events):
        at = event.at
        if at is not None:
            at = at if timezone.is_aware(at) else timezone.make_aware(at, UTC)
            if not now - MAX_PAST <= at <= now + MAX_FUTURE:
                at = now  # a device with a wrong clock must not scatter events over the calendar
        try:
            rows.append(build_event_row(user or ctx.anonymous_id, event.name, event.properties, at, context=ctx))
        except InvalidEvent as exc:
            raise InvalidInput(
                "invalid_event",
                _("Event %(index)d is not valid.") % {"index": index},
                details={"index": index, "reason": str(exc)},
            ) from exc
    track_many(rows)
    return Status(202, {"accepted": len(rows)})
