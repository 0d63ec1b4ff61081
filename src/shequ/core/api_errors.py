"""Turn every failure an API client can cause into ``{"code", "message"}`` JSON with a 4xx status."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError

from shequ.core.errors import DomainError


def _response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    details: dict | None = None,
    headers: dict | None = None,
) -> HttpResponse:
    body = {"code": code, "message": message}
    if details:
        body["details"] = details
    response = api.create_response(request, body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return _response(api, request, exc.status, exc.code, str(exc.message), exc.details, exc.headers)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        errors = [
            {
                "field": ".".join(str(part) for part in err.get("loc", ())[1:]) or None,
                "type": err.get("type"),
                "message": err.get("msg"),
            }
            for err in exc.errors
        ]
        return _response(
            api, request, 422, "invalid_input", _("Some of the data sent is not valid."), {"errors": errors}
        )

    @api.exception_handler(AuthenticationError)
    def not_authenticated(request, exc):
        return _response(
            api, request, 401, "not_authenticated", _("Please log in first."), headers={"WWW-Authenticate": "Bearer"}
        )

    @api.exception_handler(AuthorizationError)
    def forbidden(request, exc):
        return _response(api, request, 403, "forbidden", _("You are not allowed to do this."))

    @api.exception_handler(Throttled)
    def throttled(request, exc: Throttled):
        wait = int(exc.wait or 1)
        return _response(
            api,
            request,
            429,
            "rate_limited",
            _("Too many requests. Try again later."),
            {"retry_after": wait},
            {"Retry-After": str(wait)},
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return _response(api, request, 404, "not_found", _("Not found."))

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        code = {400: "bad_request", 405: "method_not_allowed", 413: "too_large"}.get(exc.status_code, "error")
        message = _("The request could not be understood.") if exc.status_code == 400 else str(exc)
        return _response(api, request, exc.status_code, code, message)
