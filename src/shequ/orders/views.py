"""Checkout and order pages (phone-first, HTMX). Each view parses, calls one service or selector, renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shequ.accounts import selectors as account_selectors
from shequ.analytics.services import track
from shequ.core.errors import DomainError, InvalidInput
from shequ.orders import presentation, selectors
from shequ.orders.access import order_get_for_user
from shequ.orders.forms import CancelForm, CheckoutForm
from shequ.orders.services import (
    checkout_page,
    order_cancel,
    order_change_address,
    order_confirm_receipt,
    order_place,
)

PAGE_SIZE = 10


# --- checkout -------------------------------------------------------------------------------------------


def _checkout_form(data) -> CheckoutForm:
    form = CheckoutForm(data)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise InvalidInput("invalid_input", errors[0], details={"field": field})
    return form


def _checkout_context(request: HttpRequest, form: CheckoutForm, **extra) -> dict:
    checkout = form.to_input()
    page = checkout_page(user=request.user, checkout=checkout)
    return {
        "quote": page.quote,
        "addresses": page.addresses,
        "points_balance": page.points_balance,
        "wallet_coupons": page.wallet_coupons,
        "checkout": checkout,
        "data": form.cleaned_data,
        "items_param": ",".join(str(i) for i in checkout.item_ids) if checkout.item_ids is not None else "",
        "idempotency_key": form.idempotency_key_value(),
        **extra,
    }


@login_required
@require_GET
def checkout_view(request: HttpRequest) -> HttpResponse:
    """The checkout page for the ticked cart lines, ``?items=1,2``, or a "buy now" ``?sku_id=&quantity=``."""
    context = _checkout_context(request, _checkout_form(request.GET))
    quote = context["quote"]
    track(
        request.user,
        "checkout_started",
        {"total": str(quote.total), "lines": len(quote.lines), "buy_now": context["checkout"].buy_now},
    )
    return render(request, "orders/checkout.html", context)


@login_required
@require_POST
def checkout_quote_view(request: HttpRequest) -> HttpResponse:
    """HTMX: the checkout body again after the address, delivery option, coupon or invoice changed."""
    context = _checkout_context(request, _checkout_form(request.POST))
    if context["data"].get("coupon_code") and context["quote"].coupon is not None:
        track(request.user, "coupon_applied", {"code": context["quote"].coupon.code})
    return render(request, "orders/_checkout_body.html", context)


@login_required
@require_POST
def checkout_place_view(request: HttpRequest) -> HttpResponse:
    """Place the order and go to the pay page; on a problem, the checkout again with it explained."""
    form = _checkout_form(request.POST)
    try:
        placed = order_place(
            user=request.user,
            checkout=form.to_input(),
            idempotency_key=form.idempotency_key_value(),
            expected_total=form.cleaned_data.get("expected_total"),
        )
    except DomainError as exc:
        changed = exc.code == "quote_changed"
        context = _checkout_context(
            request,
            form,
            error=_("Prices or availability changed. Please check the new total and place the order again.")
            if changed
            else str(exc.message),
        )
        template = "orders/_checkout_body.html" if request.htmx else "orders/checkout.html"
        return render(request, template, context, status=exc.status)
    target = presentation.pay_url(placed.order)
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


# --- my orders ------------------------------------------------------------------------------------------


@login_required
@require_GET
def order_list_view(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("status") or "all"
    if tab not in selectors.STATUS_TABS:
        tab = "all"
    rows = selectors.order_list_for_user(user=request.user, status=tab)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.order_tab_counts(user=request.user)
    waiting = ("unpaid", "to_ship", "to_receive", "refunds")  # tabs that show how many wait there
    context = {
        "page": page,
        "tab": tab,
        "tabs": [
            (name, label, counts[name] if name in waiting else 0)
            for name, (label, _statuses) in selectors.STATUS_TABS.items()
        ],
    }
    if request.htmx and request.GET.get("page"):
        return render(request, "orders/_order_cards.html", context)
    return render(request, "orders/order_list.html", context)


@login_required
@require_GET
def order_detail_view(request: HttpRequest, number: str) -> HttpResponse:
    page = selectors.order_page_for_user(user=request.user, number=number)
    track(request.user, "order_view", {"order_number": number, "status": page.order.status})
    return render(request, "orders/order_detail.html", {"page": page, "order": page.order})


def _after_action(request: HttpRequest, number: str, done: str) -> HttpResponse:
    messages.success(request, done)
    return redirect("orders:detail", number=number)


def _action_failed(request: HttpRequest, number: str, exc: DomainError) -> HttpResponse:
    messages.error(request, exc.message)
    response = redirect("orders:detail", number=number)
    return response


@login_required
@require_POST
def order_cancel_view(request: HttpRequest, number: str) -> HttpResponse:
    order = order_get_for_user(user=request.user, number=number)
    form = CancelForm(request.POST)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    try:
        order_cancel(order=order, actor=request.user, reason=reason)
    except DomainError as exc:
        return _action_failed(request, number, exc)
    return _after_action(request, number, _("The order was cancelled."))


@login_required
@require_POST
def order_confirm_view(request: HttpRequest, number: str) -> HttpResponse:
    order = order_get_for_user(user=request.user, number=number)
    try:
        order_confirm_receipt(order=order, actor=request.user)
    except DomainError as exc:
        return _action_failed(request, number, exc)
    return _after_action(request, number, _("Thanks! The order is complete."))


@login_required
@require_http_methods(["GET", "POST"])
def order_address_view(request: HttpRequest, number: str) -> HttpResponse:
    """Pick another address from the address book for an order that has not shipped."""
    order = order_get_for_user(user=request.user, number=number)
    error = ""
    status = 200
    if request.method == "POST":
        try:
            order_change_address(order=order, user=request.user, address_id=request.POST.get("address_id", ""))
        except DomainError as exc:
            error, status = str(exc.message), exc.status
        else:
            return _after_action(request, number, _("The delivery address was changed."))
    context = {
        "order": order,
        "addresses": list(account_selectors.address_list(user=request.user)),
        "error": error,
        "actions": presentation.order_actions(order),
    }
    return render(request, "orders/order_address.html", context, status=status)


@login_required
@require_GET
def records_view(request: HttpRequest) -> HttpResponse:
    """Consumption records: purchases, refunds and returns, coupons used."""
    return render(request, "orders/records.html", {"records": selectors.consumption_records(user=request.user)})
