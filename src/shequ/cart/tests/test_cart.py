"""The cart: limits, unavailable items, stale prices and stock, guests, merging at login, other people's lines."""

from decimal import Decimal

import pytest
from django.test import Client

from shequ.analytics.models import Event
from shequ.cart.models import Cart, CartItem
from shequ.cart.owner import COOKIE_NAME, COOKIE_SALT, CartOwner
from shequ.cart.selectors import cart_detail
from shequ.cart.services import cart_add_item, cart_merge_guest
from shequ.catalog.models import ProductStatus
from shequ.catalog.testing import make_product
from shequ.core.errors import InvalidInput, NotFound

pytestmark = pytest.mark.django_db


def test_add_twice_adds_up_and_tracks(user, sku):
    owner = CartOwner(user=user)

    cart_add_item(owner=owner, sku_id=sku.pk, quantity=2)
    item = cart_add_item(owner=owner, sku_id=sku.pk, quantity=3)

    assert item.quantity == 5
    assert item.price_when_added == Decimal("10.00")
    assert Event.objects.filter(name="add_to_cart", user_id=user.pk).count() == 2


@pytest.mark.parametrize("quantity", [0, -1, 100])
def test_quantity_must_be_1_to_99(user, sku, quantity):
    with pytest.raises(InvalidInput) as caught:
        cart_add_item(owner=CartOwner(user=user), sku_id=sku.pk, quantity=quantity)
    assert caught.value.code == "quantity_invalid"
    assert not CartItem.objects.exists()


def test_a_line_cannot_grow_past_99(user, settings):
    sku = make_product(skus=[{"stock": 500}]).skus.get()
    owner = CartOwner(user=user)
    cart_add_item(owner=owner, sku_id=sku.pk, quantity=60)

    with pytest.raises(InvalidInput) as caught:
        cart_add_item(owner=owner, sku_id=sku.pk, quantity=40)

    assert caught.value.code == "quantity_limit"
    assert CartItem.objects.get().quantity == 60


def test_the_cart_holds_at_most_50_lines(user, settings):
    settings.SHEQU_ORDERS = {**settings.SHEQU_ORDERS, "MAX_CART_LINES": 2}
    owner = CartOwner(user=user)
    skus = make_product(skus=[{}, {}, {}]).skus.all()
    cart_add_item(owner=owner, sku_id=skus[0].pk)
    cart_add_item(owner=owner, sku_id=skus[1].pk)

    with pytest.raises(InvalidInput) as caught:
        cart_add_item(owner=owner, sku_id=skus[2].pk)

    assert caught.value.code == "cart_full"


def test_off_sale_inactive_and_unknown_skus_are_refused(user):
    off_sale = make_product(status=ProductStatus.OFF_SALE).skus.get()
    inactive = make_product(skus=[{"is_active": False}]).skus.get()
    owner = CartOwner(user=user)

    for sku_id, code in ((off_sale.pk, "sku_unavailable"), (inactive.pk, "sku_unavailable")):
        with pytest.raises(InvalidInput) as caught:
            cart_add_item(owner=owner, sku_id=sku_id)
        assert caught.value.code == code
    with pytest.raises(NotFound):
        cart_add_item(owner=owner, sku_id=999_999)


def test_more_than_in_stock_is_refused(user, sku):
    with pytest.raises(InvalidInput) as caught:
        cart_add_item(owner=CartOwner(user=user), sku_id=sku.pk, quantity=11)
    assert caught.value.code == "insufficient_stock"
    assert caught.value.details["available"] == 10


def test_stale_lines_say_what_changed(user, sku):
    owner = CartOwner(user=user)
    cart_add_item(owner=owner, sku_id=sku.pk, quantity=8)
    sku.list_price = Decimal("12.50")
    sku.save()
    from shequ.inventory.services import stock_set

    stock_set(sku_id=sku.pk, on_hand=3)

    line = cart_detail(owner=owner).lines[0]

    assert line.price_changed and line.insufficient_stock
    assert line.unit_price == Decimal("12.50") and line.was_price == Decimal("10.00")
    assert any("12.50" in str(m) for m in line.messages)
    assert any("3" in str(m) for m in line.messages)
    assert cart_detail(owner=owner).selected_lines == []


