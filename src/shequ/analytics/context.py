"""Who and where an event comes from: visitor, visit, device, channel and campaign (UTM) attribution.

The middleware builds one EventContext per request and keeps it in a context variable, so a service deep
in a use case can call ``track(user, "add_to_cart", ...)`` without threading the request through.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field, replace

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


@dataclass(frozen=True)
class EventContext:
    anonymous_id: str = ""
    session_id: str = ""
    device_id: str = ""
    channel: str = ""
    utm: dict[str, str] = field(default_factory=dict)

    def with_anonymous_id(self, anonymous_id: str) -> EventContext:
        return replace(self, anonymous_id=anonymous_id)


_current: contextvars.ContextVar[EventContext | None] = contextvars.ContextVar("shequ_event_context", default=None)


def current() -> EventContext | None:
    return _current.get()


def activate(ctx: EventContext) -> contextvars.Token:
    return _current.set(ctx)


def deactivate(token: contextvars.Token) -> None:
    _current.reset(token)
