"""The orders section of "download my data" and "delete my account".

Orders are kept for accounting after an account is deleted, but the delivery address copied into them is
personal data: it is blanked. The cart and the inbox go entirely.
"""

from __future__ import annotations

from typing import Any

from shequ.orders.models import Order


def export_orders(user: Any) -> dict[str, Any]:
    from shequ.cart.models import CartItem
    from shequ.coupons.models import CouponRedemption
    from shequ.notifications.models import Notification

    orders = []
    for order in Order.objects.filter(user=user).prefetch_related("items", "events").order_by("created_at"):
        orders.append(
            {
                "number": order.number,
                "status": order.status,
                "placed_at": order.created_at,
                "paid_at": order.paid_at,
                "total": str(order.total),
                "refunded": str(order.refunded_total),
                "coupon": order.coupon_code,
                "address": {
                    "recipient": order.recipient,
                    "phone": order.phone,
                    "region": f"{order.province} {order.city} {order.district}",
                    "detail": order.detail,
                },
                "invoice": order.invoice,
                "note": order.note,
                "items": [
                    {
                        "product": item.product_name,
                        "variant": item.variant_label,
                        "quantity": item.quantity,
                        "unit_price": str(item.unit_price),
                    }
                    for item in order.items.all()
                ],
                "timeline": [{"step": event.kind, "at": event.created_at} for event in order.events.all()],
            }
        )
    return {
        "orders": orders,
        "cart": list(CartItem.objects.filter(cart__user=user).values("sku_id", "quantity", "added_at")),
        "coupons_used": list(
            CouponRedemption.objects.filter(user=user).values("coupon__code", "order_id", "discount", "status")
        ),
        "inbox": list(
            Notification.objects.filter(user=user).order_by("created_at").values("kind", "title", "body", "created_at")
        ),
    }


def erase_orders(user: Any) -> None:
    from shequ.cart.models import Cart
    from shequ.notifications.models import Notification, NotificationMute

    for order in Order.objects.filter(user=user).only("pk"):
        order.recipient, order.phone, order.detail, order.note, order.invoice = "—", "", "—", "", {}
        order.save(update_fields=["recipient", "phone", "detail", "note", "invoice"])
    Cart.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    NotificationMute.objects.filter(user=user).delete()
