"""Logistics use cases: delivery options and fees at checkout, shipments, and tracking reported by carriers.

Tracking arrives two ways — pushed to the webhook (signed; verified in webhooks.py) or pulled by the poller
through a provider — and both end in ``tracking_updates_record``, which stores each carrier event once, moves
the shipment's status, tells the buyer about the steps that matter, and hands a delivered parcel to ORDERS
(order_mark_delivered).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from shequ.core.errors import Conflict, DomainError, InvalidInput
from shequ.logistics import selectors
from shequ.logistics.conf import logistics_setting
from shequ.logistics.error_codes import LogisticsErrorCode as Code
from shequ.logistics.fees import parcel_check, province_normalise, rate_fee, rate_for_province
from shequ.logistics.models import Carrier, Shipment, ShipmentStatus, TrackingEvent
from shequ.logistics.providers import provider_for
from shequ.logistics.providers.base import TrackingProviderError, TrackingQuery, TrackingUpdate

logger = logging.getLogger("shequ.logistics")

TRACKING_NO_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{5,39}$")
NOTIFY_STATUSES = {
    ShipmentStatus.OUT_FOR_DELIVERY,
    ShipmentStatus.DELIVERED,
    ShipmentStatus.EXCEPTION,
    ShipmentStatus.RETURNED,
}


# --- checkout: delivery options and fees ----------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryOption:
    carrier_code: str
    name: str
    fee: Decimal
    free: bool
    delivery_days: str


def delivery_options(*, province: str, weight_grams: int, items_total: Decimal) -> list[DeliveryOption]:
    """Active carriers that deliver to ``province``, cheapest first, each with this parcel's fee."""
    province = province_normalise(province)
    parcel_check(weight_grams=weight_grams, items_total=items_total)
    ranked = []
    for position, carrier in enumerate(selectors.carriers_with_rates()):
        rate = rate_for_province(carrier.rates.all(), province)
        if rate is None:
            continue
        fee, free = rate_fee(rate, weight_grams=weight_grams, items_total=items_total)
        option = DeliveryOption(
            carrier_code=carrier.code,
            name=selectors.carrier_display_name(carrier),
            fee=fee,
            free=free,
            delivery_days=carrier.delivery_days,
        )
        ranked.append((fee, position, option))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [option for _fee, _position, option in ranked]


def shipping_fee(*, carrier_code: str, province: str, weight_grams: int, items_total: Decimal) -> Decimal:
    """The fee ``carrier_code`` charges for this parcel to ``province``; InvalidInput if it does not go there."""
    province = province_normalise(province)
    parcel_check(weight_grams=weight_grams, items_total=items_total)
    carrier = selectors.carrier_get_active(code=carrier_code)
    rate = rate_for_province(carrier.rates.all(), province) if carrier else None
    if rate is None:
        raise InvalidInput(
            Code.CARRIER_UNAVAILABLE,
            _("This delivery option is not available for your address."),
            details={"field": "carrier_code"},
        )
    return rate_fee(rate, weight_grams=weight_grams, items_total=items_total)[0]


# --- shipments ------------------------------------------------------------------------------------------


def tracking_no_clean(value: str) -> str:
    number = re.sub(r"\s+", "", value or "").upper()
    if not TRACKING_NO_RE.match(number):
        raise InvalidInput(
            Code.TRACKING_NO_INVALID,
            _("Enter the tracking number as printed on the waybill (6–40 letters and digits)."),
            details={"field": "tracking_no"},
        )
    return number


def carrier_get(*, code: str) -> Carrier:
    """Any carrier by code (also one switched off for checkout: it still carries what it has)."""
    carrier = Carrier.objects.filter(code=(code or "").strip()).first()
    if carrier is None:
        raise InvalidInput(
            Code.CARRIER_NOT_FOUND, _("Choose a carrier from the list."), details={"field": "carrier_code"}
        )
    return carrier


