"""The tab bar's cart badge, rendered from the cache only: a page never pays a query for it. When the count
is not cached yet, the badge loads itself with one small HTMX request."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.translation import get_language

from shequ.cart.owner import owner_for_web
from shequ.cart.services import badge_key
from shequ.core import request_prefetch
from shequ.core.templatetags.chrome import render_once

register = template.Library()


@register.simple_tag(takes_context=True)
def cart_badge(context) -> str:
    request = context.get("request")
    if request is None:
        return ""
    explicit = context.get("badge_count")
    if explicit is not None:
        return _badge(explicit, lazy=False)
    key = badge_key(owner_for_web(request))
    count = request_prefetch.cached(request, "cart_badge") if key else 0
    return _badge(count, lazy=count is None)


def _badge(count, *, lazy: bool) -> str:
    """The badge for this count, rendered once per process and language (it is on every page)."""
    return render_once(
        ("cart-badge", get_language() or "", count, lazy),
        lambda: render_to_string("cart/_badge.html", {"badge_count": count, "lazy": lazy}),
    )
