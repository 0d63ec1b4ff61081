"""Payments use cases. Other apps call these (see /work/notes/commerce-contracts.md):

- ``payment_start(*, order, provider, return_url, client_ip="")`` → PaymentStart
- ``payment_refund(*, order, amount, reason, reference)`` → Refund
"""

from shequ.payments.services.refunds import (
    payment_refund,
    payment_refund_by_operator,
    refund_retry,
    refund_submit,
    refund_submit_pending,
    refunds_resubmit_pending,
)
from shequ.payments.services.settle import (
    notification_apply,
    payment_fail,
    payment_notification_receive,
    payment_return_status,
    payment_sandbox_complete,
    payment_sync,
)
from shequ.payments.services.start import PaymentStart, payment_start, payment_start_for_user

__all__ = [
    "PaymentStart",
    "notification_apply",
    "payment_fail",
    "payment_notification_receive",
    "payment_refund",
    "payment_refund_by_operator",
    "payment_return_status",
    "payment_sandbox_complete",
    "payment_start",
    "payment_start_for_user",
    "payment_sync",
    "refund_retry",
    "refund_submit",
    "refund_submit_pending",
    "refunds_resubmit_pending",
]