def shipment_create(*, order, carrier_code: str, tracking_no: str) -> Shipment:
    """Record that ``order`` left with ``carrier_code`` under ``tracking_no``.

    Idempotent for the same order (a retried ship call returns the same shipment); the same waybill on
    another order is a Conflict. Called by ORDERS' order_ship and by after-sales for an exchange's replacement.
    """
    number = tracking_no_clean(tracking_no)
    carrier = carrier_get(code=carrier_code)
    with transaction.atomic():
        existing = Shipment.objects.filter(carrier=carrier, tracking_no=number).first()
        if existing is None:
            try:
                with transaction.atomic():
                    return Shipment.objects.create(order=order, carrier=carrier, tracking_no=number)
            except IntegrityError:  # another request recorded the same waybill a moment ago
                existing = Shipment.objects.get(carrier=carrier, tracking_no=number)
        if existing.order_id != order.pk:
            raise Conflict(
                Code.TRACKING_NO_TAKEN,
                _("This tracking number is already used by another order."),
                details={"field": "tracking_no"},
            )
        return existing


# --- tracking events ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordResult:
    shipment_id: int
    received: int
    stored: int
    status: str
    status_changed: bool


def tracking_updates_record(
    *, shipment_id: int, updates: list[TrackingUpdate], notify_buyer: bool = True
) -> RecordResult:
    """Store the carrier events not seen before, move the shipment on, notify, and pass on a delivery.

    The shipment row is locked, so a webhook and the poller reporting the same scans at once store them once
    (the (shipment, external_id) unique constraint is the backstop). ``notify_buyer=False`` is for loading
    history (the demo seeder), where the news is old.
    """
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update().get(pk=shipment_id)
        ids = [update.external_id for update in updates]
        known = set(
            TrackingEvent.objects.filter(shipment=shipment, external_id__in=ids).values_list("external_id", flat=True)
        )
        fresh = []
        for update in updates:
            if update.external_id in known:
                continue
            known.add(update.external_id)
            fresh.append(
                TrackingEvent(
                    shipment=shipment,
                    status=update.status,
                    description=update.description[:300],
                    location=update.location[:120],
                    occurred_at=update.occurred_at,
                    external_id=update.external_id[:64],
                )
            )
        TrackingEvent.objects.bulk_create(fresh)
        previous = shipment.status
        if fresh:
            _advance(shipment)
        changed = shipment.status != previous
        if changed:
            # ORDERS tells the buyer about the delivery of the order; we speak for a later parcel (a replacement).
            if shipment.status == ShipmentStatus.DELIVERED:
                if not _order_delivered(shipment) and notify_buyer:
                    _notify_buyer(shipment)
            elif shipment.status in NOTIFY_STATUSES and notify_buyer:
                _notify_buyer(shipment)
        return RecordResult(
            shipment_id=shipment.pk,
            received=len(updates),
            stored=len(fresh),
            status=shipment.status,
            status_changed=changed,
        )


def _advance(shipment: Shipment) -> None:
    """Set the shipment's status from its newest event (a delivered parcel only moves on to 'returned')."""
    latest = shipment.events.order_by("-occurred_at", "-id").first()
    status = latest.status
    if shipment.status == ShipmentStatus.DELIVERED and status != ShipmentStatus.RETURNED:
        status = ShipmentStatus.DELIVERED
    fields = []
    if status != shipment.status:
        shipment.status = status
        fields.append("status")
    if status == ShipmentStatus.DELIVERED and shipment.delivered_at is None:
        signed = shipment.events.filter(status=ShipmentStatus.DELIVERED).order_by("occurred_at", "id").first()
        shipment.delivered_at = signed.occurred_at
        fields.append("delivered_at")
    if fields:
        shipment.save(update_fields=fields)


def _order_delivered(shipment: Shipment) -> bool:
    """Tell ORDERS the parcel was signed for; True when ORDERS moved the order (and so told the buyer itself).

    An order that cannot take it (already delivered by an earlier parcel, refunding…) keeps its state.
    """
    from shequ.orders.services import order_mark_delivered  # imported here: orders imports logistics too

    before = shipment.order.status
    try:
        with transaction.atomic():
            order = order_mark_delivered(order_id=shipment.order_id, delivered_at=shipment.delivered_at)
    except DomainError as exc:
        logger.warning("order %s not marked delivered after shipment %s: %s", shipment.order_id, shipment.pk, exc)
        return False
    return order.status != before


