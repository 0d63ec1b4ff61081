"""Reads for the order pages, the API, other modules (after-sales, support) and the back office."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from shequ.core.errors import NotFound
from shequ.coupons.selectors import coupon_uses_for_user
from shequ.orders import order_queue
from shequ.orders.access import order_get_for_user
from shequ.orders.calculations import money
from shequ.orders.models import Order, OrderEvent, OrderItem
from shequ.orders.models import OrderStatus as S

# The buyer's tabs: name → (label, statuses).
STATUS_TABS: dict[str, tuple] = {
    "all": (_("All"), ()),
    "unpaid": (_("To pay"), (S.PENDING_PAYMENT,)),
    "to_ship": (_("To ship"), (S.PAID,)),
    "to_receive": (_("To receive"), (S.SHIPPED, S.DELIVERED)),
    "completed": (_("Completed"), (S.COMPLETED,)),
    "refunds": (_("Refunds"), (S.REFUNDING, S.REFUNDED)),
    "cancelled": (_("Cancelled"), (S.CANCELLED,)),
}


def statuses_for(tab_or_status: str | None) -> tuple[str, ...]:
    """Statuses for a tab name ("to_ship") or one status ("paid"); () means all."""
    if not tab_or_status or tab_or_status == "all":
        return ()
    if tab_or_status in STATUS_TABS:
        return tuple(STATUS_TABS[tab_or_status][1])
    if tab_or_status in S.values:
        return (tab_or_status,)
    return ()


def _with_items(rows: QuerySet[Order]) -> QuerySet[Order]:
    return rows.prefetch_related(Prefetch("items", queryset=OrderItem.objects.order_by("id")))


def order_list_for_user(*, user, status: str | None = None) -> QuerySet[Order]:
    """The buyer's orders, newest first, items loaded (two queries per page, however many orders)."""
    rows = Order.objects.filter(user=user)
    wanted = statuses_for(status)
    if wanted:
        rows = rows.filter(status__in=wanted)
    return _with_items(rows.order_by("-created_at", "-id"))


def order_tab_counts(*, user) -> dict[str, int]:
    """How many orders wait in the tabs that need the buyer (to pay, to receive…) — one query."""
    counts = Order.objects.filter(user=user).aggregate(
        **{
            name: Count("id", filter=Q(status__in=statuses))
            for name, (_label, statuses) in STATUS_TABS.items()
            if statuses
        }
    )
    return {name: counts.get(name) or 0 for name in STATUS_TABS}


def order_detail_for_user(*, user, number: str) -> Order:
    """The buyer's order with items and timeline loaded (404 for anyone else's)."""
    order = order_get_for_user(user=user, number=number)
    events = Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "id"))
    return Order.objects.prefetch_related(Prefetch("items", queryset=OrderItem.objects.order_by("id")), events).get(
        pk=order.pk
    )


def queued_ticket_for_user(*, user, ticket_id: str) -> order_queue.TicketState:
    """The buyer's queued flash-sale order ticket (404 for an unknown, expired or someone else's ticket)."""
    found = order_queue.get(ticket_id)
    if found is None or found.user_id != user.pk:
        raise NotFound("ticket_not_found", _("This queued order is unknown or has expired."))
    return found


def order_items_for_user(*, user, number: str) -> list[OrderItem]:
    """The items of the buyer's order (after-sales picks from these); 404 for anyone else's order."""
    order = order_get_for_user(user=user, number=number)
    return list(OrderItem.objects.filter(order=order).order_by("id"))


def order_numbers_by_id(*, order_ids: list[int]) -> dict[int, str]:
    if not order_ids:
        return {}
    return dict(Order.objects.filter(pk__in=order_ids).values_list("pk", "number"))


@dataclass
class RefundRecord:
    order_number: str
    amount: Decimal
    at: object
    reference: str


@dataclass
class CouponRecord:
    code: str
    name: str
    discount: Decimal
    order_number: str
    at: object


@dataclass
class Records:
    purchases: list[Order]
    refunds: list[RefundRecord]
    coupons: list[CouponRecord]
    spent: Decimal
    refunded: Decimal
    aftersales: list


