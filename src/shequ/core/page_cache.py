"""Whole-page cache for visitors who bring no session: the page they get is the same for all of them.

Most storefront traffic is people arriving from a shared link or a search engine with no session yet; for them
a product or listing page depends only on the URL, the language and the data's versions, so it is rendered
once and then served from ``fragment_cache`` (in-process, then the shared cache) without touching a template.
The one per-visitor piece, the CSRF token, is rendered as a placeholder and filled in per response.

Anyone with a session or another cookie that may change the page (logged in, a guest cart, a flash message
waiting) gets the page rendered for them, as before: what they see can differ from the shared copy. The key
must name every version the page depends on; callers pass them in ``key``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language

from shequ.core import fragment_cache


def csrf_placeholder() -> str:
    """Where the shared copy has the CSRF token. Letters and digits only, so escaping in any template context
    leaves it as it is; derived from SECRET_KEY, so that no review or description can contain it and be filled
    with the visitor's token (every copy is filled with ``str.replace``)."""
    return "csrf" + salted_hmac("shequ.core.page_cache", "csrf placeholder").hexdigest()[:28]


MAX_PATH = 512


def shareable(request: HttpRequest) -> bool:
    """Whether this request would get the same page as any other sending the same URL and language: it
    carries only cookies known not to change what a page shows (SHEQU_SHARED_PAGE_COOKIES). Any other cookie
    (a session, a guest cart, a flash message) may, so its page is rendered for it."""
    if request.method not in ("GET", "HEAD") or request.headers.get("HX-Request"):
        return False
    if len(request.get_full_path()) > MAX_PATH:
        return False
    allowed = settings.SHEQU_SHARED_PAGE_COOKIES
    return all(name in allowed for name in request.COOKIES)


def render_page(
    request: HttpRequest,
    template: str,
    context: dict | Callable[[], dict],
    *,
    key: str,
    ttl: int,
    status: int = 200,
    meta: Callable[[], object] | None = None,
) -> HttpResponse:
    """``render(request, template, context)``, served from the shared copy when the visitor has no session.

    ``key`` names the page and every version it depends on (the URL and language are added here); ``context``
    may be a callable so that a cache hit does not even build it. ``meta``, called after the context is built,
    gives a small value kept with the shared copy (what the caller learnt while building, e.g. which variant
    the page shows); it is on the response as ``page_meta`` either way.
    """
    if not shareable(request):
        response = render(request, template, context() if callable(context) else context, status=status)
        response.page_meta = meta() if meta else None
        return response
    path = hashlib.blake2b(request.get_full_path().encode(), digest_size=12).hexdigest()
    placeholder = csrf_placeholder()
    # The placeholder in the key: servers with another SECRET_KEY (a rolling rotation) keep their own copies.
    cache_key = f"pg2:{placeholder[-6:]}:{key}:{get_language()}:{path}"

    def build() -> tuple[str, object]:
        values = context() if callable(context) else context
        html = render_to_string(template, {**values, "csrf_token": placeholder}, request)
        return html, meta() if meta else None

    html, page_meta = fragment_cache.get_or_build(cache_key, build, ttl)
    response = HttpResponse(html.replace(placeholder, get_token(request)), status=status)
    response.page_meta = page_meta
    return response