# What the buyer is told at each step: English msgids rendered in the site's language for the stored text and
# re-rendered in the reader's language by the inbox (data["i18n"], see notifications/rendering.py).
MESSAGES: dict[str, tuple[str, str]] = {
    ShipmentStatus.OUT_FOR_DELIVERY: (
        gettext_noop("Your parcel is out for delivery"),
        gettext_noop("%(carrier)s %(tracking_no)s: %(scan)s"),
    ),
    ShipmentStatus.DELIVERED: (
        gettext_noop("Your parcel has been delivered"),
        gettext_noop("%(carrier)s %(tracking_no)s: %(scan)s"),
    ),
    ShipmentStatus.EXCEPTION: (
        gettext_noop("There is a problem with your delivery"),
        gettext_noop("%(carrier)s %(tracking_no)s: %(scan)s"),
    ),
    ShipmentStatus.RETURNED: (
        gettext_noop("Your parcel is being returned to us"),
        gettext_noop("%(carrier)s %(tracking_no)s: %(scan)s"),
    ),
}


def _order_link(number: str) -> str:
    try:
        return reverse("orders:detail", args=[number])
    except NoReverseMatch:
        return ""


def _notify_buyer(shipment: Shipment) -> None:
    from shequ.notifications.services import notify

    order = shipment.order
    latest = shipment.events.order_by("-occurred_at", "-id").first()
    title, body = MESSAGES[shipment.status]
    values = {"carrier": shipment.carrier.name, "tracking_no": shipment.tracking_no, "scan": latest.description}
    with translation.override(settings.LANGUAGE_CODE):
        title_text, body_text = gettext(title) % values, gettext(body) % values
    notify(
        user=order.user_id,
        kind="shipment",
        title=title_text,
        body=body_text,
        link=_order_link(order.number),
        data={
            "order_number": order.number,
            "shipment_id": shipment.pk,
            "carrier_code": shipment.carrier.code,
            "tracking_no": shipment.tracking_no,
            "status": shipment.status,
            "i18n": {"title": title, "body": body, "params": values},
        },
    )


# --- polling --------------------------------------------------------------------------------------------


def tracking_query(shipment: Shipment) -> TrackingQuery:
    order = shipment.order
    return TrackingQuery(
        carrier_code=shipment.carrier.code,
        carrier_name=shipment.carrier.name,
        tracking_no=shipment.tracking_no,
        shipped_at=shipment.shipped_at,
        destination_province=order.province,
        destination_city=order.city,
        destination_district=order.district,
    )


def shipment_poll(*, shipment_id: int, now: datetime | None = None) -> int:
    """Ask the carrier's provider about one shipment and record what is new; return how many events were new."""
    now = now or timezone.now()
    shipment = Shipment.objects.select_related("carrier", "order").get(pk=shipment_id)
    provider = provider_for(shipment.carrier.code)
    stored = 0
    if provider.supports_polling:
        try:
            # Outside any transaction: a slow carrier must not hold the shipment's lock.
            updates = provider.fetch(tracking_query(shipment), now=now)
        except TrackingProviderError as exc:
            logger.warning("tracking poll failed for shipment %s: %s", shipment.pk, exc)
            updates = []
        if updates:
            stored = tracking_updates_record(shipment_id=shipment.pk, updates=updates).stored
    Shipment.objects.filter(pk=shipment.pk).update(last_polled_at=now)
    return stored


def shipments_poll_due(*, now: datetime | None = None) -> dict[str, int]:
    """Poll every shipment still on its way that was not asked about recently (the periodic task)."""
    now = now or timezone.now()
    due = selectors.shipments_due_for_poll(
        now=now,
        interval=timedelta(minutes=logistics_setting("POLL_INTERVAL_MINUTES")),
        limit=logistics_setting("POLL_BATCH_SIZE"),
    )
    stored = failed = 0
    for shipment_id in due:
        try:
            stored += shipment_poll(shipment_id=shipment_id, now=now)
        except Exception:  # one broken shipment must not stop the others; it is retried next run
            failed += 1
            logger.exception("tracking poll crashed for shipment %s", shipment_id)
    return {"polled": len(due), "stored": stored, "failed": failed}
