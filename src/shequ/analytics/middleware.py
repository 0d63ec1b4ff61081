"""Identify the visitor and visit for every request, and record page views of the web pages."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qsl, urlencode

from django.http import HttpRequest, HttpResponse

from shequ.analytics.context import UTM_FIELDS, EventContext, activate, deactivate
from shequ.analytics.services import track

ANON_COOKIE = "sq_aid"
VISIT_COOKIE = "sq_sid"
UTM_COOKIE = "sq_utm"
VISIT_SECONDS = 30 * 60
ANON_SECONDS = 2 * 365 * 24 * 3600
UTM_SECONDS = 7 * 24 * 3600
_SKIP_PREFIXES = ("/static/", "/media/", "/admin/", "/healthz", "/favicon", "/api/")


def _clean_id(value: str | None) -> str:
    value = (value or "").strip()
    return value[:64] if value and value.replace("-", "").replace("_", "").isalnum() else ""


class AnalyticsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_api = request.path.startswith("/api/")
        anonymous_id = _clean_id(request.headers.get("X-Anonymous-Id")) or _clean_id(request.COOKIES.get(ANON_COOKIE))
        new_visitor = not anonymous_id
        anonymous_id = anonymous_id or uuid.uuid4().hex
        session_id = (
            _clean_id(request.headers.get("X-Session-Id"))
            or _clean_id(request.COOKIES.get(VISIT_COOKIE))
            or uuid.uuid4().hex
        )
        utm = {k: v[:100] for k, v in request.GET.items() if k in UTM_FIELDS and v}
        landing_utm = bool(utm)
        if not utm:
            utm = {k: v for k, v in parse_qsl(request.COOKIES.get(UTM_COOKIE, "")) if k in UTM_FIELDS}
        channel = (
            request.GET.get("channel")
            or request.headers.get("X-Channel")
            or utm.get("utm_source")
            or ("api" if is_api else "web")
        )[:32]
        ctx = EventContext(
            anonymous_id=anonymous_id,
            session_id=session_id,
            device_id=_clean_id(request.headers.get("X-Device-Id")),
            channel=channel,
            utm=utm,
        )
        request.event_context = ctx
        token = activate(ctx)
        try:
            response = self.get_response(request)
        finally:
            deactivate(token)

        if is_api or not response.get("Content-Type", "").startswith("text/html"):
            # Images, files and JSON stay cookie-free so shared caches and CDNs may store them.
            return response
        if new_visitor:
            response.set_cookie(ANON_COOKIE, anonymous_id, max_age=ANON_SECONDS, samesite="Lax", httponly=True)
        # The visit id slides: a visit ends after 30 minutes without a request.
        response.set_cookie(VISIT_COOKIE, session_id, max_age=VISIT_SECONDS, samesite="Lax", httponly=True)
        if landing_utm:
            response.set_cookie(UTM_COOKIE, urlencode(utm), max_age=UTM_SECONDS, samesite="Lax", httponly=True)
        if self._is_page_view(request, response):
            user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
            match = getattr(request, "resolver_match", None)
            track(
                user or anonymous_id,
                "page_view",
                {
                    "path": request.path[:300],
                    "view": match.view_name if match else "",
                    "referrer": request.headers.get("Referer", "")[:300],
                    "htmx": bool(request.headers.get("HX-Request")),
                },
                context=ctx,
            )
        return response

    @staticmethod
    def _is_page_view(request: HttpRequest, response: HttpResponse) -> bool:
        return (
            request.method == "GET"
            and response.status_code == 200
            and not request.path.startswith(_SKIP_PREFIXES)
            and response.get("Content-Type", "").startswith("text/html")
            and not request.headers.get("HX-Request")
        )
