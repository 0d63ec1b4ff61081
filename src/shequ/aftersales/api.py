"""After-sales API for buyers: ask (multipart, with photos), list, read, withdraw, send the goods back."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Form, Router, Status, UploadedFile
from ninja.pagination import paginate

from shequ.accounts.api_auth import user_auth
from shequ.aftersales import selectors
from shequ.aftersales.access import aftersale_get_for_user
from shequ.aftersales.schemas import (
    AfterSaleCreateIn,
    AfterSaleOut,
    AfterSaleSummaryOut,
    EligibilityOut,
    ErrorOut,
    ReturnShipmentIn,
)
from shequ.aftersales.services import buyer
from shequ.analytics.services import track
from shequ.core.pagination import PageNumberPagination

router = Router(tags=["aftersales"], auth=user_auth)
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, 422: ErrorOut}


@router.post("", response={201: AfterSaleOut, **ERRORS}, summary="Ask for a return, exchange or refund")
def aftersale_create(
    request: HttpRequest,
    payload: Form[AfterSaleCreateIn],
    photos: list[UploadedFile] = File(None),  # noqa: B008 - ninja's idiom
):
    """Multipart form: order_number, kind, reason, description, items (JSON) and up to 6 ``photos``
    (JPEG/PNG/WebP/GIF, ≤ 5 MB each; stored re-encoded without EXIF). The refund amount is computed here."""
    aftersale = buyer.aftersale_create(
        user=request.user,
        order_number=payload.order_number,
        kind=payload.kind,
        reason=payload.reason,
        description=payload.description,
        items=payload.item_pairs(),
        photos=photos or [],
    )
    return Status(201, aftersale_get_for_user(user=request.user, number=aftersale.number))


@router.get("", response={200: list[AfterSaleSummaryOut], **ERRORS}, summary="My after-sales requests")
@paginate(PageNumberPagination)
def aftersale_list(request: HttpRequest):
    return selectors.aftersale_list_for_user(user=request.user)


@router.get("/eligibility/{order_number}", response={200: EligibilityOut, **ERRORS}, summary="What can be claimed")
def aftersale_eligibility(request: HttpRequest, order_number: str):
    """For one of your orders: which kinds of request are possible and how many units of each line."""
    found = selectors.aftersale_eligibility(user=request.user, order_number=order_number)
    return {
        "order_number": found.order.number,
        "order_status": found.order.status,
        "kinds": found.kinds,
        "window_closes_at": found.window_closes_at,
        "lines": [
            {
                "order_item_id": line.order_item.pk,
                "product_name": line.order_item.product_name,
                "variant_label": line.order_item.variant_label,
                "image_url": line.order_item.image_url,
                "unit_price": line.order_item.unit_price,
                "bought": line.bought,
                "claimable": line.claimable,
                "refund_per_unit": line.value_of(1) if line.claimable else 0,
            }
            for line in found.lines
        ],
    }


@router.get("/{number}", response={200: AfterSaleOut, **ERRORS}, summary="One of my requests")
def aftersale_detail(request: HttpRequest, number: str):
    aftersale = aftersale_get_for_user(user=request.user, number=number)
    track(request.user, "aftersale_viewed", {"number": aftersale.number, "status": aftersale.status, "via": "api"})
    return aftersale


@router.post("/{number}/withdraw", response={200: AfterSaleOut, **ERRORS}, summary="Withdraw a request")
def aftersale_withdraw(request: HttpRequest, number: str):
    aftersale = aftersale_get_for_user(user=request.user, number=number)
    buyer.aftersale_withdraw(aftersale=aftersale, user=request.user)
    return aftersale_get_for_user(user=request.user, number=number)


@router.post("/{number}/return-shipment", response={200: AfterSaleOut, **ERRORS}, summary="Send the goods back")
def aftersale_return_shipment(request: HttpRequest, number: str, payload: ReturnShipmentIn):
    """Tell us the carrier and tracking number of the parcel you sent back (approved returns and exchanges)."""
    aftersale = aftersale_get_for_user(user=request.user, number=number)
    buyer.aftersale_return_shipment_set(
        aftersale=aftersale, user=request.user, carrier_code=payload.carrier_code, tracking_no=payload.tracking_no
    )
    return aftersale_get_for_user(user=request.user, number=number)
