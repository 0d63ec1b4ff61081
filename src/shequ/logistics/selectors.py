"""Reads of carriers and shipments, for checkout, the order page (ORDERS), the API and the poller."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import translation

from shequ.logistics.models import Carrier, Shipment, ShipmentStatus, TrackingEvent

ACTIVE_STATUSES = (
    ShipmentStatus.CREATED,
    ShipmentStatus.IN_TRANSIT,
    ShipmentStatus.OUT_FOR_DELIVERY,
    ShipmentStatus.EXCEPTION,
)


def carrier_display_name(carrier: Carrier) -> str:
    """The carrier's name in the current language."""
    if carrier.name_en and (translation.get_language() or "").startswith("en"):
        return carrier.name_en
    return carrier.name


def carrier_tracking_url(carrier: Carrier, tracking_no: str) -> str:
    return carrier.tracking_url.replace("{tracking_no}", tracking_no) if carrier.tracking_url else ""


def carriers_active() -> QuerySet[Carrier]:
    """Active carriers in display order."""
    return Carrier.objects.filter(is_active=True).order_by("position", "code")


def carriers_with_rates() -> QuerySet[Carrier]:
    """Active carriers with their rates loaded (two queries)."""
    return carriers_active().prefetch_related("rates")


def carrier_get_active(*, code: str) -> Carrier | None:
    return Carrier.objects.filter(code=code, is_active=True).prefetch_related("rates").first()


def shipments_with_events(queryset: QuerySet[Shipment]) -> QuerySet[Shipment]:
    events = TrackingEvent.objects.order_by("-occurred_at", "-id")
    return queryset.select_related("carrier").prefetch_related(Prefetch("events", queryset=events))


def shipments_for_order(*, order) -> QuerySet[Shipment]:
    """An order's shipments, oldest first, each with ``carrier`` and ``events`` (newest first) loaded.

    This is the context the ``logistics/_tracking.html`` partial expects as ``shipments``. Two queries,
    however many shipments and events. The caller has already checked that the viewer may see the order.
    """
    return shipments_with_events(Shipment.objects.filter(order=order)).order_by("shipped_at", "id")


def shipments_for_orders(*, order_ids: Iterable[int]) -> dict[int, list[Shipment]]:
    """Shipments of many orders (an order list page) keyed by order id, loaded like ``shipments_for_order``."""
    grouped: dict[int, list[Shipment]] = defaultdict(list)
    ids = list(order_ids)
    if not ids:
        return {}
    for shipment in shipments_with_events(Shipment.objects.filter(order_id__in=ids)).order_by("shipped_at", "id"):
        grouped[shipment.order_id].append(shipment)
    return dict(grouped)


def shipments_due_for_poll(*, now: datetime, interval: timedelta, limit: int) -> list[int]:
    """Ids of shipments still on their way that were not asked about within ``interval`` (never-asked first)."""
    stale = Q(last_polled_at__isnull=True) | Q(last_polled_at__lt=now - interval)
    return list(
        # Carriers switched off for checkout still deliver what they already carry: keep tracking those.
        Shipment.objects.filter(stale, status__in=ACTIVE_STATUSES)
        .order_by(F("last_polled_at").asc(nulls_first=True), "id")
        .values_list("id", flat=True)[:limit]
    )


def carrier_choices() -> list[tuple[str, str]]:
    """(code, name in the current language) of active carriers, for a form's select."""
    return [(carrier.code, carrier_display_name(carrier)) for carrier in carriers_active()]
