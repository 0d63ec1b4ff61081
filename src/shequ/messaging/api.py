"""API v1 of the messaging module: conversations, messages, unread counts, requests."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from shequ.accounts.api_auth import user_auth
from shequ.accounts.schemas import ErrorOut
from shequ.core.pagination import PageNumberPagination
from shequ.messaging import selectors, services
from shequ.messaging.access import conversation_state_get_for_user, other_participant

router = Router(tags=["messaging"], auth=user_auth)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


class PersonOut(Schema):
    id: int
    nickname: str
    avatar_url: str


def _person(user) -> dict:
    return {"id": user.pk, "nickname": user.nickname, "avatar_url": user.avatar.url if user.avatar else ""}


class ConversationOut(Schema):
    id: int
    folder: str
    other: PersonOut
    unread_count: int
    last_message_at: datetime | None
    last_text: str
    last_from_me: bool


class MessageOut(Schema):
    id: int
    conversation_id: int
    sender_id: int
    text: str
    created_at: datetime


class SendIn(Schema):
    recipient_id: int
    text: str = Field(..., max_length=services.MAX_LENGTH * 4)


class UnreadOut(Schema):
    inbox: int
    requests: int


def _conversation_out(state) -> dict:
    return {
        "id": state.conversation_id,
        "folder": state.folder,
        "other": _person(other_participant(state)),
        "unread_count": state.unread_count,
        "last_message_at": state.last_message_at,
        "last_text": getattr(state, "last_text", "") or "",
        "last_from_me": getattr(state, "last_sender_id", None) == state.user_id,
    }


@router.get("/conversations", response={200: list[ConversationOut], **ERRORS})
@paginate(PageNumberPagination)
def conversations(request: HttpRequest, folder: str = "inbox"):
    """My conversations in ``inbox`` or ``requests`` (messages from people I don't follow), latest first."""
    return [_conversation_out(s) for s in selectors.conversation_list(user=request.user, folder=folder)]


@router.get("/unread", response={200: UnreadOut, **ERRORS})
def unread(request: HttpRequest):
    counts = selectors.unread_counts(user=request.user)
    return {"inbox": counts.inbox, "requests": counts.requests}


@router.post("/messages", response={201: MessageOut, **ERRORS})
def send(request: HttpRequest, payload: SendIn):
    """Send a message. 403 ``messaging_blocked`` when a block stands between you (nothing is stored),
    403 ``messaging_not_accepting`` when their privacy settings refuse it, 429 when sending too fast."""
    message = services.message_send(sender=request.user, recipient_id=payload.recipient_id, text=payload.text)
    return Status(201, message)


@router.get("/conversations/{conversation_id}/messages", response={200: list[MessageOut], **ERRORS})
def messages(request: HttpRequest, conversation_id: int, before_id: int | None = None, limit: int = 30):
    """Messages of one of my conversations, oldest first; page back with ``before_id``. Marks it read."""
    state = conversation_state_get_for_user(user=request.user, conversation_id=conversation_id)
    rows = selectors.conversation_messages(
        conversation_id=state.conversation_id, before_id=before_id, limit=max(1, min(limit, 100))
    )
    if before_id is None:
        services.conversation_mark_read(state=state)
    return rows


@router.post("/conversations/{conversation_id}/accept", response={200: ConversationOut, **ERRORS})
def accept(request: HttpRequest, conversation_id: int):
    """Move a message request into my inbox."""
    state = conversation_state_get_for_user(user=request.user, conversation_id=conversation_id)
    services.conversation_accept(state=state)
    return _conversation_out(state)


@router.post("/conversations/{conversation_id}/hide", response={204: None, **ERRORS})
def hide(request: HttpRequest, conversation_id: int):
    state = conversation_state_get_for_user(user=request.user, conversation_id=conversation_id)
    services.conversation_hide(state=state)
    return Status(204, None)


ROUTERS = [("/messaging", router)]
