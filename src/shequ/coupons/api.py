"""Coupons API: check a code against a basket total, my wallet, claim by code (used ones: /orders/records)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status

from shequ.accounts.api_auth import user_auth
from shequ.accounts.schemas import ErrorOut
from shequ.analytics.services import track
from shequ.core.errors import InvalidInput
from shequ.coupons import selectors, services

router = Router(tags=["coupons"], auth=user_auth)
ERRORS = {400: ErrorOut, 401: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class CouponCheckIn(Schema):
    code: str = Field(..., min_length=1, max_length=32)
    items_total: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)


class CouponOut(Schema):
    code: str
    name: str
    kind: str
    discount: Decimal
    min_spend: Decimal
    ends_at: datetime | None


@router.post("/check", response={200: CouponOut, **ERRORS})
def coupon_check(request: HttpRequest, payload: CouponCheckIn):
    """What this coupon would take off a basket of ``items_total`` for me (400 coupon_* if it can't be used)."""
    quote = services.coupon_quote(code=payload.code, user=request.user, items_total=payload.items_total)
    coupon = quote.coupon
    return {
        "code": coupon.code,
        "name": coupon.name,
        "kind": coupon.kind,
        "discount": quote.discount,
        "min_spend": coupon.min_spend,
        "ends_at": coupon.ends_at,
    }


class TemplateOut(Schema):
    code: str
    name: str
    description: str
    kind: str
    amount: Decimal | None
    percent: int | None
    max_discount: Decimal | None
    min_spend: Decimal
    stackable: bool


class IssuedOut(Schema):
    id: int
    status: str
    source: str
    valid_from: datetime
    valid_until: datetime | None
    used_at: datetime | None
    order_id: int | None
    template: TemplateOut


class WalletOut(Schema):
    tab: str
    counts: dict[str, int]
    items: list[IssuedOut]
    page: int
    pages: int


class ClaimIn(Schema):
    code: str = Field(..., min_length=1, max_length=32)


@router.get("/wallet", response={200: WalletOut, **ERRORS})
def wallet(request: HttpRequest, tab: str = "available", page: int = 1):
    """My coupons in one tab (available | used | expired), 20 per page. Pass an available coupon's ``id`` in
    checkout's ``issued_coupon_ids`` to use it."""
    if tab not in selectors.WALLET_TABS:
        raise InvalidInput("tab_invalid", _("Unknown tab."), details={"field": "tab"})
    found = Paginator(selectors.wallet_list(user=request.user, tab=tab), 20).get_page(page)
    counts = selectors.wallet_counts(user=request.user)
    track(request.user, "wallet_viewed", {"tab": tab, "count": counts[tab], "source": "api"})
    return {
        "tab": tab,
        "counts": counts,
        "items": list(found),
        "page": found.number,
        "pages": found.paginator.num_pages,
    }


@router.post("/claim", response={201: IssuedOut, 404: ErrorOut, **ERRORS})
def claim(request: HttpRequest, payload: ClaimIn):
    """Claim a coupon into my wallet by its claim code (once per code: a second claim is 409)."""
    return Status(201, services.coupon_claim(user=request.user, code=payload.code))
