"""How an order reads to its buyer — labels, the actions open to them, the pay link — shared by pages and API.
Pure functions over an Order (no queries), so list pages stay at a fixed query count."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from shequ.orders.models import Order, OrderItem
from shequ.orders.models import OrderStatus as S

EVENT_LABELS = {
    "placed": _("Order placed"),
    "paid": _("Paid"),
    "shipped": _("Shipped"),
    "delivered": _("Delivered"),
    "completed": _("Completed"),
    "cancelled": _("Cancelled"),
    "timeout": _("Cancelled: not paid in time"),
    "refund_requested": _("Refund requested"),
    "refund_applied": _("Partly refunded"),
    "refunded": _("Refunded"),
    "refund_closed": _("Refund request closed"),
    "address_changed": _("Delivery address changed"),
}


def event_label(kind: str) -> str:
    return str(EVENT_LABELS.get(kind, kind))


def optional_url(name: str, *args) -> str:
    """A URL of a module that may not be installed in this deployment ("" then)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def pay_url(order: Order) -> str:
    """PAYMENTS' pay page for the order (the order page until payments is installed)."""
    return optional_url("payments:pay", order.number) or reverse("orders:detail", args=[order.number])


def order_actions(order: Order) -> dict[str, bool]:
    return {
        "pay": order.status == S.PENDING_PAYMENT,
        "cancel": order.status in (S.PENDING_PAYMENT, S.PAID),
        "change_address": order.status in (S.PENDING_PAYMENT, S.PAID),
        "confirm_receipt": order.status == S.DELIVERED,
        "after_sales": order.status in (S.PAID, S.SHIPPED, S.DELIVERED, S.COMPLETED),
    }


def item_name(item: OrderItem) -> str:
    from django.utils.translation import get_language

    english = (get_language() or "").startswith("en")
    return item.product_name_en if english and item.product_name_en else item.product_name


def item_out(item: OrderItem) -> dict:
    return {
        "id": item.pk,
        "sku_id": item.sku_id,
        "product_id": item.product_id,
        "name": item_name(item),
        "variant": item.variant_label,
        "image_url": item.image_url,
        "unit_price": item.unit_price,
        "list_price": item.list_price,
        "quantity": item.quantity,
        "line_total": item.line_total,
        "refunded_quantity": item.refunded_quantity,
        "flash_sale": item.flash_sale_id is not None,
    }


def order_summary_out(order: Order, *, items: list[OrderItem] | None = None) -> dict:
    items = list(order.items.all()) if items is None else items
    return {
        "number": order.number,
        "status": order.status,
        "status_label": str(S(order.status).label),
        "kind": order.kind,
        "total": order.total,
        "item_count": sum(item.quantity for item in items),
        "items": [item_out(item) for item in items],
        "created_at": order.created_at,
        "payment_deadline": order.payment_deadline if order.status == S.PENDING_PAYMENT else None,
        "actions": order_actions(order),
    }


def order_out(order: Order, *, items: list[OrderItem] | None = None, events: list | None = None) -> dict:
    """The order for its buyer; ``items``/``events`` when the caller has them already (just placed)."""
    from shequ.accounts.phones import mask_phone

    events = list(order.events.all()) if events is None else events
    return {
        **order_summary_out(order, items=items),
        "items_total": order.items_total,
        "shipping_fee": order.shipping_fee,
        "coupon_discount": order.coupon_discount,
        "points_discount": order.points_discount,
        "points_used": order.points_used,
        "refunded_total": order.refunded_total,
        "coupon_code": order.coupon_code,
        "carrier_code": order.carrier_code,
        "address": {
            "recipient": order.recipient,
            "phone_masked": mask_phone(order.phone),
            "province": order.province,
            "city": order.city,
            "district": order.district,
            "detail": order.detail,
            "postal_code": order.postal_code,
        },
        "invoice": order.invoice or {},
        "note": order.note,
        "paid_at": order.paid_at,
        "shipped_at": order.shipped_at,
        "delivered_at": order.delivered_at,
        "completed_at": order.completed_at,
        "cancelled_at": order.cancelled_at,
        "auto_confirm_at": order.auto_confirm_at,
        "cancel_reason": order.cancel_reason,
        "events": [
            {
                "kind": event.kind,
                "label": event_label(event.kind),
                "status": event.status,
                "message": event.message,
                "created_at": event.created_at,
            }
            for event in events
        ],
        "pay_url": pay_url(order) if order.status == S.PENDING_PAYMENT else "",
    }
