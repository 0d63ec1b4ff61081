"""Machine-readable error codes the after-sales API and pages return (clients switch on these)."""

from enum import StrEnum


class AfterSalesErrorCode(StrEnum):
    NOT_FOUND = "aftersale_not_found"
    ORDER_NOT_ELIGIBLE = "order_not_eligible"
    GOODS_NOT_RECEIVED = "goods_not_received"
    WINDOW_CLOSED = "aftersale_window_closed"
    KIND_INVALID = "kind_invalid"
    REASON_INVALID = "reason_invalid"
    DESCRIPTION_INVALID = "description_invalid"
    ITEMS_INVALID = "items_invalid"
    QUANTITY_EXCEEDED = "quantity_exceeded"
    PHOTO_INVALID = "photo_invalid"
    PHOTO_TOO_LARGE = "photo_too_large"
    TOO_MANY_PHOTOS = "too_many_photos"
    TRANSITION_INVALID = "aftersale_transition_invalid"
    NOTE_REQUIRED = "note_required"
    AMOUNT_INVALID = "refund_amount_invalid"
    NOTHING_TO_REFUND = "nothing_to_refund"
