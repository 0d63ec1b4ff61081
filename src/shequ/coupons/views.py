"""My coupons (phone-first): the wallet's tabs, and claiming a coupon by its code."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shequ.analytics.services import track
from shequ.core.errors import DomainError
from shequ.coupons import selectors
from shequ.coupons.services import coupon_claim

PAGE_SIZE = 20


@login_required
def wallet_view(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("tab", "available")
    tab = tab if tab in selectors.WALLET_TABS else "available"
    page = Paginator(selectors.wallet_list(user=request.user, tab=tab), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.wallet_counts(user=request.user)
    track(request.user, "wallet_viewed", {"tab": tab, "count": counts[tab]})
    tabs = [
        ("available", _("Available"), counts["available"]),
        ("used", _("Used"), counts["used"]),
        ("expired", _("Expired"), counts["expired"]),
    ]
    return render(request, "coupons/wallet.html", {"page": page, "tab": tab, "tabs": tabs})


@login_required
@require_POST
def claim_view(request: HttpRequest) -> HttpResponse:
    try:
        issued = coupon_claim(user=request.user, code=request.POST.get("code", ""))
    except DomainError as exc:
        track(request.user, "coupon_claim_failed", {"code": exc.code})
        if request.htmx:
            return render(request, "coupons/_claim_result.html", {"error": exc.message}, status=exc.status)
        messages.error(request, str(exc.message))
        return redirect("coupons:wallet")
    if request.htmx:
        response = render(request, "coupons/_claim_result.html", {"issued": issued})
        response["HX-Refresh"] = "true"
        return response
    messages.success(request, _("Coupon added: %(name)s") % {"name": issued.template.name})
    return redirect("coupons:wallet")
