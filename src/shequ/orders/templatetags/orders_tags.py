"""Template helpers for the order pages (labels in the reader's language; no queries)."""

from __future__ import annotations

from django import template

from shequ.orders import presentation
from shequ.orders.models import OrderStatus

register = template.Library()


@register.filter
def event_label(kind: str) -> str:
    return presentation.event_label(kind)


@register.filter
def item_name(item) -> str:
    return presentation.item_name(item)


@register.filter
def status_label(status: str) -> str:
    try:
        return str(OrderStatus(status).label)
    except ValueError:
        return status


@register.filter
def masked_phone(phone: str) -> str:
    from shequ.accounts.phones import mask_phone

    return mask_phone(phone)


@register.inclusion_tag("orders/_me_section.html", takes_context=True)
def my_orders_section(context) -> dict:
    """The "My orders" card on the account page: shortcuts to the tabs with how many orders wait in each."""
    from shequ.orders.selectors import STATUS_TABS, order_tab_counts

    user = context["request"].user
    counts = order_tab_counts(user=user)
    shortcuts = [
        (name, STATUS_TABS[name][0], counts.get(name, 0))
        for name in ("unpaid", "to_ship", "to_receive")
        if name in STATUS_TABS
    ]
    return {"shortcuts": shortcuts}
