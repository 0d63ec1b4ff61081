"""Private messages: send, read, accept a request, hide a conversation.

Rules, checked before anything is stored:
- nobody messages themselves, a deleted account, or someone with a block between them (either direction);
- the recipient's privacy setting ``messages_from`` (everyone / people I follow / nobody) is respected;
- rate limits per sender (per minute and per day), and at most ``REQUEST_MESSAGES_BEFORE_REPLY`` messages
  into someone's requests folder until they reply or accept, so a stranger cannot flood it;
- text is plain: control characters and HTML tags are removed, at most 2,000 characters.

Messages from someone the recipient does not follow land in the recipient's *requests* folder; replying or
accepting moves the conversation to their inbox.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from shequ.accounts.selectors import users_by_ids
from shequ.accounts.validation import clean_text
from shequ.analytics.services import track
from shequ.community.social.selectors import has_blocked, is_blocked_between, is_following
from shequ.core import ratelimit
from shequ.core.errors import Forbidden, InvalidInput, NotFound, RateLimited
from shequ.messaging.error_codes import MessagingErrorCode as Code
from shequ.messaging.models import Conversation, ConversationState, Folder, Message
from shequ.notifications.services import notify

MAX_LENGTH = 2000
PER_MINUTE = 20
PER_DAY = 500
NEW_CONVERSATIONS_PER_DAY = 30
REQUEST_MESSAGES_BEFORE_REPLY = 3


def clean_message_text(text: str) -> str:
    """Plain text without HTML or control characters; InvalidInput when empty or too long."""
    raw = text or ""
    if len(raw) > MAX_LENGTH * 4:  # do not spend time cleaning a megabyte
        raise _too_long()
    cleaned = clean_text(strip_tags(raw))
    if not cleaned:
        raise InvalidInput(Code.MESSAGE_EMPTY, _("Write a message first."), details={"field": "text"})
    if len(cleaned) > MAX_LENGTH:
        raise _too_long()
    return cleaned


def _too_long() -> InvalidInput:
    return InvalidInput(
        Code.MESSAGE_TOO_LONG,
        _("This message is too long (at most %(max)d characters).") % {"max": MAX_LENGTH},
        details={"field": "text", "max_length": MAX_LENGTH},
    )


def _recipient(recipient_id):
    try:
        pk = int(recipient_id)
    except (TypeError, ValueError):
        pk = 0
    found = users_by_ids(ids=[pk]).get(pk) if pk > 0 else None
    if found is None or found.deleted_at is not None:
        raise NotFound(Code.RECIPIENT_NOT_FOUND, _("This person does not exist."))
    return found


def _messages_from(user_id: int) -> str:
    from shequ.accounts.models import PrivacySettings

    return PrivacySettings.objects.filter(user_id=user_id).values_list("messages_from", flat=True).first() or "everyone"


def message_permission_check(*, sender, recipient_id: int) -> None:
    """Raise the error a send to ``recipient_id`` would meet (blocked, privacy); nothing is written."""
    if int(recipient_id) == sender.pk:
        raise InvalidInput(Code.MESSAGE_SELF, _("You cannot message yourself."))
    if has_blocked(blocker_id=recipient_id, blocked_id=sender.pk):
        raise Forbidden(Code.BLOCKED, _("This person does not accept messages from you."))
    if is_blocked_between(a_id=sender.pk, b_id=recipient_id):
        raise Forbidden(Code.BLOCKED, _("You blocked this person. Unblock them to send a message."))
    setting = _messages_from(recipient_id)
    if setting == "nobody" or (
        setting == "following" and not is_following(follower_id=recipient_id, followee_id=sender.pk)
    ):
        raise Forbidden(Code.NOT_ACCEPTING, _("This person only accepts messages from people they follow."))


def _limit(key: str, *, limit: int, window: int) -> None:
    result = ratelimit.hit(key, limit=limit, window=window)
    if not result.allowed:
        raise RateLimited(
            Code.RATE_LIMITED,
            _("You are sending messages too fast. Try again later."),
            retry_after=result.retry_after,
        )


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def message_send(*, sender, recipient_id: int, text: str) -> Message:
    """Send a private message (creating the conversation on first contact)."""
    recipient = _recipient(recipient_id)
    body = clean_message_text(text)
    message_permission_check(sender=sender, recipient_id=recipient.pk)
    low, high = _pair(sender.pk, recipient.pk)
    existing = Conversation.objects.filter(user_low_id=low, user_high_id=high).first()
    recipient_state = (
        ConversationState.objects.filter(conversation=existing, user_id=recipient.pk).first() if existing else None
    )
    recipient_follows = is_following(follower_id=recipient.pk, followee_id=sender.pk)
    into_requests = not recipient_follows and (recipient_state is None or recipient_state.folder == Folder.REQUESTS)
    # Into requests means the recipient has not replied or accepted yet (else their side would be in the inbox).
    sent_before = (
        Message.objects.filter(conversation=existing, sender_id=sender.pk).count()
        if into_requests and existing is not None
        else 0
    )
    if sent_before >= REQUEST_MESSAGES_BEFORE_REPLY:
        raise Forbidden(
            Code.REQUEST_PENDING,
            _("Wait for a reply: you can send up to %(n)d messages before this person accepts your request.")
            % {"n": REQUEST_MESSAGES_BEFORE_REPLY},
        )
    _limit(f"msg:min:{sender.pk}", limit=PER_MINUTE, window=60)
    _limit(f"msg:day:{sender.pk}", limit=PER_DAY, window=86400)
    if existing is None:
        _limit(f"msg:new:{sender.pk}", limit=NEW_CONVERSATIONS_PER_DAY, window=86400)
    now = timezone.now()
    with transaction.atomic():
        conversation, _created = Conversation.objects.get_or_create(user_low_id=low, user_high_id=high)
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
        message = Message.objects.create(conversation=conversation, sender_id=sender.pk, text=body)
        # The sender's side: always in the inbox (writing back accepts a request), nothing unread.
        ConversationState.objects.update_or_create(
            conversation=conversation,
            user_id=sender.pk,
            defaults={"folder": Folder.INBOX, "last_message_at": now, "hidden": False, "last_read_at": now},
        )
        folder = Folder.REQUESTS if into_requests else Folder.INBOX
        state, created = ConversationState.objects.get_or_create(
            conversation=conversation,
            user_id=recipient.pk,
            defaults={"folder": folder, "last_message_at": now, "unread_count": 1},
        )
        if not created:
            ConversationState.objects.filter(pk=state.pk).update(
                unread_count=F("unread_count") + 1,
                last_message_at=now,
                hidden=False,
                folder=Folder.INBOX if recipient_follows else state.folder,
            )
        name = sender.nickname
        title = (
            gettext_noop("%(actor)s wants to send you a message")
            if into_requests
            else gettext_noop("%(actor)s sent you a message")
        )
        notify(
            user=recipient.pk,
            kind="message",
            title=_(title) % {"actor": name},
            body=body[:80] if not into_requests else "",
            link=f"/messages/c/{conversation.pk}/",
            data={"actor_name": name, "i18n": {"title": title, "params": {"actor": name}}},
            group_key="message:requests" if into_requests else f"message:{conversation.pk}",
            actor_id=sender.pk,
        )
    track(sender, "message_sent", {"conversation_id": conversation.pk, "request": into_requests, "length": len(body)})
    return message


def conversation_mark_read(*, state: ConversationState) -> None:
    """The person opened the conversation: nothing in it is unread any more."""
    if state.unread_count or state.last_read_at is None:
        ConversationState.objects.filter(pk=state.pk).update(unread_count=0, last_read_at=timezone.now())
        state.unread_count = 0


def conversation_accept(*, state: ConversationState) -> None:
    """Move a message request into the inbox."""
    if state.folder != Folder.INBOX:
        ConversationState.objects.filter(pk=state.pk).update(folder=Folder.INBOX)
        state.folder = Folder.INBOX
        track(state.user_id, "message_request_accepted", {"conversation_id": state.conversation_id})


def conversation_hide(*, state: ConversationState) -> None:
    """Remove a conversation from my lists (it comes back when a new message arrives)."""
    ConversationState.objects.filter(pk=state.pk).update(hidden=True, unread_count=0)
    track(state.user_id, "conversation_hidden", {"conversation_id": state.conversation_id})


def message_remove(*, message: Message, moderator, reason: str = "") -> None:
    """Moderation removes a reported message (the report keeps a snapshot of its text); audit-logged."""
    from shequ.audit.models import AuditAction
    from shequ.audit.services import audit_record

    with transaction.atomic():
        audit_record(
            actor=moderator,
            action=AuditAction.DELETE,
            target=message,
            target_user_id=message.sender_id,
            reason=reason[:300],
        )
        Message.objects.filter(pk=message.pk).delete()
