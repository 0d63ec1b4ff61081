"""The order state machine: which status may follow which, and the one function that moves an order.

    pending_payment ──pay──▶ paid ──ship──▶ shipped ──deliver──▶ delivered ──confirm──▶ completed
          │                   │               │                      │                      │
        cancel                └───────────────┴──── refund request ──┴──────────────────────┘
          ▼                                              ▼
      cancelled                                      refunding ──all refunded──▶ refunded
                                    (back to where it was when a partial refund or the request closes)

Every move locks the order row, checks the table, stamps the time, appends an OrderEvent (the buyer's
timeline) and queues the buyer's notification (sent after commit).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.core.domain_events import publish
from shequ.core.errors import Conflict, NotFound
from shequ.orders.models import Order, OrderEvent
from shequ.orders.models import OrderStatus as S

TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING_PAYMENT: frozenset({S.PAID, S.CANCELLED}),
    S.PAID: frozenset({S.SHIPPED, S.REFUNDING}),
    S.SHIPPED: frozenset({S.DELIVERED, S.REFUNDING}),
    S.DELIVERED: frozenset({S.COMPLETED, S.REFUNDING}),
    S.COMPLETED: frozenset({S.REFUNDING}),
    S.REFUNDING: frozenset({S.REFUNDED, S.PAID, S.SHIPPED, S.DELIVERED, S.COMPLETED}),
    S.REFUNDED: frozenset(),
    S.CANCELLED: frozenset(),
}
TIMESTAMPS = {
    S.PAID: "paid_at",
    S.SHIPPED: "shipped_at",
    S.DELIVERED: "delivered_at",
    S.COMPLETED: "completed_at",
    S.CANCELLED: "cancelled_at",
}
# Statuses in which the goods were paid for (consumption records, refunds).
PAID_STATUSES = frozenset({S.PAID, S.SHIPPED, S.DELIVERED, S.COMPLETED, S.REFUNDING, S.REFUNDED})
OPEN_STATUSES = frozenset({S.PENDING_PAYMENT, S.PAID, S.SHIPPED, S.DELIVERED, S.REFUNDING})


def can_transition(current: str, to: str) -> bool:
    return to in TRANSITIONS.get(current, frozenset())


def lock_order(order_id: int) -> Order:
    """The order with its row locked until the caller's transaction ends (call inside one)."""
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise NotFound("order_not_found", _("Order not found."))
    return order


def _actor_id(actor) -> int | None:
    if actor is None:
        return None
    if isinstance(actor, int):
        return actor
    return getattr(actor, "pk", None)


def event_add(
    order: Order, kind: str, *, message: str = "", data: dict | None = None, actor=None, status: str = ""
) -> OrderEvent:
    """Append one step to the order's timeline."""
    return OrderEvent.objects.create(
        order=order,
        kind=kind[:32],
        status=status or order.status,
        message=str(message)[:300],
        data=data or {},
        actor_id=_actor_id(actor),
    )


def apply(
    order: Order,
    to: str,
    *,
    actor=None,
    message: str = "",
    data: dict | None = None,
    kind: str = "",
    at: datetime | None = None,
    extra_fields: tuple[str, ...] = (),
    notify: bool = True,
) -> Order:
    """Move an order whose row the caller has locked (see ``lock_order``). Illegal moves raise Conflict."""
    current = order.status
    if not can_transition(current, to):
        raise Conflict(
            "illegal_transition",
            _("This order cannot go from “%(current)s” to “%(to)s”.")
            % {"current": S(current).label, "to": S(to).label},
            details={"from": current, "to": to},
        )
    order.status = to
    fields = ["status", "updated_at", *extra_fields]
    stamp = TIMESTAMPS.get(to)
    if stamp and getattr(order, stamp) is None:
        setattr(order, stamp, at or timezone.now())
        fields.append(stamp)
    order.save(update_fields=fields)
    event_add(order, kind or to, message=message, data={"from": current, **(data or {})}, actor=actor, status=to)
    if notify:
        from shequ.orders.notices import order_notify

        order_notify(order, kind or to)
    publish(
        f"order.{to}",
        order_id=order.pk,
        order_number=order.number,
        user_id=order.user_id,
        status=to,
        previous=current,
        total=str(order.total),
        kind=order.kind,
    )
    return order


def transition(order: Order | int, to: str, *, actor=None, message: str = "", data: dict | None = None) -> Order:
    """Lock the order, check the move is legal, apply it, log it and notify the buyer (one transaction)."""
    order_id = order if isinstance(order, int) else order.pk
    with transaction.atomic():
        return apply(lock_order(order_id), to, actor=actor, message=message, data=data)
