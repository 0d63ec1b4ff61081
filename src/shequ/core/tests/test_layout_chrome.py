"""The page layout's tab bar and header, rendered once per language and active tab (core.templatetags.chrome)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ACTIVE_RE = re.compile(r'<a href="([^"]+)" class="active"(?: data-testid="[^"]+")?><span class="ico">')


def active_tab(client: Client, url: str, language: str = "zh-hans") -> list[str]:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return ACTIVE_RE.findall(response.content.decode())


def test_each_page_marks_its_own_tab(client, web_client):
    assert active_tab(client, "/") == ["/"]
    assert active_tab(client, "/c/") == ["/c/"]
    assert active_tab(client, "/community/") == ["/community/"]
    assert active_tab(web_client, "/accounts/me/") == ["/accounts/me/"]
    assert active_tab(client, "/search/?q=x") == []


def test_the_tab_bar_follows_the_language(client):
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "</span>社区</a>" in chinese and "</span>Community</a>" not in chinese
    assert "</span>Community</a>" in english and "</span>社区</a>" not in english


def test_each_page_keeps_its_own_title(client):
    from django.conf import settings

    home = client.get("/").content.decode()
    categories = client.get("/c/").content.decode()

    assert f"<title>{settings.SHEQU_SITE_NAME}</title>" not in categories
    assert home.split("<title>")[1].split("</title>")[0] != categories.split("<title>")[1].split("</title>")[0]


def test_a_block_inside_a_shared_part_is_refused():
    from django.template import Template, TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        Template('{% load chrome %}{% chrome "x" %}{% block title %}{% endblock %}{% endchrome %}')


def test_the_layouts_badges_come_from_one_cache_read(web_client, user, monkeypatch):
    """The cart and inbox badges of a logged-in page: their counts as cached, fetched in one get_many
    (core/request_prefetch.py) instead of a cache round trip per badge."""
    from django.core.cache import cache

    from shequ.cart.owner import CartOwner
    from shequ.cart.services import badge_key as cart_key
    from shequ.notifications.realtime import badge_key as inbox_key

    cache.set(cart_key(CartOwner(user=user)), 3)
    cache.set(inbox_key(user.pk), 5)
    reads, inside = [], []
    get_many, get = cache.get_many, cache.get

    def spy_get_many(keys, *args, **kwargs):
        reads.append(sorted(keys))
        inside.append(True)  # local memory's get_many calls get per key: those are not round trips
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    def spy_get(key, *args, **kwargs):
        if not inside:
            reads.append([key])
        return get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", spy_get_many)
    monkeypatch.setattr(cache, "get", spy_get)

    page = web_client.get("/community/").content.decode()

    assert re.search(r'data-testid="inbox-badge"[^>]*>5</i>', page)
    assert re.search(r'data-testid="cart-badge"[^>]*>3</span>', page)
    badge_reads = [
        keys for keys in reads if any(k in (cart_key(CartOwner(user=user)), inbox_key(user.pk)) for k in keys)
    ]
    assert badge_reads == [sorted([cart_key(CartOwner(user=user)), inbox_key(user.pk)])]
