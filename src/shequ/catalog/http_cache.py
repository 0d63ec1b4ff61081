"""HTTP caching for the catalog: strong ETags, conditional GETs (304) and the Cache-Control/Vary headers.

The API's catalog answers are the same for everybody, so they are ``public`` with a short ``max-age`` and a
``stale-while-revalidate`` window; a client (or CDN) revalidates with ``If-None-Match`` and gets a body-less
304 while nothing changed. Detail ETags come from the product's version, list ETags from a hash of the body
(cached under the catalog generation), so any change to a product changes them. Pages carry a CSRF token and
may show who is logged in: they are ``private`` and vary on the cookie.
"""

from __future__ import annotations

import hashlib

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

# Bump when the JSON shape of a cached answer changes, so old ETags and cached bodies stop matching.
SCHEMA_VERSION = "1"

API_DETAIL_CACHE = "public, max-age=60, stale-while-revalidate=300"
API_LIST_CACHE = "public, max-age=30, stale-while-revalidate=120"
PAGE_CACHE = "private, max-age=30"
# The language comes from the Accept-Language header or the language cookie (LocaleMiddleware).
API_VARY = ("Accept-Language", "Cookie")
PAGE_VARY = ("Accept-Language", "Cookie", "HX-Request")


def etag(*parts: object) -> str:
    """A strong ETag (quoted) for the given parts."""
    raw = ":".join(str(part) for part in (SCHEMA_VERSION, *parts))
    return '"' + hashlib.blake2b(raw.encode(), digest_size=12).hexdigest() + '"'


def body_etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def matches(request: HttpRequest, tag: str) -> bool:
    """Whether the request's If-None-Match names ``tag`` (weak comparison, as RFC 9110 asks for GET)."""
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    if header.strip() == "*":
        return True
    wanted = tag.removeprefix("W/")
    return any(candidate.strip().removeprefix("W/") == wanted for candidate in header.split(","))


def decorate(response: HttpResponse, *, tag: str | None, cache_control: str, vary=API_VARY) -> HttpResponse:
    if tag:
        response["ETag"] = tag
    response["Cache-Control"] = cache_control
    patch_vary_headers(response, vary)
    return response


def not_modified(*, tag: str, cache_control: str, vary=API_VARY) -> HttpResponse:
    return decorate(HttpResponse(status=304), tag=tag, cache_control=cache_control, vary=vary)


def json_response(
    request: HttpRequest, body: bytes, *, tag: str, cache_control: str, vary=API_VARY, status: int = 200
) -> HttpResponse:
    """A JSON answer from already-serialised bytes, or a 304 when the client holds this version."""
    if status == 200 and matches(request, tag):
        return not_modified(tag=tag, cache_control=cache_control, vary=vary)
    response = HttpResponse(body, content_type="application/json; charset=utf-8", status=status)
    return decorate(response, tag=tag, cache_control=cache_control, vary=vary)


def page(response: HttpResponse) -> HttpResponse:
    """Headers for a storefront page (or one of its HTMX fragments)."""
    return decorate(response, tag=None, cache_control=PAGE_CACHE, vary=PAGE_VARY)
