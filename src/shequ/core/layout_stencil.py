"""A page in the site's layout, rendered once per process as a stencil and filled per request.

Rendering ``base.html`` around a page costs a logged-in viewer more than the rest of a cached post page:
context processors, block inheritance, the badges' includes and a second CSRF masking. Yet the layout differs
between two viewers only in a few places: the CSRF token, the language switch's "next" path, the inbox bell
and the cart tab (templates/base.html marks them with ``STENCIL``). So the page template is rendered once
per process, page kind, language and tab with placeholders for those places and for the page's own values
(``fills``), and each request replaces the placeholders: the badges by rendering their own small templates,
the rest by plain strings.

A request with a flash message waiting is rendered the ordinary way (returns None): the layout shows it.
"""

from __future__ import annotations

import re
import secrets

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils.html import escape
from django.utils.translation import get_language

from shequ.core.context_processors import active_tab
from shequ.core.templatetags.chrome import render_once

_LAYOUT_SLOTS = ("csrf", "next", "inbox", "cart")
_INCLUDES = {"inbox": "notifications/_header_badge.html", "cart": "cart/_tab.html"}
# Letters and digits only, so that escaping in any template context leaves them as they are; with a secret
# per process (stencils never leave it), so that no post or nickname can contain one and be filled with the
# viewer's CSRF token. Filled in one pass: a filled value is never scanned again.
_NONCE = secrets.token_hex(8)
_PLACEHOLDER = re.compile(rf"sqStencil([a-z]+){_NONCE}")


def placeholder(name: str) -> str:
    """The stand-in for ``name`` (lowercase letters) in a stencil; a page's own values use these too."""
    return f"sqStencil{name}{_NONCE}"


def csrf_token(request: HttpRequest) -> str:
    """The request's masked CSRF token, masked once per request: each ``get_token`` call masks anew, with 32
    draws from the system's random source."""
    token = getattr(request, "_shequ_csrf_token", None)
    if token is None:
        token = request._shequ_csrf_token = get_token(request)
    return token


def render_stencilled(
    request: HttpRequest, template_name: str, *, kind: str, context: dict, fills: dict[str, str]
) -> HttpResponse | None:
    """``template_name`` (a page extending base.html) for this request, from the process's stencil.

    ``context`` builds the stencil: the page's own per-request values in it are ``placeholder(name)``;
    ``fills`` gives each such name its HTML for this request (escaped by the caller). ``kind`` names the page
    (with the language and the active tab it keys the stencil), so the context must not vary within a kind
    except through placeholders. None when this request needs the ordinary render (a flash message waits).
    """
    if len(get_messages(request)):
        return None
    lang = get_language() or ""
    tab = active_tab(request.path)

    def build() -> str:
        stencil = {name: placeholder(name) for name in _LAYOUT_SLOTS}
        values = {**context, "STENCIL": stencil, "csrf_token": stencil["csrf"]}
        return render_to_string(template_name, values, request)

    html = render_once(("layout-stencil", template_name, kind, lang, tab), build)
    small = Context({"request": request, "LANG": lang})
    values = {
        "csrf": csrf_token(request),
        "next": escape(request.get_full_path()),
        **{name: get_template(include).template.render(small) for name, include in _INCLUDES.items()},
        **fills,
    }
    return HttpResponse(_PLACEHOLDER.sub(lambda match: values[match.group(1)], html))
