"""Order exports for the back office (CSV and XLSX): one row per order, for the warehouse and accounting."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.orders.models import Order, OrderStatus

BATCH = 1000


def headers() -> list[str]:
    return [
        _("Order number"),
        _("Placed at"),
        _("Status"),
        _("Buyer id"),
        _("Items"),
        _("Quantity"),
        _("Items total"),
        _("Shipping"),
        _("Coupon discount"),
        _("Points discount"),
        _("Total"),
        _("Refunded"),
        _("Coupon"),
        _("Carrier"),
        _("Recipient"),
        _("Phone"),
        _("Province"),
        _("City"),
        _("District"),
        _("Street address"),
        _("Paid at"),
        _("Shipped at"),
        _("Channel"),
        _("Campaign"),
    ]


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def order_rows(orders: QuerySet[Order]) -> Iterator[list[Any]]:
    """Rows in batches, items prefetched per batch (a handful of queries per thousand orders)."""
    ordered = orders.order_by("-created_at", "-id")
    ids = list(ordered.values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = Order.objects.filter(pk__in=ids[start : start + BATCH]).prefetch_related("items")
        for order in sorted(batch, key=lambda o: (o.created_at, o.pk), reverse=True):
            items = list(order.items.all())
            yield [
                order.number,
                _when(order.created_at),
                str(OrderStatus(order.status).label),
                order.user_id,
                "; ".join(f"{item.product_name} {item.variant_label} ×{item.quantity}".strip() for item in items),
                sum(item.quantity for item in items),
                order.items_total,
                order.shipping_fee,
                order.coupon_discount,
                order.points_discount,
                order.total,
                order.refunded_total,
                order.coupon_code,
                order.carrier_code,
                order.recipient,
                order.phone,
                order.province,
                order.city,
                order.district,
                order.detail,
                _when(order.paid_at),
                _when(order.shipped_at),
                order.channel,
                order.utm_campaign,
            ]


def _csv(rows: Iterable[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers())
    for row in rows:
        writer.writerow([_safe_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode()  # the BOM makes Excel read UTF-8


def _safe_cell(value: Any) -> Any:
    """Stop spreadsheet formula injection from buyer-typed text (names, addresses)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _xlsx(rows: Iterable[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Orders"))
    sheet.append(headers())
    for row in rows:
        sheet.append([_safe_cell(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def orders_export(*, orders: QuerySet[Order], fmt: str) -> bytes:
    rows = order_rows(orders)
    return _xlsx(rows) if fmt == "xlsx" else _csv(rows)
