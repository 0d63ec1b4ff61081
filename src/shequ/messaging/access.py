"""Permission-checked fetch of a conversation: only its two participants see it; for anyone else it is 404."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shequ.core.errors import NotFound
from shequ.messaging.error_codes import MessagingErrorCode as Code
from shequ.messaging.models import ConversationState


def conversation_state_get_for_user(*, user, conversation_id) -> ConversationState:
    """The user's own state row of a conversation (with the conversation and both people loaded)."""
    try:
        pk = int(conversation_id)
    except (TypeError, ValueError):
        pk = 0
    state = (
        ConversationState.objects.select_related("conversation__user_low", "conversation__user_high")
        .filter(conversation_id=pk, user_id=user.pk)
        .first()
        if pk > 0
        else None
    )
    if state is None:
        raise NotFound(Code.CONVERSATION_NOT_FOUND, _("Conversation not found."))
    return state


def other_participant(state: ConversationState):
    conversation = state.conversation
    return conversation.user_high if conversation.user_low_id == state.user_id else conversation.user_low