def test_merge_adds_up_and_deletes_the_guest_cart(user, sku):
    other = make_product().skus.get()
    cart_add_item(owner=CartOwner(user=user), sku_id=sku.pk, quantity=2)
    guest = cart_add_item(owner=CartOwner(), sku_id=sku.pk, quantity=3).cart
    cart_add_item(owner=CartOwner(guest_token=guest.guest_token), sku_id=other.pk, quantity=1)

    cart_merge_guest(user=user, guest_token=guest.guest_token)

    lines = {item.sku_id: item.quantity for item in CartItem.objects.filter(cart__user=user)}
    assert lines == {sku.pk: 5, other.pk: 1}
    assert not Cart.objects.filter(pk=guest.pk).exists()
    assert cart_merge_guest(user=user, guest_token=guest.guest_token) is None  # stale token: no-op


# --- API ---------------------------------------------------------------------------------------------------


def test_guest_api_cart_with_token(anon_api, sku):
    created = anon_api.api("post", "/cart/items", json={"sku_id": sku.pk, "quantity": 2})
    assert created.status_code == 201
    token = created.json()["cart_token"]
    assert created["X-Cart-Token"] == token

    fetched = anon_api.api("get", "/cart", headers={"X-Cart-Token": token}).json()
    assert [(line["sku_id"], line["quantity"]) for line in fetched["lines"]] == [(sku.pk, 2)]
    assert fetched["selected_total"] == "20.00"

    assert anon_api.api("get", "/cart").json()["lines"] == []  # no token, no cart


def test_api_merge_after_login(anon_api, user_api, user, sku):
    token = anon_api.api("post", "/cart/items", json={"sku_id": sku.pk, "quantity": 2}).json()["cart_token"]

    merged = user_api.api("post", "/cart/merge", headers={"X-Cart-Token": token})

    assert merged.status_code == 200
    assert [(line["sku_id"], line["quantity"]) for line in merged.json()["lines"]] == [(sku.pk, 2)]


def test_api_update_and_remove(user_api, sku):
    line_id = user_api.api("post", "/cart/items", json={"sku_id": sku.pk}).json()["lines"][0]["id"]

    updated = user_api.api("patch", f"/cart/items/{line_id}", json={"quantity": 4, "selected": False})
    assert updated.json()["lines"][0]["quantity"] == 4
    assert updated.json()["lines"][0]["selected"] is False
    assert updated.json()["selected_total"] == "0.00"

    assert user_api.api("delete", f"/cart/items/{line_id}").json()["lines"] == []


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"sku_id": 0}, 404, "sku_not_found"),
        ({"sku_id": "x"}, 422, "invalid_input"),
        ({"quantity": -3}, 400, "quantity_invalid"),
    ],
)
def test_api_bad_input(user_api, sku, payload, status, code):
    response = user_api.api("post", "/cart/items", json={"sku_id": sku.pk, **payload})
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not CartItem.objects.exists()


def test_api_someone_elses_line_is_404(user_api, make_user, api_for, sku):
    theirs = api_for(make_user()).api("post", "/cart/items", json={"sku_id": sku.pk}).json()["lines"][0]["id"]

    assert user_api.api("patch", f"/cart/items/{theirs}", json={"quantity": 5}).status_code == 404
    assert user_api.api("delete", f"/cart/items/{theirs}").status_code == 404
    assert CartItem.objects.get(pk=theirs).quantity == 1


def test_api_negative_quantity_update_changes_nothing(user_api, sku):
    line_id = user_api.api("post", "/cart/items", json={"sku_id": sku.pk}).json()["lines"][0]["id"]

    response = user_api.api("patch", f"/cart/items/{line_id}", json={"quantity": -5})

    assert response.status_code == 400 and response.json()["code"] == "quantity_invalid"
    assert CartItem.objects.get().quantity == 1


# --- pages -------------------------------------------------------------------------------------------------


def test_guest_adds_on_the_web_and_the_cart_follows_them_into_their_account(client: Client, make_user, sku):
    buyer = make_user(password="a-long-password-1")

    added = client.post("/cart/add/", {"sku_id": sku.pk, "quantity": 2}, HTTP_HX_REQUEST="true")
    assert added.status_code == 200
    assert 'id="cart-badge"' in added.content.decode()
    assert COOKIE_NAME in added.cookies

    page = client.get("/cart/")
    assert "¥20.00" in page.content.decode()

    login = client.post(
        "/accounts/login/", {"method": "password", "phone": buyer.phone, "password": "a-long-password-1"}
    )
    assert login.status_code == 302
    assert [(i.sku_id, i.quantity) for i in CartItem.objects.filter(cart__user=buyer)] == [(sku.pk, 2)]
    assert not Cart.objects.filter(user__isnull=True).exists()


