"""The post page and the community home served from the layout's stencil (core/layout_stencil.py): the same
page as the ordinary render, each viewer's own badges, CSRF token and path, flash messages still shown, and
nothing a user writes can make the page fill in the viewer's token."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from shequ.community import feeds_views, post_render
from shequ.core import layout_stencil

pytestmark = pytest.mark.django_db

TOKEN_SPOTS = (
    r'(X-CSRFToken": ")[^"]+(")',
    r'(name="csrfmiddlewaretoken" value=")[^"]+(")',
    r'("csrfmiddlewaretoken": ")[^"]+(")',
)


def _without_tokens(html: str) -> str:
    """A page with its CSRF tokens blanked: every render masks the token anew."""
    for spot in TOKEN_SPOTS:
        html = re.sub(spot, r"\1T\2", html)
    return html


def _logged_in(user, *, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user, backend="shequ.accounts.auth_backend.CachedModelBackend")
    return client


def _ordinary(monkeypatch, client: Client, url: str) -> str:
    """The page as Django renders it without the stencil."""
    with monkeypatch.context() as patch:
        patch.setattr(post_render, "render_stencilled", lambda *args, **kwargs: None)
        patch.setattr(feeds_views, "render_stencilled", lambda *args, **kwargs: None)
        return client.get(url).content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("logged_in", [True, False])
def test_stencilled_pages_are_the_ordinary_pages(monkeypatch, make_post, reader, logged_in, language):
    post = make_post("周末做了芒果班戟 #甜品#")
    client = _logged_in(reader, language=language) if logged_in else Client(HTTP_ACCEPT_LANGUAGE=language)

    for url in (f"/community/p/{post.pk}/?from=a&b=<i>", "/community/?tab=hot", "/community/?tab=following"):
        stencilled = client.get(url)
        assert stencilled.status_code == 200
        assert _without_tokens(stencilled.content.decode()) == _without_tokens(_ordinary(monkeypatch, client, url))


def test_each_viewer_gets_their_own_badges_token_and_path(make_post, reader, make_user):
    from django.core.cache import cache

    from shequ.cart.owner import CartOwner
    from shequ.cart.services import badge_key as cart_key
    from shequ.notifications.realtime import badge_key as inbox_key

    other = make_user(nickname="另一位读者")
    post = make_post("两个人看同一篇帖子")
    cache.set(cart_key(CartOwner(user=reader)), 2)
    cache.set(cart_key(CartOwner(user=other)), 7)
    cache.set(inbox_key(other.pk), 4)
    first, second = _logged_in(reader), _logged_in(other)

    mine = first.get(f"/community/p/{post.pk}/?n=1").content.decode()
    theirs = second.get(f"/community/p/{post.pk}/?n=2").content.decode()

    assert re.search(r'data-testid="cart-badge"[^>]*>2</span>', mine)
    assert re.search(r'data-testid="cart-badge"[^>]*>7</span>', theirs)
    assert re.search(r'data-testid="inbox-badge" hidden>', mine)
    assert re.search(r'data-testid="inbox-badge">4</i>', theirs)
    assert f'name="next" type="hidden" value="/community/p/{post.pk}/?n=1"' in mine
    assert f'name="next" type="hidden" value="/community/p/{post.pk}/?n=2"' in theirs
    token = re.search(r'X-CSRFToken": "([^"]+)"', theirs).group(1)
    assert token not in mine
    assert layout_stencil.placeholder("csrf") not in mine and "sqStencil" not in theirs


def test_a_flash_message_waiting_is_shown_on_the_page(make_post, reader, product):
    client = _logged_in(reader)
    post = make_post("看完就加购")
    added = client.post("/cart/add/", {"sku_id": product.skus.first().pk, "quantity": 1, "next": "/"})
    assert added.status_code == 302  # "Added to your cart." waits for the next page

    html = client.get(f"/community/p/{post.pk}/").content.decode()

    assert 'class="flash"' in html and "已加入购物车" in html
    assert 'class="flash"' not in client.get(f"/community/p/{post.pk}/").content.decode()  # shown once


def test_text_that_looks_like_a_placeholder_is_shown_as_written(make_post, reader):
    """Fills are placed in one pass: a post's text is never scanned for placeholders, so even one that
    knew the process's secret could not make the page insert the viewer's CSRF token."""
    planted = layout_stencil.placeholder("csrf")
    post = make_post(f"看看这个 {planted} 结束")

    html = _logged_in(reader).get(f"/community/p/{post.pk}/").content.decode()

    assert planted in html
