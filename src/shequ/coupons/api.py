"""Coupons API: check a code against a basket total (the coupons I used are in /orders/records)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from shequ.accounts.api_auth import user_auth
from shequ.accounts.schemas import ErrorOut
from shequ.coupons import services

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
