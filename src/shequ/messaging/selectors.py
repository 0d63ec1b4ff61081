"""Reads for the message pages and API. Lists cost a fixed number of queries whatever their length."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery, Sum

from shequ.messaging.models import ConversationState, Folder, Message


def conversation_list(*, user, folder: str = Folder.INBOX) -> QuerySet[ConversationState]:
    """My conversations in one folder, latest activity first, each with both people and the last message's
    text and sender (``last_text``, ``last_sender_id``) in the same single query."""
    if folder not in Folder.values:
        folder = Folder.INBOX
    last = Message.objects.filter(conversation_id=OuterRef("conversation_id")).order_by("-created_at", "-id")
    return (
        ConversationState.objects.filter(user_id=user.pk, folder=folder, hidden=False, last_message_at__isnull=False)
        .select_related("conversation__user_low", "conversation__user_high")
        .annotate(last_text=Subquery(last.values("text")[:1]), last_sender_id=Subquery(last.values("sender_id")[:1]))
        .order_by("-last_message_at", "-id")
    )


@dataclass(frozen=True)
class UnreadCounts:
    inbox: int
    requests: int  # conversations waiting in the requests folder


def unread_counts(*, user) -> UnreadCounts:
    """Unread messages in my inbox and the number of unread requests (one query)."""
    from django.db.models import Count, Q

    row = ConversationState.objects.filter(user_id=user.pk, hidden=False).aggregate(
        inbox=Sum("unread_count", filter=Q(folder=Folder.INBOX)),
        requests=Count("pk", filter=Q(folder=Folder.REQUESTS, unread_count__gt=0)),
    )
    return UnreadCounts(inbox=row["inbox"] or 0, requests=row["requests"] or 0)


def conversation_messages(*, conversation_id: int, before_id: int | None = None, limit: int = 30) -> list[Message]:
    """The latest ``limit`` messages (older than ``before_id`` when given), oldest first for display."""
    rows = Message.objects.filter(conversation_id=conversation_id)
    if before_id:
        rows = rows.filter(id__lt=before_id)
    return list(reversed(list(rows.order_by("-created_at", "-id")[:limit])))


def conversation_with(*, user, other_id: int) -> int | None:
    """The id of my conversation with ``other_id``, if there is one."""
    from shequ.messaging.models import Conversation

    low, high = sorted((user.pk, int(other_id)))
    return Conversation.objects.filter(user_low_id=low, user_high_id=high).values_list("pk", flat=True).first()
