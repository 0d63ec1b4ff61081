"""Machine-readable error codes of the messaging API and pages."""

from enum import StrEnum


class MessagingErrorCode(StrEnum):
    MESSAGE_EMPTY = "message_empty"
    MESSAGE_TOO_LONG = "message_too_long"
    MESSAGE_SELF = "message_self"
    BLOCKED = "messaging_blocked"
    NOT_ACCEPTING = "messaging_not_accepting"
    RATE_LIMITED = "messaging_rate_limited"
    REQUEST_PENDING = "messaging_request_pending"
    RECIPIENT_NOT_FOUND = "recipient_not_found"
    CONVERSATION_NOT_FOUND = "conversation_not_found"
