"""Logistics API: delivery options for checkout, carriers, and a buyer's tracking timelines."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from shequ.accounts.api_auth import user_auth
from shequ.analytics.services import track
from shequ.logistics import selectors, services
from shequ.logistics.access import shipment_get_for_user
from shequ.logistics.models import Shipment
from shequ.logistics.schemas import CarrierOut, DeliveryOptionOut, DeliveryOptionsQuery, ErrorOut, ShipmentOut

router = Router(tags=["logistics"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def shipment_out(shipment: Shipment, *, order_number: str) -> dict:
    return {
        "id": shipment.pk,
        "order_number": order_number,
        "carrier_code": shipment.carrier.code,
        "carrier_name": selectors.carrier_display_name(shipment.carrier),
        "tracking_no": shipment.tracking_no,
        "tracking_url": selectors.carrier_tracking_url(shipment.carrier, shipment.tracking_no),
        "status": shipment.status,
        "status_label": shipment.get_status_display(),
        "shipped_at": shipment.shipped_at,
        "delivered_at": shipment.delivered_at,
        "events": [
            {
                "status": event.status,
                "status_label": event.get_status_display(),
                "description": event.description,
                "location": event.location,
                "occurred_at": event.occurred_at,
            }
            for event in shipment.events.all()
        ],
    }


@router.get("/carriers", response={200: list[CarrierOut], **ERRORS}, summary="Carriers we ship with")
def carriers(request: HttpRequest):
    return [
        {"code": c.code, "name": selectors.carrier_display_name(c), "delivery_days": c.delivery_days}
        for c in selectors.carriers_active()
    ]


@router.get("/delivery-options", response={200: list[DeliveryOptionOut], **ERRORS}, summary="Delivery options and fees")
def delivery_options(request: HttpRequest, query: Query[DeliveryOptionsQuery]):
    """Carriers that deliver to the province, cheapest first, with the fee for a parcel of this weight and value."""
    return services.delivery_options(
        province=query.province, weight_grams=query.weight_grams, items_total=query.items_total
    )


@router.get("/shipments/{shipment_id}", response={200: ShipmentOut, **ERRORS}, auth=user_auth, summary="Tracking")
def shipment_detail(request: HttpRequest, shipment_id: int):
    """One of your parcels with its tracking timeline (newest event first)."""
    shipment = shipment_get_for_user(user=request.user, shipment_id=shipment_id)
    track(request.user, "tracking_viewed", {"shipment_id": shipment.pk, "status": shipment.status, "via": "api"})
    return shipment_out(shipment, order_number=shipment.order.number)
