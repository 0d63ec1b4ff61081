"""The inbox page (HTMX: load more, mark all read, open one)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shequ.notifications import selectors, services
from shequ.notifications.access import notification_get_for_user

PAGE_SIZE = 20


def _context(request: HttpRequest, page_number) -> dict:
    page = Paginator(selectors.notification_list(user=request.user), PAGE_SIZE).get_page(page_number)
    return {"page": page, "unread": selectors.notification_unread_count(user=request.user)}


@login_required
def inbox_view(request: HttpRequest) -> HttpResponse:
    page_number = request.GET.get("page")
    if request.htmx and page_number:  # "load more"
        return render(request, "notifications/_list.html", _context(request, page_number))
    return render(request, "notifications/inbox.html", _context(request, 1))


@login_required
@require_POST
def inbox_read_view(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_read(user=request.user)
    if request.htmx:
        return render(request, "notifications/_inbox_body.html", _context(request, 1))
    return redirect("notifications:inbox")


@login_required
def inbox_open_view(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = notification_get_for_user(user=request.user, notification_id=notification_id)
    services.notification_open(notification=notification)
    return redirect(notification.link or reverse("notifications:inbox"))
