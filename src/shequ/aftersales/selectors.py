"""Reads of after-sales requests, and what of an order can still be claimed (and for how much)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Sum
from django.utils import timezone

from shequ.aftersales.amounts import line_paid_values, units_value
from shequ.aftersales.conf import aftersales_setting
from shequ.aftersales.models import AfterSaleEvent, AfterSaleItem, AfterSaleKind, AfterSaleRequest, AfterSaleStatus
from shequ.aftersales.state import OPEN
from shequ.orders.models import OrderStatus

ELIGIBLE_ORDER_STATUSES = {
    OrderStatus.PAID,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
    # After a partial refund the order may stay "refunding": the rest of it can still need after-sales.
    OrderStatus.REFUNDING,
}

# Units in these requests are spoken for: they cannot be claimed again. Exchanged units were replaced, so a
# faulty replacement can be claimed anew; rejected and withdrawn requests free their units.
CLAIMING = (*OPEN, AfterSaleStatus.REFUNDED)


def aftersale_list_for_user(*, user) -> QuerySet[AfterSaleRequest]:
    """The user's requests, newest first, with order and items loaded (three queries for any page size)."""
    return (
        AfterSaleRequest.objects.filter(user=user)
        .select_related("order")
        .prefetch_related(Prefetch("items", queryset=AfterSaleItem.objects.select_related("order_item")))
        .order_by("-created_at", "-id")
    )


def aftersale_with_details(queryset: QuerySet[AfterSaleRequest]) -> QuerySet[AfterSaleRequest]:
    """Load what a detail page shows: order, items with their order lines, photos, and the timeline."""
    return queryset.select_related("order").prefetch_related(
        Prefetch("items", queryset=AfterSaleItem.objects.select_related("order_item").order_by("id")),
        "photos",
        Prefetch("events", queryset=AfterSaleEvent.objects.order_by("created_at", "id")),
    )


def aftersales_for_order(*, order) -> QuerySet[AfterSaleRequest]:
    """An order's requests, newest first (for the order page)."""
    return AfterSaleRequest.objects.filter(order=order).order_by("-created_at", "-id")


@dataclass(frozen=True)
class ClaimableLine:
    order_item: object  # orders.OrderItem
    bought: int
    claimed: int
    claimable: int
    paid: Decimal  # what was paid for the whole line, after its share of discounts

    def value_of(self, quantity: int) -> Decimal:
        """Refund value of ``quantity`` more units of this line."""
        return units_value(line_paid=self.paid, bought=self.bought, before=self.claimed, quantity=quantity)


def claimable_lines(*, order) -> list[ClaimableLine]:
    """For each line of ``order``: how many units were bought, are already claimed, and can still be claimed."""
    items = list(order.items.all().order_by("id"))
    rows = (
        AfterSaleItem.objects.filter(order_item__order=order, request__status__in=CLAIMING)
        .values_list("order_item_id", "request__status")
        .annotate(units=Sum("quantity"))
    )
    open_units: dict[int, int] = defaultdict(int)
    refunded_units: dict[int, int] = defaultdict(int)
    for item_id, status, units in rows:
        if status == AfterSaleStatus.REFUNDED:
            refunded_units[item_id] += units
        else:
            open_units[item_id] += units
    paid = line_paid_values(
        total=order.total, shipping_fee=order.shipping_fee, lines=[(item.pk, item.line_total) for item in items]
    )
    lines = []
    for item in items:
        # ORDERS may also record refunds per item (a cancelled order); count whichever says more.
        claimed = max(item.refunded_quantity, refunded_units[item.pk]) + open_units[item.pk]
        claimed = min(claimed, item.quantity)
        lines.append(
            ClaimableLine(
                order_item=item,
                bought=item.quantity,
                claimed=claimed,
                claimable=item.quantity - claimed,
                paid=paid[item.pk],
            )
        )
    return lines


def window_closes_at(*, order) -> datetime | None:
    """When the after-sales window of a received order closes (None before the goods arrived)."""
    received = order.delivered_at or order.completed_at
    if received is None:
        return None
    return received + timedelta(days=aftersales_setting("WINDOW_DAYS"))


def window_open(*, order, now: datetime | None = None) -> bool:
    closes = window_closes_at(order=order)
    return closes is None or (now or timezone.now()) <= closes


def kinds_available(*, order, now: datetime | None = None) -> list[str]:
    """Which kinds of request the order allows now: none outside the window or in the wrong state; only
    refund-only before the parcel has arrived."""
    if order.status not in ELIGIBLE_ORDER_STATUSES or not window_open(order=order, now=now):
        return []
    if (order.delivered_at or order.completed_at) is None:
        return [AfterSaleKind.REFUND_ONLY.value]
    return [AfterSaleKind.RETURN.value, AfterSaleKind.EXCHANGE.value, AfterSaleKind.REFUND_ONLY.value]


@dataclass(frozen=True)
class Eligibility:
    order: object  # orders.Order
    kinds: list[str]
    window_closes_at: datetime | None
    lines: list[ClaimableLine]


def aftersale_eligibility(*, user, order_number: str) -> Eligibility:
    """What the buyer may still ask for on one of their orders (404 for anyone else's order)."""
    from shequ.orders.access import order_get_for_user  # imported here: orders may import after-sales

    order = order_get_for_user(user=user, number=order_number)
    return Eligibility(
        order=order,
        kinds=kinds_available(order=order),
        window_closes_at=window_closes_at(order=order),
        lines=claimable_lines(order=order),
    )
