"""After-sales pages for buyers (phone-first): ask from an order, my requests, one request with its timeline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shequ.aftersales import forms, selectors
from shequ.aftersales.access import aftersale_get_for_user
from shequ.aftersales.services import buyer
from shequ.analytics.services import track
from shequ.core.errors import DomainError
from shequ.core.web import add_domain_error
from shequ.logistics.selectors import carrier_choices

PAGE_SIZE = 10


def _quantities(request: HttpRequest) -> list[tuple[int, int]]:
    """(order item id, quantity) from the ``qty_<id>`` fields; unreadable numbers count as 0."""
    pairs = []
    for key, value in request.POST.items():
        if key.startswith("qty_") and key[4:].isdigit():
            try:
                pairs.append((int(key[4:]), int(value or 0)))
            except ValueError:
                pairs.append((int(key[4:]), -1))
    return pairs


@login_required
def aftersale_list_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.aftersale_list_for_user(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "aftersales/list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def aftersale_new_view(request: HttpRequest, order_number: str) -> HttpResponse:
    eligibility = selectors.aftersale_eligibility(user=request.user, order_number=order_number)
    form = forms.AfterSaleForm(request.POST or None, kinds=eligibility.kinds)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                aftersale = buyer.aftersale_create(
                    user=request.user,
                    order_number=order_number,
                    kind=form.cleaned_data["kind"],
                    reason=form.cleaned_data["reason"],
                    description=form.cleaned_data["description"],
                    items=_quantities(request),
                    photos=request.FILES.getlist("photos"),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Request sent. We will review it within 1–2 working days."))
                return redirect("aftersales:detail", number=aftersale.number)
        else:
            status = 400
    chosen = dict(_quantities(request)) if request.method == "POST" else {}
    lines = [(line, chosen.get(line.order_item.pk, 0)) for line in eligibility.lines]
    return render(
        request,
        "aftersales/new.html",
        {"form": form, "eligibility": eligibility, "order": eligibility.order, "lines": lines},
        status=status,
    )


def _detail_context(aftersale, return_form, carriers: list[tuple[str, str]]) -> dict:
    # The request stores the carrier's code; the buyer reads its name (the code if it was retired since).
    return_carrier_name = dict(carriers).get(aftersale.return_carrier, aftersale.return_carrier)
    return {"aftersale": aftersale, "return_form": return_form, "return_carrier_name": return_carrier_name}


@login_required
def aftersale_detail_view(request: HttpRequest, number: str) -> HttpResponse:
    aftersale = aftersale_get_for_user(user=request.user, number=number)
    track(request.user, "aftersale_viewed", {"number": aftersale.number, "status": aftersale.status, "via": "web"})
    carriers = carrier_choices()
    form = forms.ReturnShipmentForm(carriers=carriers)
    return render(request, "aftersales/detail.html", _detail_context(aftersale, form, carriers))


@login_required
@require_POST
def aftersale_withdraw_view(request: HttpRequest, number: str) -> HttpResponse:
    aftersale = aftersale_get_for_user(user=request.user, number=number)
    try:
        buyer.aftersale_withdraw(aftersale=aftersale, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Request withdrawn."))
    return redirect("aftersales:detail", number=number)


@login_required
@require_POST
def aftersale_return_shipment_view(request: HttpRequest, number: str) -> HttpResponse:
    aftersale = aftersale_get_for_user(user=request.user, number=number)
    carriers = carrier_choices()
    form = forms.ReturnShipmentForm(request.POST, carriers=carriers)
    status = 400
    if form.is_valid():
        try:
            buyer.aftersale_return_shipment_set(
                aftersale=aftersale,
                user=request.user,
                carrier_code=form.cleaned_data["carrier_code"],
                tracking_no=form.cleaned_data["tracking_no"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("Thank you. We will let you know when your parcel arrives."))
            return redirect("aftersales:detail", number=number)
    aftersale = aftersale_get_for_user(user=request.user, number=number)
    return render(request, "aftersales/detail.html", _detail_context(aftersale, form, carriers), status=status)
