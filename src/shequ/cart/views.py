"""Cart pages (HTMX): the cart with steppers and ticks, add from a product page, the tab bar's badge."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from shequ.analytics.services import track
from shequ.cart import selectors, services
from shequ.cart.owner import CartOwner, owner_for_web, remember_guest_cart
from shequ.core.errors import DomainError
from shequ.core.web import safe_next


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _body(request: HttpRequest, owner: CartOwner, *, error: str = "", status: int = 200) -> HttpResponse:
    view = selectors.cart_detail(owner=owner)
    context = {"view": view, "error": error, "badge_count": view.count}
    return render(request, "cart/_cart_body.html", context, status=status)


@require_GET
def cart_view(request: HttpRequest) -> HttpResponse:
    owner = owner_for_web(request)
    view = selectors.cart_detail(owner=owner)
    track(owner.subject, "cart_view", {"lines": view.count, "total": str(view.selected_total)})
    return render(request, "cart/cart.html", {"view": view, "badge_count": view.count})


@require_POST
def cart_add_view(request: HttpRequest) -> HttpResponse:
    """Add a SKU. HTMX gets a short confirmation plus the new badge; a plain form is redirected back."""
    owner = owner_for_web(request)
    quantity = _int(request.POST.get("quantity", 1))
    try:
        item = services.cart_add_item(owner=owner, sku_id=_int(request.POST.get("sku_id")) or 0, quantity=quantity)
    except DomainError as exc:
        if request.htmx:
            return render(request, "cart/_add_result.html", {"error": exc.message}, status=exc.status)
        messages.error(request, exc.message)
        return redirect(safe_next(request, reverse("cart:detail")))
    token = item.cart.guest_token
    count = services.cart_badge_count(owner=owner if not owner.is_guest else CartOwner(guest_token=token))
    if request.htmx:
        response = render(request, "cart/_add_result.html", {"item": item, "badge_count": count})
    else:
        from django.utils.translation import gettext as _

        messages.success(request, _("Added to your cart."))
        response = redirect(safe_next(request, reverse("cart:detail")))
    return remember_guest_cart(request, response, token)


@require_POST
def cart_item_view(request: HttpRequest, item_id: int) -> HttpResponse:
    """Change one line: ``quantity`` (the stepper) and/or ``selected`` (the tick)."""
    owner = owner_for_web(request)
    quantity = _int(request.POST["quantity"]) if "quantity" in request.POST else None
    if "quantity" in request.POST and quantity is None:
        quantity = 0  # not a number: the service explains the allowed range
    selected = None
    if "selected" in request.POST:
        selected = request.POST.get("selected") in ("1", "true", "on")
    try:
        services.cart_update_item(owner=owner, item_id=item_id, quantity=quantity, selected=selected)
    except DomainError as exc:
        if not request.htmx:
            messages.error(request, exc.message)
            return redirect("cart:detail")
        return _body(request, owner, error=str(exc.message), status=exc.status)
    return _body(request, owner) if request.htmx else redirect("cart:detail")


@require_POST
def cart_item_remove_view(request: HttpRequest, item_id: int) -> HttpResponse:
    owner = owner_for_web(request)
    try:
        services.cart_remove_item(owner=owner, item_id=item_id)
    except DomainError as exc:
        if not request.htmx:
            messages.error(request, exc.message)
            return redirect("cart:detail")
        return _body(request, owner, error=str(exc.message), status=exc.status)
    return _body(request, owner) if request.htmx else redirect("cart:detail")


@require_POST
def cart_select_all_view(request: HttpRequest) -> HttpResponse:
    owner = owner_for_web(request)
    services.cart_select_all(owner=owner, selected=request.POST.get("selected") in ("1", "true", "on"))
    return _body(request, owner) if request.htmx else redirect("cart:detail")


@require_GET
def cart_badge_view(request: HttpRequest) -> HttpResponse:
    """The tab bar's badge, loaded lazily when its count was not cached."""
    count = services.cart_badge_count(owner=owner_for_web(request))
    return render(request, "cart/_badge.html", {"badge_count": count})
