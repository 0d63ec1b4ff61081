"""Orders' use cases. Other modules import from here (``shequ.orders.services``); the work is split by use
case: checkout (quote), placement, lifecycle (payment, cancellation, shipping, delivery, refunds)."""

from shequ.orders.services.checkout import (
    CheckoutInput,
    CheckoutPage,
    Quote,
    checkout_page,
    checkout_quote,
    quote_as_dict,
)
from shequ.orders.services.gifts import order_place_gift
from shequ.orders.services.lifecycle import (
    order_apply_refund,
    order_cancel,
    order_change_address,
    order_confirm_receipt,
    order_mark_delivered,
    order_mark_paid,
    order_refund_closed,
    order_refund_requested,
    order_ship,
    orders_auto_confirm,
    orders_cancel_overdue,
)
from shequ.orders.services.placement import Placed, Queued, order_place, order_place_or_queue, order_place_queued

__all__ = [
    "CheckoutInput",
    "CheckoutPage",
    "Placed",
    "Queued",
    "Quote",
    "checkout_page",
    "checkout_quote",
    "order_apply_refund",
    "order_cancel",
    "order_change_address",
    "order_confirm_receipt",
    "order_mark_delivered",
    "order_mark_paid",
    "order_place",
    "order_place_gift",
    "order_place_or_queue",
    "order_place_queued",
    "order_refund_closed",
    "order_refund_requested",
    "order_ship",
    "orders_auto_confirm",
    "orders_cancel_overdue",
    "quote_as_dict",
]
