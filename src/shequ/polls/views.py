"""Poll pages: the list, one poll with an HTMX vote (the poll card swaps to its results), full-page fallback."""

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
from shequ.polls import selectors, services

PAGE_SIZE = 10


def poll_list_view(request: HttpRequest) -> HttpResponse:
    official = request.GET.get("official") == "1"
    page = Paginator(selectors.poll_list(official_only=official), PAGE_SIZE).get_page(request.GET.get("page"))
    views = selectors.poll_views(list(page.object_list), user=request.user)
    return render(request, "polls/list.html", {"page": page, "views": views, "official": official})


def _card(request: HttpRequest, poll_id: int, *, error: str = "", status: int = 200) -> HttpResponse:
    view = selectors.poll_views([selectors.poll_get(poll_id=poll_id)], user=request.user)[0]
    template = "polls/_poll.html" if request.htmx else "polls/detail.html"
    return render(request, template, {"view": view, "error": error}, status=status)


def poll_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    track(request.user if request.user.is_authenticated else None, "poll_viewed", {"poll_id": pk})
    selectors.poll_get(poll_id=pk)
    return _card(request, pk)


@login_required
@require_POST
def poll_vote_view(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.poll_get(poll_id=pk)
    try:
        services.poll_vote(user=request.user, poll_id=pk, option_ids=request.POST.getlist("option"))
    except DomainError as exc:
        if request.htmx:
            return _card(request, pk, error=str(exc.message), status=exc.status)
        messages.error(request, exc.message)
        return redirect("polls:detail", pk=pk)
    if request.htmx:
        return _card(request, pk)
    messages.success(request, _("Thanks for voting!"))
    return redirect("polls:detail", pk=pk)
