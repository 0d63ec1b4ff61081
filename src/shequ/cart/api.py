"""Cart API: guests too (the cart token comes back from the first add; send it as X-Cart-Token)."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from shequ.accounts.api_auth import optional_user_auth, user_auth
from shequ.accounts.schemas import ErrorOut
from shequ.analytics.services import track
from shequ.cart import selectors, services
from shequ.cart.owner import HEADER_NAME, CartOwner, clean_token, owner_for_api

router = Router(tags=["cart"], auth=optional_user_auth)
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class CartLineOut(Schema):
    id: int
    sku_id: int
    product_id: int | None
    product_slug: str
    name: str
    variant: str
    image_url: str
    quantity: int
    unit_price: Decimal
    was_price: Decimal
    line_total: Decimal
    available: int
    selected: bool
    unavailable: bool
    insufficient_stock: bool
    price_changed: bool
    flash_sale: bool
    messages: list[str]


class CartOut(Schema):
    cart_token: str | None = None
    lines: list[CartLineOut]
    count: int
    selected_count: int
    selected_total: Decimal


class AddIn(Schema):
    sku_id: int
    quantity: int = 1


class UpdateIn(Schema):
    quantity: int | None = None
    selected: bool | None = None


def _cart_out(owner: CartOwner, token: str | None = None) -> dict:
    view = selectors.cart_detail(owner=owner)
    return {
        "cart_token": token or (owner.guest_token if owner.is_guest else None),
        "lines": [
            {
                "id": line.id,
                "sku_id": line.item.sku_id,
                "product_id": line.offer.product_id if line.offer else None,
                "product_slug": line.offer.product_slug if line.offer else "",
                "name": line.offer.name if line.offer else "",
                "variant": line.offer.variant if line.offer else "",
                "image_url": line.offer.image_url if line.offer else "",
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "was_price": line.was_price,
                "line_total": line.line_total,
                "available": line.available,
                "selected": line.selected,
                "unavailable": line.unavailable,
                "insufficient_stock": line.insufficient_stock,
                "price_changed": line.price_changed,
                "flash_sale": bool(line.offer and line.offer.flash),
                "messages": [str(m) for m in line.messages],
            }
            for line in view.lines
        ],
        "count": view.count,
        "selected_count": view.selected_count,
        "selected_total": view.selected_total,
    }


@router.get("", response={200: CartOut, **ERRORS})
def cart_get(request: HttpRequest):
    """My cart, every line priced now, with what changed since I added it."""
    owner = owner_for_api(request)
    track(owner.subject, "cart_view", {"source": "api"})
    return _cart_out(owner)


@router.post("/items", response={201: CartOut, **ERRORS})
def cart_add(request: HttpRequest, payload: AddIn, response: HttpResponse):
    """Add a SKU (a guest's first add creates the cart: keep the returned ``cart_token``)."""
    owner = owner_for_api(request)
    item = services.cart_add_item(owner=owner, sku_id=payload.sku_id, quantity=payload.quantity)
    token = item.cart.guest_token if owner.is_guest else None
    if token:
        response[HEADER_NAME] = token
        owner = CartOwner(guest_token=token)
    return Status(201, _cart_out(owner, token))


@router.patch("/items/{item_id}", response={200: CartOut, **ERRORS})
def cart_update(request: HttpRequest, item_id: int, payload: UpdateIn):
    """Change a line's quantity or whether it is ticked for checkout."""
    owner = owner_for_api(request)
    services.cart_update_item(owner=owner, item_id=item_id, quantity=payload.quantity, selected=payload.selected)
    return _cart_out(owner)


@router.delete("/items/{item_id}", response={200: CartOut, **ERRORS})
def cart_remove(request: HttpRequest, item_id: int):
    owner = owner_for_api(request)
    services.cart_remove_item(owner=owner, item_id=item_id)
    return _cart_out(owner)


@router.post("/merge", response={200: CartOut, **ERRORS}, auth=user_auth)
def cart_merge(request: HttpRequest):
    """After logging in: move the guest cart named by ``X-Cart-Token`` into mine (unknown tokens are a no-op)."""
    services.cart_merge_guest(user=request.user, guest_token=clean_token(request.headers.get(HEADER_NAME)))
    return _cart_out(CartOwner(user=request.user))
