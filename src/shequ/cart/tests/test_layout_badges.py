"""The layout's cart and inbox badges on a logged-in page (core/request_prefetch.py)."""

from __future__ import annotations

import re

import pytest

from shequ.core.testing import spy_cache_reads

pytestmark = pytest.mark.django_db


def test_the_layouts_badges_come_with_the_user_row_in_one_cache_read(web_client, user, monkeypatch):
    """The cart and inbox badges of a logged-in page: their counts as cached, fetched in the same get_many as
    the viewer's user row (core/request_prefetch.py) instead of a cache round trip each."""
    from django.core.cache import cache

    from shequ.accounts.auth_backend import user_cache_key
    from shequ.cart.owner import CartOwner
    from shequ.cart.services import badge_key as cart_key
    from shequ.notifications.realtime import badge_key as inbox_key

    cache.set(cart_key(CartOwner(user=user)), 3)
    cache.set(inbox_key(user.pk), 5)
    reads = spy_cache_reads(monkeypatch)

    page = web_client.get("/community/").content.decode()

    assert re.search(r'data-testid="inbox-badge"[^>]*>5</i>', page)
    assert re.search(r'data-testid="cart-badge"[^>]*>3</span>', page)
    badge_reads = [
        keys for keys in reads if any(k in (cart_key(CartOwner(user=user)), inbox_key(user.pk)) for k in keys)
    ]
    assert len(badge_reads) == 1
    assert {cart_key(CartOwner(user=user)), inbox_key(user.pk), user_cache_key(user.pk)} <= set(badge_reads[0])


@pytest.mark.parametrize(("method", "shown"), [("get", 1), ("post", 4)])
def test_badges_read_with_the_user_serve_safe_requests_only(user, rf, method, shown):
    """Values fetched with the user row are read before the view runs; a POST may change the cart, so its
    layout reads the count again (the one it just wrote), while a GET uses the copy it already has."""
    from django.core.cache import cache

    from shequ.accounts.auth_backend import CachedModelBackend
    from shequ.cart.owner import CartOwner
    from shequ.cart.services import badge_key as cart_key
    from shequ.core import request_prefetch

    cache.set(cart_key(CartOwner(user=user)), 1)
    viewer = CachedModelBackend().get_user(user.pk)  # the request starts: user row and badges, one read
    cache.set(cart_key(CartOwner(user=user)), 4)  # the view changes the cart

    request = getattr(rf, method)("/cart/add/")
    request.user = viewer

    assert request_prefetch.cached(request, "cart_badge") == shown
