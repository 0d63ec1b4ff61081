"""The checkout quote: itemised, server-priced, with delivery fees, coupons, points and clear problems."""

from decimal import Decimal

import pytest

from shequ.cart.owner import CartOwner
from shequ.cart.services import cart_add_item
from shequ.catalog.testing import make_product
from shequ.core.errors import InvalidInput, NotFound
from shequ.coupons.models import Coupon
from shequ.coupons.services import coupon_save
from shequ.orders.services import CheckoutInput, checkout_quote
from shequ.orders.testing import make_address, make_shipping

pytestmark = pytest.mark.django_db
D = Decimal


def test_quote_prices_cart_lines_with_shipping(user, shop):
    cart_add_item(owner=CartOwner(user=user), sku_id=shop["sku"].pk, quantity=3)

    quote = checkout_quote(user=user, checkout=CheckoutInput())

    assert [(line.sku_id, line.quantity, line.line_total) for line in quote.lines] == [(shop["sku"].pk, 3, D("30.00"))]
    assert quote.carrier_code == "std"
    assert quote.totals.items_total == D("30.00")
    assert quote.totals.shipping_fee == D("10.00")  # 1.5 kg: first kilo 8 + one extra kilo 2
    assert quote.total == D("40.00")
    assert quote.address == shop["address"]
    assert quote.placeable


def test_free_shipping_from_the_threshold(user, shop):
    quote = checkout_quote(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk, quantity=10))

    assert quote.totals.items_total == D("100.00")
    assert quote.totals.shipping_fee == D("0.00")
    assert quote.delivery_options[0].free is True
    assert quote.total == D("100.00")


def test_free_shipping_threshold_counts_goods_after_the_coupon(user, shop):
    coupon_save(coupon=Coupon(code="OFF5", name="5 off", kind="fixed", amount=D("5")))

    quote = checkout_quote(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk, quantity=10, coupon_code="OFF5"))

    assert quote.totals.coupon_discount == D("5.00")
    assert quote.totals.shipping_fee == D("16.00")  # ¥95.00 of goods is below ¥99.00; 5 kg = 8 + 4 × 2
    assert quote.total == D("111.00")


def test_cheapest_carrier_is_chosen_unless_the_buyer_picks_one(user, shop):
    make_shipping("express", first_fee="15.00", free_over=None)

    default = checkout_quote(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk))
    picked = checkout_quote(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk, carrier_code="express"))

    assert [o.carrier_code for o in default.delivery_options] == ["std", "express"]
    assert (default.carrier_code, default.totals.shipping_fee) == ("std", D("8.00"))
    assert (picked.carrier_code, picked.totals.shipping_fee) == ("express", D("15.00"))


def test_unknown_carrier_is_refused_when_strict(user, shop):
    with pytest.raises(InvalidInput) as caught:
        checkout_quote(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk, carrier_code="nope"), strict=True)
    assert caught.value.code == "carrier_unavailable"


def test_coupon_errors_are_reported_leniently_and_raised_strictly(user, shop):
    lenient = checkout_quote(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk, coupon_code="NOPE"))
    assert lenient.coupon_error.code == "coupon_not_found"
    assert lenient.total == D("18.00")

    with pytest.raises(InvalidInput):
        checkout_quote(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk, coupon_code="NOPE"), strict=True)


def test_points_are_unavailable_until_loyalty_exists(user, shop):
    lenient = checkout_quote(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk, points=100))
    assert lenient.points_error.code == "points_unavailable"
    assert lenient.totals.points_discount == D("0.00")

    with pytest.raises(InvalidInput) as caught:
        checkout_quote(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk, points=100), strict=True)
    assert caught.value.code == "points_unavailable"


def test_a_points_provider_discount_is_capped(user, shop, settings):
    settings.SHEQU_ORDERS = {
        **settings.SHEQU_ORDERS,
        "POINTS_PROVIDER": "shequ.orders.tests.test_checkout.HundredPerYuan",
    }

    quote = checkout_quote(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk, quantity=2, points=5000))

    assert quote.totals.points_discount == D("10.00")  # half of ¥20.00 of goods
    assert quote.points_used == 1000
    assert quote.total == D("18.00")