def test_cart_page_steppers_and_remove(web_client, user, sku):
    item = cart_add_item(owner=CartOwner(user=user), sku_id=sku.pk, quantity=1)

    body = web_client.post(f"/cart/items/{item.pk}/", {"quantity": "3"}, HTTP_HX_REQUEST="true")
    assert body.status_code == 200 and "¥30.00" in body.content.decode()

    too_many = web_client.post(f"/cart/items/{item.pk}/", {"quantity": "50"}, HTTP_HX_REQUEST="true")
    assert too_many.status_code == 400
    assert 'data-testid="cart-error"' in too_many.content.decode()

    not_a_number = web_client.post(f"/cart/items/{item.pk}/", {"quantity": "abc"}, HTTP_HX_REQUEST="true")
    assert not_a_number.status_code == 400
    assert CartItem.objects.get().quantity == 3

    removed = web_client.post(f"/cart/items/{item.pk}/remove/", HTTP_HX_REQUEST="true")
    assert 'data-testid="cart-empty"' in removed.content.decode()


def test_cart_page_someone_elses_line_is_404(web_client, make_user, sku):
    theirs = cart_add_item(owner=CartOwner(user=make_user()), sku_id=sku.pk)

    assert web_client.post(f"/cart/items/{theirs.pk}/", {"quantity": "5"}, HTTP_HX_REQUEST="true").status_code == 404
    assert web_client.post(f"/cart/items/{theirs.pk}/remove/").status_code == 302  # plain form: back with a message
    assert CartItem.objects.filter(pk=theirs.pk, quantity=1).exists()


def test_add_errors_are_shown_next_to_the_button(web_client, sku):
    response = web_client.post("/cart/add/", {"sku_id": sku.pk, "quantity": "-1"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 400
    assert 'data-testid="add-to-cart-error"' in response.content.decode()


def test_the_badge_is_rendered_from_the_cache_without_queries(web_client, user, sku, django_assert_num_queries):
    web_client.post("/cart/add/", {"sku_id": sku.pk, "quantity": 1}, HTTP_HX_REQUEST="true")
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    request.COOKIES = {}
    with django_assert_num_queries(0):
        html = Template("{% load cart_tags %}{% cart_badge %}").render(Context({"request": request}))
    assert ">1</span>" in html


def test_badge_endpoint(web_client, user, sku):
    cart_add_item(owner=CartOwner(user=user), sku_id=sku.pk)
    from django.core.cache import cache

    cache.delete(f"cart:n:u:{user.pk}")  # not cache.clear(): with Redis the session lives there too
    assert ">1</span>" in web_client.get("/cart/badge/").content.decode()


def test_cart_page_query_count_does_not_grow_with_lines(web_client, user, django_assert_max_num_queries):
    owner = CartOwner(user=user)
    for _ in range(12):
        cart_add_item(owner=owner, sku_id=make_product().skus.get().pk)
    with django_assert_max_num_queries(12):
        assert web_client.get("/cart/").status_code == 200


def test_signed_cookie_cannot_be_forged(client, sku):
    victim = cart_add_item(owner=CartOwner(), sku_id=sku.pk).cart
    client.cookies[COOKIE_NAME] = victim.guest_token  # unsigned: ignored

    assert 'data-testid="cart-empty"' in client.get("/cart/").content.decode()
    from django.core import signing

    client.cookies[COOKIE_NAME] = signing.get_cookie_signer(salt=COOKIE_NAME + COOKIE_SALT).sign(victim.guest_token)
    assert 'data-testid="cart-line"' in client.get("/cart/").content.decode()


def test_the_add_to_cart_include_renders_without_a_request():
    from django.template.loader import render_to_string

    html = render_to_string("cart/_add_to_cart.html", {"sku": {"id": 42, "stock_state": "in", "stock_left": 5}})
    sold_out = render_to_string("cart/_add_to_cart.html", {"sku": {"id": 42, "stock_state": "out"}})

    assert 'name="sku_id" value="42"' in html
    assert 'hx-post="/cart/add/"' in html and 'action="/checkout/"' in html
    assert 'max="5"' in html
    assert sold_out.count(" disabled") == 2
