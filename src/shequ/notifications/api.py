"""Inbox API: list, unread count, mark read, mute kinds."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from shequ.accounts.api_auth import user_auth
from shequ.accounts.schemas import ErrorOut
from shequ.core.pagination import PageNumberPagination
from shequ.notifications import selectors, services
from shequ.notifications.rendering import notification_text

router = Router(tags=["notifications"], auth=user_auth)
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    link: str
    data: dict
    actor_count: int
    read: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_title(obj) -> str:
        return notification_text(obj)[0]

    @staticmethod
    def resolve_body(obj) -> str:
        return notification_text(obj)[1]

    @staticmethod
    def resolve_read(obj) -> bool:
        return obj.read_at is not None


class UnreadOut(Schema):
    unread: int


class ReadIn(Schema):
    ids: list[int] | None = Field(None, max_length=200, description="Leave out (or send all=true) for all")
    all: bool = False


class ReadOut(Schema):
    updated: int
    unread: int


class MuteIn(Schema):
    kind: str = Field(..., min_length=1, max_length=32)
    muted: bool = True


class MutesOut(Schema):
    kinds: list[str]


@router.get("", response=list[NotificationOut])
@paginate(PageNumberPagination)
def notifications_list(request: HttpRequest, unread_only: bool = False):
    """My inbox, newest first."""
    return selectors.notification_list(user=request.user, unread_only=unread_only)


@router.get("/unread-count", response={200: UnreadOut, **ERRORS})
def notifications_unread(request: HttpRequest):
    return {"unread": selectors.notification_unread_count(user=request.user)}


@router.post("/read", response={200: ReadOut, **ERRORS})
def notifications_read(request: HttpRequest, payload: ReadIn):
    """Mark some (``ids``) or all of my notifications read; ids that are not mine are ignored."""
    ids = None if payload.all or payload.ids is None else payload.ids
    updated = services.notifications_mark_read(user=request.user, ids=ids)
    return {"updated": updated, "unread": selectors.notification_unread_count(user=request.user)}


@router.get("/mutes", response={200: MutesOut, **ERRORS})
def notifications_mutes(request: HttpRequest):
    return {"kinds": selectors.notification_mutes(user=request.user)}


@router.put("/mutes", response={200: MutesOut, **ERRORS})
def notifications_mute(request: HttpRequest, payload: MuteIn):
    """Stop (muted=true) or resume (muted=false) one kind of notification, e.g. ``order_shipped``."""
    services.notification_mute_set(user=request.user, kind=payload.kind, muted=payload.muted)
    return {"kinds": selectors.notification_mutes(user=request.user)}
