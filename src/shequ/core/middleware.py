"""Render a DomainError that escapes a web view as a proper 4xx page instead of a 500."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from shequ.core.errors import DomainError


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        if request.path.startswith("/api/") or request.headers.get("Accept", "").startswith("application/json"):
            response: HttpResponse = JsonResponse(exception.as_dict(), status=exception.status)
        else:
            response = render(request, "error.html", {"error": exception}, status=exception.status)
        for name, value in exception.headers.items():
            response[name] = value
        return response
