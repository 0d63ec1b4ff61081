"""Campaign pages (phone-first, HTMX with full-page fallbacks): new-user tasks, the points mall, trials and
a campaign's landing page. Views parse, call one service or selector, render."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shequ.accounts import selectors as account_selectors
from shequ.analytics.services import track
from shequ.campaigns import points, selectors
from shequ.campaigns.services import campaign_join, mall_redeem, task_claim, trial_apply
from shequ.campaigns.services.campaigns import campaign_is_live
from shequ.campaigns.services.mall import mall_item_get
from shequ.core.errors import DomainError

PAGE_SIZE = 20


def _error_response(request: HttpRequest, exc: DomainError, fallback: str, *args) -> HttpResponse:
    if request.htmx:
        return render(request, "campaigns/_error.html", {"error": exc.message}, status=exc.status)
    messages.error(request, str(exc.message))
    return redirect(fallback, *args)


# --- tasks ------------------------------------------------------------------------------------------------


@login_required
def tasks_view(request: HttpRequest) -> HttpResponse:
    board = selectors.task_board(user=request.user)
    track(request.user, "tasks_viewed", {"done": board.done, "total": board.total})
    return render(request, "campaigns/tasks.html", {"board": board})


@login_required
@require_POST
def task_claim_view(request: HttpRequest, code: str) -> HttpResponse:
    try:
        task_claim(user=request.user, code=code)
    except DomainError as exc:
        return _error_response(request, exc, "campaigns:tasks")
    board = selectors.task_board(user=request.user)
    if request.htmx:
        return render(request, "campaigns/_task_list.html", {"board": board, "just_claimed": code})
    messages.success(request, _("Reward collected."))
    return redirect("campaigns:tasks")


# --- points mall ------------------------------------------------------------------------------------------


@login_required
def mall_view(request: HttpRequest) -> HttpResponse:
    items = list(selectors.mall_items())
    balance = points.balance(user_id=request.user.pk)
    track(request.user, "mall_viewed", {"count": len(items), "balance": balance})
    return render(request, "campaigns/mall.html", {"items": items, "balance": balance})


@login_required
def mall_item_view(request: HttpRequest, item_id: int) -> HttpResponse:
    item = mall_item_get(item_id=item_id)
    track(request.user, "mall_item_viewed", {"item_id": item.pk, "kind": item.kind})
    context = {
        "item": item,
        "balance": points.balance(user_id=request.user.pk),
        "addresses": list(account_selectors.address_list(user=request.user)) if item.kind == "product" else [],
        "idempotency_key": uuid.uuid4().hex,
    }
    return render(request, "campaigns/mall_item.html", context)


@login_required
@require_POST
def mall_redeem_view(request: HttpRequest, item_id: int) -> HttpResponse:
    try:
        redeemed = mall_redeem(
            user=request.user,
            item_id=item_id,
            idempotency_key=request.POST.get("idempotency_key", ""),
            address_id=request.POST.get("address_id") or None,
        )
    except DomainError as exc:
        track(request.user, "mall_redeem_failed", {"item_id": item_id, "code": exc.code})
        return _error_response(request, exc, "campaigns:mall_item", item_id)
    messages.success(request, _("Redeemed: %(title)s") % {"title": redeemed.redemption.item.title})
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = "/campaigns/mall/history/"
        return response
    return redirect("campaigns:mall_history")


@login_required
def mall_history_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.mall_history(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campaigns/mall_history.html", {"page": page})


# --- trials -----------------------------------------------------------------------------------------------


def trials_view(request: HttpRequest) -> HttpResponse:
    trials = list(selectors.trial_list()[:50])
    mine = (
        selectors.my_applications(user=request.user, trial_ids=[t.pk for t in trials])
        if request.user.is_authenticated
        else {}
    )
    track(request.user if request.user.is_authenticated else None, "trials_viewed", {"count": len(trials)})
    rows = [(trial, mine.get(trial.pk)) for trial in trials]
    return render(request, "campaigns/trials.html", {"rows": rows})


def trial_detail_view(request: HttpRequest, trial_id: int) -> HttpResponse:
    trial = selectors.trial_get(trial_id=trial_id)
    application, addresses = None, []
    if request.user.is_authenticated:
        application = selectors.my_applications(user=request.user, trial_ids=[trial.pk]).get(trial.pk)
        addresses = list(account_selectors.address_list(user=request.user))
    track(request.user if request.user.is_authenticated else None, "trial_viewed", {"trial_id": trial.pk})
    return render(
        request,
        "campaigns/trial_detail.html",
        {"trial": trial, "application": application, "addresses": addresses, "error": None, "reason": ""},
    )


@login_required
@require_POST
def trial_apply_view(request: HttpRequest, trial_id: int) -> HttpResponse:
    trial = selectors.trial_get(trial_id=trial_id)
    try:
        trial_apply(
            user=request.user,
            trial=trial,
            reason=request.POST.get("reason", ""),
            address_id=request.POST.get("address_id") or None,
        )
    except DomainError as exc:
        context = {
            "trial": trial,
            "application": selectors.my_applications(user=request.user, trial_ids=[trial.pk]).get(trial.pk),
            "addresses": list(account_selectors.address_list(user=request.user)),
            "error": exc.message,
            "reason": request.POST.get("reason", "")[:500],
        }
        return render(request, "campaigns/trial_detail.html", context, status=exc.status)
    messages.success(request, _("Application sent. We will tell you the result."))
    return redirect("campaigns:trial", trial_id=trial.pk)


# --- campaign landing -------------------------------------------------------------------------------------


def campaign_view(request: HttpRequest, code: str) -> HttpResponse:
    campaign = selectors.campaign_get_live(code=code)
    track(request.user if request.user.is_authenticated else None, "campaign_viewed", {"campaign": campaign.code})
    context = {
        "campaign": campaign,
        "templates": list(campaign.coupon_templates.filter(is_active=True)),
        "trials": list(campaign.trials.exclude(status="closed")),
        "items": list(campaign.mall_items.filter(is_active=True)),
        "live": campaign_is_live(campaign),
    }
    return render(request, "campaigns/campaign.html", context)


@login_required
@require_POST
def campaign_join_view(request: HttpRequest, code: str) -> HttpResponse:
    campaign = selectors.campaign_get_live(code=code)
    try:
        campaign_join(user=request.user, campaign=campaign)
    except DomainError as exc:
        return _error_response(request, exc, "campaigns:campaign", code)
    messages.success(request, _("You're in! Your coupons are in My coupons."))
    return redirect("campaigns:campaign", code=code)