class HundredPerYuan:
    def balance(self, *, user) -> int:
        return 5000

    def quote(self, *, user, points, cap):
        from shequ.orders.calculations import points_discount
        from shequ.orders.discounts import PointsQuote

        used, discount = points_discount(points=points, balance=5000, points_per_yuan=100, cap=cap)
        return PointsQuote(points_used=used, discount=discount)

    def hold(self, *, user, order_id, points):
        pass

    def release(self, *, order_id):
        pass

    def consume(self, *, order_id):
        pass


def test_someone_elses_address_is_404(user, shop, make_user):
    theirs = make_address(make_user())

    with pytest.raises(NotFound):
        checkout_quote(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk, address_id=theirs.pk))


def test_someone_elses_cart_lines_are_404(user, shop, make_user):
    theirs = cart_add_item(owner=CartOwner(user=make_user()), sku_id=shop["sku"].pk)

    with pytest.raises(NotFound) as caught:
        checkout_quote(user=user, checkout=CheckoutInput(item_ids=(theirs.pk,)))
    assert caught.value.code == "cart_item_not_found"


def test_problems_block_placing(user, carrier, sku):
    off = make_product(skus=[{"stock": 0}]).skus.get()
    cart_add_item(owner=CartOwner(user=user), sku_id=sku.pk)

    no_address = checkout_quote(user=user, checkout=CheckoutInput())
    assert not no_address.placeable

    make_address(user)
    from shequ.inventory.services import stock_set

    stock_set(sku_id=sku.pk, on_hand=0)
    sold_out = checkout_quote(user=user, checkout=CheckoutInput())
    assert sold_out.lines[0].insufficient_stock and not sold_out.placeable

    buy_now = checkout_quote(user=user, checkout=CheckoutInput(sku_id=off.pk))
    assert buy_now.lines[0].insufficient_stock


@pytest.mark.parametrize(
    ("invoice", "code"),
    [
        ({"type": "company", "title": "上海某某有限公司", "tax_id": "123"}, "invoice_tax_id_invalid"),
        ({"type": "personal", "title": ""}, "invoice_invalid"),
        ({"type": "bogus", "title": "x"}, "invoice_invalid"),
    ],
)
def test_invoice_details_are_checked(user, shop, invoice, code):
    with pytest.raises(InvalidInput) as caught:
        checkout_quote(user=user, checkout=CheckoutInput(sku_id=shop["sku"].pk, invoice=invoice))
    assert caught.value.code == code


def test_company_invoice(user, shop):
    quote = checkout_quote(
        user=user,
        checkout=CheckoutInput(
            sku_id=shop["sku"].pk,
            invoice={"type": "company", "title": "上海某某有限公司", "tax_id": "91310000 MA1FL4XX3X"},
        ),
    )
    assert quote.invoice == {"type": "company", "title": "上海某某有限公司", "tax_id": "91310000MA1FL4XX3X"}


# --- API -------------------------------------------------------------------------------------------------


def test_quote_api_post_and_get(user_api, user, shop):
    cart_add_item(owner=CartOwner(user=user), sku_id=shop["sku"].pk, quantity=2)

    posted = user_api.api("post", "/checkout/quote", json={})
    got = user_api.api("get", f"/checkout/quote?sku_id={shop['sku'].pk}&quantity=2")

    assert posted.status_code == 200
    body = posted.json()
    assert (body["items_total"], body["shipping_fee"], body["total"]) == ("20.00", "8.00", "28.00")
    assert body["lines"][0]["line_total"] == "20.00"
    assert got.json()["total"] == "28.00"


def test_quote_api_ignores_prices_sent_by_the_client(user_api, shop):
    response = user_api.api(
        "post", "/checkout/quote", json={"sku_id": shop["sku"].pk, "unit_price": "0.01", "total": "0.01"}
    )
    assert response.json()["total"] == "18.00"


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"quantity": -1}, 400, "quantity_invalid"),
        ({"quantity": 0}, 400, "quantity_invalid"),
        ({"coupon_code": "NOPE"}, 400, "coupon_not_found"),
        ({"points": -5}, 400, "points_invalid"),
        ({"sku_id": 987654}, 404, "sku_not_found"),
    ],
)
def test_quote_api_bad_input(user_api, shop, payload, status, code):
    response = user_api.api("post", "/checkout/quote", json={"sku_id": shop["sku"].pk, **payload})
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_quote_api_needs_login(anon_api):
    assert anon_api.api("post", "/checkout/quote", json={}).status_code == 401
