"""Site-wide pages: the home page (until the storefront arrives) and the health check."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the cache answer, 503 otherwise (for load balancers and orchestrators)."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:
        logger.exception("healthz: database check failed")
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("healthz", "1", timeout=10)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "error: read back failed"
    except Exception as exc:
        logger.exception("healthz: cache check failed")
        checks["cache"] = f"error: {exc.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "message": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "server_error", "message": "Something went wrong on our side."}, status=500)
    return render(request, "500.html", status=500)
