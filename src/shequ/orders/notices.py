"""What the buyer is told about their order, in their inbox.

Texts are English msgids (marked with gettext_noop so they are extracted); the stored title/body are
rendered in the site's language and the inbox re-renders them in the reader's (see notifications/rendering).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from shequ.notifications.services import notify
from shequ.orders.models import Order

MESSAGES: dict[str, tuple[str, str]] = {
    "placed": (
        gettext_noop("Order %(number)s placed"),
        gettext_noop("Please pay ¥%(total)s before %(deadline)s, or the order is cancelled."),
    ),
    "paid": (
        gettext_noop("Payment received"),
        gettext_noop("Order %(number)s is paid: ¥%(total)s. We are packing it."),
    ),
    "shipped": (gettext_noop("Your order has shipped"), gettext_noop("Order %(number)s is on its way.")),
    "delivered": (
        gettext_noop("Your order was delivered"),
        gettext_noop("Order %(number)s was delivered. Please confirm receipt if everything is fine."),
    ),
    "completed": (gettext_noop("Order completed"), gettext_noop("Thanks for shopping with us! Order %(number)s.")),
    "cancelled": (gettext_noop("Order cancelled"), gettext_noop("Order %(number)s was cancelled.")),
    "timeout": (
        gettext_noop("Order cancelled: not paid in time"),
        gettext_noop("Order %(number)s was not paid in time, so it was cancelled."),
    ),
    "refund_requested": (
        gettext_noop("Refund in progress"),
        gettext_noop("We are refunding order %(number)s. It usually takes 1–3 working days."),
    ),
    "refund_applied": (
        gettext_noop("Refund sent"),
        gettext_noop("¥%(amount)s was refunded for order %(number)s."),
    ),
    "refunded": (gettext_noop("Order refunded"), gettext_noop("Order %(number)s was refunded in full.")),
    "address_changed": (
        gettext_noop("Delivery address changed"),
        gettext_noop("Order %(number)s will go to the new address."),
    ),
}


def order_link(order: Order) -> str:
    try:
        return reverse("orders:detail", args=[order.number])
    except NoReverseMatch:
        return ""


def order_notify(order: Order, kind: str, **params) -> None:
    """Queue the buyer's notification for ``kind`` (no-op for steps the buyer is not told about)."""
    texts = MESSAGES.get(kind)
    if texts is None:
        return
    local = timezone_local(order.payment_deadline)
    values = {
        "number": order.number,
        "total": str(order.total),
        "deadline": local,
        **{k: str(v) for k, v in params.items()},
    }
    with translation.override(settings.LANGUAGE_CODE):
        title, body = gettext(texts[0]) % values, gettext(texts[1]) % values
    notify(
        user=order.user_id,
        kind=f"order_{kind}",
        title=title,
        body=body,
        link=order_link(order),
        data={
            "order_number": order.number,
            "status": order.status,
            "i18n": {"title": texts[0], "body": texts[1], "params": values},
        },
    )


def timezone_local(value) -> str:
    if value is None:
        return ""
    from django.utils import timezone

    return timezone.localtime(value).strftime("%m-%d %H:%M")
