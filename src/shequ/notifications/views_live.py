"""Live pieces of the inbox: the SSE stream of unread counts, a JSON badge for browsers without
EventSource, and the per-kind mute settings page. (Why SSE: see realtime.py.)"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shequ.notifications import realtime, selectors, services
from shequ.notifications.kinds import COMMUNITY_KINDS


@require_GET
def inbox_stream_view(request: HttpRequest) -> HttpResponse:
    """``text/event-stream`` of ``unread`` events ({"unread": n}) for the logged-in person."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)  # EventSource stops retrying on 204
    response = StreamingHttpResponse(realtime.stream(request.user.pk), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass events through at once
    return response


@require_GET
def inbox_badge_view(request: HttpRequest) -> HttpResponse:
    """The unread count as JSON (the badge's fallback when a browser has no EventSource)."""
    if not request.user.is_authenticated:
        return JsonResponse({"unread": 0})
    cached = realtime.cached_unread_count(request.user.pk)
    return JsonResponse({"unread": cached if cached is not None else realtime.unread_count(request.user.pk)})


@login_required
@require_http_methods(["GET", "POST"])
def inbox_settings_view(request: HttpRequest) -> HttpResponse:
    """Choose which community notifications to receive (unchecked kinds are muted)."""
    if request.method == "POST":
        wanted = set(request.POST.getlist("kinds"))
        muted_now = set(selectors.notification_mutes(user=request.user))
        for kind, _label in COMMUNITY_KINDS:
            should_mute = kind not in wanted
            if should_mute != (kind in muted_now):
                services.notification_mute_set(user=request.user, kind=kind, muted=should_mute)
        messages.success(request, _("Notification settings saved."))
        return redirect("notifications:settings")
    muted = set(selectors.notification_mutes(user=request.user))
    rows = [(kind, label, kind not in muted) for kind, label in COMMUNITY_KINDS]
    return render(request, "notifications/settings.html", {"rows": rows})
