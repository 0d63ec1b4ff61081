"""The errors payments raise, with their stable codes (API clients and the other apps match on them)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shequ.core.errors import Conflict, DomainError, InvalidInput, NotFound


def order_not_payable() -> Conflict:
    return Conflict("order_not_payable", _("This order cannot be paid any more."))


def payment_not_found() -> NotFound:
    return NotFound("payment_not_found", _("Payment not found."))


def payment_closed() -> Conflict:
    return Conflict("payment_closed", _("This payment has already finished. Start a new one from the order."))


def channel_unsupported() -> InvalidInput:
    return InvalidInput(
        "payment_channel_unsupported",
        _("This way of paying is not available for this method."),
        details={"field": "channel"},
    )


def openid_required() -> InvalidInput:
    return InvalidInput(
        "openid_required", _("Paying inside WeChat needs your WeChat identity."), details={"field": "openid"}
    )


def invalid_refund_amount() -> InvalidInput:
    return InvalidInput(
        "invalid_amount",
        _("Enter a refund amount greater than zero, in yuan with at most two decimals."),
        details={"field": "amount"},
    )


def order_not_paid() -> Conflict:
    return Conflict("order_not_paid", _("This order has no successful payment to refund."))


def refund_exceeds_paid(refundable) -> Conflict:
    return Conflict(
        "refund_exceeds_paid",
        _("The refund is more than what is left to refund on this payment."),
        details={"refundable": str(refundable)},
    )


def refund_not_retryable() -> Conflict:
    return Conflict("refund_not_retryable", _("Only a failed or unfinished refund can be tried again."))


class PaymentProviderUnavailable(DomainError):
    """The provider could not open the payment (down, refused, or answered something we cannot trust)."""

    status = 502

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "payment_provider_error",
            _("The payment service is not answering right now. Please try again in a moment."),
            details={"provider_error": detail} if detail else None,
        )


class RefundFailed(DomainError):
    """The provider refused the refund (e.g. the merchant balance is too low). The Refund row says why."""

    status = 502

    def __init__(self, refund, code: str = "") -> None:
        super().__init__(
            "refund_failed",
            _("The payment service refused the refund. Operations have been told; try again later."),
            details={"out_refund_no": refund.out_refund_no, "provider_error": code},
        )
        self.refund = refund
