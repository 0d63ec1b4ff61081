"""Storefront pages served from the shared copy to visitors without a session (core.page_cache)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from shequ.catalog.services import product_save
from shequ.catalog.tests import test_storefront_pages as storefront

pytestmark = pytest.mark.django_db

shop = storefront.shop  # the storefront tests' small dairy shop (a fixture)
html = storefront.html

TOKEN_RE = re.compile(r'"X-CSRFToken": "([^"]+)"')


def token_in(page: str) -> str:
    match = TOKEN_RE.search(page)
    assert match, "the page carries no CSRF token for HTMX"
    return match.group(1)


@pytest.mark.parametrize("url", ["/", "/c/", "/c/dairy/", "/search/?q=milk", "/search/", "/p/pure-milk/"])
def test_a_visitor_without_a_session_gets_the_shared_copy_without_rendering(shop, url):
    first = Client().get(url)
    again = Client().get(url)

    assert first.status_code == again.status_code == 200
    assert first.templates and not again.templates  # the second visitor's page was not rendered
    # The same page, apart from each visitor's own CSRF token.
    assert token_in(html(first)) != token_in(html(again))
    assert TOKEN_RE.sub("", html(first)) == TOKEN_RE.sub("", html(again)).replace(
        token_in(html(again)), token_in(html(first))
    )


def test_the_csrf_token_in_a_shared_page_works_for_its_visitor(shop):
    visitor = Client(enforce_csrf_checks=True)
    Client().get("/p/pure-milk/")  # someone else filled the shared copy
    page = html(visitor.get("/p/pure-milk/"))
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    refused = visitor.post("/i18n/setlang/", {"language": "en", "next": "/p/pure-milk/"})
    accepted = visitor.post(
        "/i18n/setlang/", {"language": "en", "next": "/p/pure-milk/"}, HTTP_X_CSRFTOKEN=token_in(page)
    )
    with_form_token = visitor.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": form_token})

    assert refused.status_code == 403
    assert accepted.status_code == 302 and with_form_token.status_code == 302


def test_a_change_to_the_product_shows_to_the_next_visitor_at_once(shop, django_capture_on_commit_callbacks):
    assert "纯牛奶" in html(Client().get("/p/pure-milk/"))

    with django_capture_on_commit_callbacks(execute=True):
        shop.pure_milk.name = "草原纯牛奶"
        product_save(product=shop.pure_milk)

    assert "草原纯牛奶" in html(Client().get("/p/pure-milk/"))


def test_each_language_has_its_own_copy(shop):
    Client().get("/p/pure-milk/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    english = html(Client().get("/p/pure-milk/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "Pure milk" in english and '<html lang="en">' in english


def test_a_visitor_with_a_session_gets_a_page_rendered_for_them(shop, make_user):
    Client().get("/p/pure-milk/")
    member = Client()
    member.force_login(make_user())

    response = member.get("/p/pure-milk/")

    assert response.status_code == 200 and response.templates


def test_a_guest_with_a_cart_sees_their_own_badge_and_leaves_the_shared_copy_alone(shop):
    sku = shop.pure_milk.skus.first()
    guest = Client()
    added = guest.post("/cart/add/", {"sku_id": sku.pk, "quantity": 2}, HTTP_HX_REQUEST="true")
    assert added.status_code == 200

    theirs = html(guest.get("/p/pure-milk/"))
    newcomer = html(Client().get("/p/pure-milk/"))

    badge = re.compile(r'data-testid="cart-badge"[^>]*>(\d+)<')
    assert int(badge.search(theirs).group(1)) >= 1
    assert badge.search(newcomer).group(1) == "0"


def test_the_shared_copys_token_placeholder_is_secret_to_the_deployment(settings):
    """The shared copy is filled with str.replace: a placeholder anyone could write into a review would pull
    in the visitor's CSRF token there. It comes from SECRET_KEY instead of the source code."""
    from shequ.core.page_cache import csrf_placeholder

    settings.SECRET_KEY = "one deployment " * 4
    ours = csrf_placeholder()
    settings.SECRET_KEY = "another deployment " * 4

    assert csrf_placeholder() != ours
    assert ours.isalnum() and len(ours) >= 24


def test_text_that_looks_like_a_token_placeholder_is_shown_as_written(shop):
    """Before the placeholder came from SECRET_KEY it was this constant: a description holding it would
    have shown every visitor their CSRF token."""
    old_placeholder = "csrfPlaceholder0d6b1f4e9a27c358"
    shop.pure_milk.description = f"<p>成分 {old_placeholder}</p>"
    product_save(product=shop.pure_milk)

    first, again = Client().get("/p/pure-milk/"), Client().get("/p/pure-milk/")

    assert old_placeholder in html(first) and old_placeholder in html(again)  # not replaced by a token