def consumption_records(*, user, limit: int = 50) -> Records:
    """What the person bought, got refunded, returned and saved with coupons (a fixed number of queries)."""
    purchases = list(
        _with_items(Order.objects.filter(user=user, paid_at__isnull=False).order_by("-paid_at", "-id"))[:limit]
    )
    refund_events = list(
        OrderEvent.objects.filter(order__user=user, kind__in=("refund_applied", "refunded"))
        .filter(data__has_key="refund_reference")
        .select_related("order")
        .order_by("-created_at", "-id")[:limit]
    )
    refunds = [
        RefundRecord(
            order_number=event.order.number,
            amount=Decimal(event.data.get("amount") or 0),
            at=event.created_at,
            reference=event.data.get("refund_reference", ""),
        )
        for event in refund_events
    ]
    uses = list(coupon_uses_for_user(user=user)[:limit])
    numbers = order_numbers_by_id(order_ids=[use.order_id for use in uses])
    coupons = [
        CouponRecord(
            code=use.coupon.code,
            name=use.coupon.name,
            discount=use.discount,
            order_number=numbers.get(use.order_id, ""),
            at=use.updated_at,
        )
        for use in uses
    ]
    totals = Order.objects.filter(user=user, paid_at__isnull=False).aggregate(
        spent=Sum("total"), refunded=Sum("refunded_total")
    )
    return Records(
        purchases=purchases,
        refunds=refunds,
        coupons=coupons,
        spent=money(totals["spent"] or 0),
        refunded=money(totals["refunded"] or 0),
        aftersales=aftersales_for_user(user=user),
    )


def aftersales_for_user(*, user) -> list:
    """The person's after-sales requests (returns, exchanges, refunds) for the records page, if installed."""
    try:
        from shequ.aftersales.selectors import aftersale_list_for_user
    except ImportError:  # pragma: no cover - after-sales ships with orders
        return []
    return list(aftersale_list_for_user(user=user)[:50])


@dataclass
class OrderPage:
    order: Order
    shipments: list
    actions: dict
    pay_url: str
    aftersales_url: str


def order_page_for_user(*, user, number: str) -> OrderPage:
    """Everything the order page shows: the order with items and timeline, its shipments with tracking, and
    what the buyer can do next (404 for anyone else's order)."""
    from shequ.orders import integrations, presentation

    order = order_detail_for_user(user=user, number=number)
    actions = presentation.order_actions(order)
    return OrderPage(
        order=order,
        shipments=integrations.shipments_for_order(order=order) if order.shipped_at else [],
        actions=actions,
        pay_url=presentation.pay_url(order),
        aftersales_url=presentation.optional_url("aftersales:new", order.number) if actions["after_sales"] else "",
    )


# --- for reviews and product Q&A (verified purchases) -------------------------------------------------------

BOUGHT_STATUSES = (S.DELIVERED, S.COMPLETED)


def order_item_get_for_user(*, user, order_item_id: int) -> OrderItem:
    """One item of the user's own orders, with its order loaded; anyone else's (or none) is 404."""
    from shequ.core.errors import NotFound

    item = None
    if user is not None and user.is_authenticated and 0 < int(order_item_id) < 2**63:
        item = OrderItem.objects.select_related("order").filter(pk=order_item_id, order__user=user).first()
    if item is None:
        raise NotFound("order_item_not_found", _("Order item not found."))
    return item


def completed_order_items_for_user(*, user) -> QuerySet[OrderItem]:
    """Items of the user's completed orders, most recently completed first (with their order)."""
    return (
        OrderItem.objects.select_related("order")
        .filter(order__user=user, order__status=S.COMPLETED)
        .order_by("-order__completed_at", "-order_id", "id")
    )


def product_recent_buyer_ids(*, product_id: int, limit: int = 5, exclude_user_id: int | None = None) -> list[int]:
    """Up to ``limit`` people who recently received this product, most recent first (one query)."""
    rows = (
        OrderItem.objects.filter(product_id=product_id, order__status__in=BOUGHT_STATUSES)
        .order_by("-order__created_at")
        .values_list("order__user_id", flat=True)[: limit * 5]
    )
    found: list[int] = []
    for user_id in rows:
        if user_id != exclude_user_id and user_id not in found:
            found.append(user_id)
        if len(found) >= limit:
            break
    return found


def user_bought_product(*, user_id: int, product_id: int) -> bool:
    """Whether this person received this product in one of their orders."""
    return OrderItem.objects.filter(
        product_id=product_id, order__user_id=user_id, order__status__in=BOUGHT_STATUSES
    ).exists()


def order_counts_by_utm_campaign(*, codes: list[str]) -> dict[str, dict]:
    """Orders placed in visits from each campaign (``utm_campaign``): {code: {orders, paid, revenue}} in one
    query; paid counts orders that were paid (even if refunded later), revenue their totals less refunds."""
    if not codes:
        return {}
    rows = (
        Order.objects.filter(utm_campaign__in=codes)
        .values("utm_campaign")
        .annotate(
            orders=Count("id"),
            paid=Count("id", filter=Q(paid_at__isnull=False)),
            revenue=Sum("total", filter=Q(paid_at__isnull=False))
            - Sum("refunded_total", filter=Q(paid_at__isnull=False)),
        )
    )
    return {
        row["utm_campaign"]: {"orders": row["orders"], "paid": row["paid"], "revenue": money(row["revenue"] or 0)}
        for row in rows
    }
