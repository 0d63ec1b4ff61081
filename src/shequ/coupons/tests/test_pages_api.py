"""My coupons page and API: tabs, claiming by code, and using a wallet coupon from the checkout page."""

from __future__ import annotations

from decimal import Decimal

from shequ.coupons.models import IssuedCoupon, IssuedStatus


def test_wallet_page_tabs(web_client, user, make_template, grant, expire, django_assert_max_num_queries):
    for n in range(5):
        grant(make_template(name=f"可用{n}"), user, reference=f"a{n}")
    old = grant(make_template(name="过期券"), user, reference="old")
    expire(old)
    used = grant(make_template(name="已用券"), user, reference="used")
    IssuedCoupon.objects.filter(pk=used.pk).update(status=IssuedStatus.USED)

    with django_assert_max_num_queries(8):
        page = web_client.get("/coupons/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "可用4" in body and "过期券" not in body and "已用券" not in body
    assert "过期券" in web_client.get("/coupons/?tab=expired").content.decode()
    assert "已用券" in web_client.get("/coupons/?tab=used").content.decode()
    assert web_client.get("/coupons/?tab=nonsense").status_code == 200


def test_wallet_page_needs_login(client):
    assert client.get("/coupons/").status_code == 302


def test_claim_page_form(web_client, user, make_template):
    make_template(claim_code="HELLO", name="欢迎券")

    ok = web_client.post("/coupons/claim/", {"code": "hello"}, headers={"HX-Request": "true"})
    again = web_client.post("/coupons/claim/", {"code": "hello"}, headers={"HX-Request": "true"})

    assert ok.status_code == 200 and "欢迎券" in ok.content.decode()
    assert again.status_code == 409
    assert IssuedCoupon.objects.filter(user=user).count() == 1


def test_api_wallet_and_claim(user_api, user, make_template, grant):
    make_template(claim_code="API1")
    grant(make_template(), user)

    claimed = user_api.api("post", "/coupons/claim", json={"code": "API1"})
    twice = user_api.api("post", "/coupons/claim", json={"code": "API1"})
    missing = user_api.api("post", "/coupons/claim", json={"code": "NOPE"})
    empty = user_api.api("post", "/coupons/claim", json={"code": ""})
    wallet = user_api.api("get", "/coupons/wallet?tab=available")
    bad_tab = user_api.api("get", "/coupons/wallet?tab=zzz")

    assert claimed.status_code == 201
    assert twice.status_code == 409 and twice.json()["code"] == "coupon_already_claimed"
    assert missing.status_code == 404
    assert empty.status_code in (400, 422)
    assert wallet.status_code == 200 and wallet.json()["counts"]["available"] == 2
    assert len(wallet.json()["items"]) == 2
    assert bad_tab.status_code == 400


def test_api_checkout_with_a_wallet_coupon(user_api, user, shop, make_template, grant):
    issued = grant(make_template(amount=Decimal("4")), user)
    payload = {"sku_id": shop["sku"].pk, "quantity": 2, "issued_coupon_ids": [issued.pk]}

    quote = user_api.api("post", "/checkout/quote", json=payload)
    placed = user_api.api("post", "/orders", json=payload)
    reused = user_api.api("post", "/checkout/quote", json=payload)

    assert quote.status_code == 200
    assert quote.json()["coupon_discount"] == "4.00" and quote.json()["issued_coupon_ids"] == [issued.pk]
    assert placed.status_code == 201
    assert reused.status_code == 400 and reused.json()["code"] == "coupon_unavailable"


def test_checkout_page_offers_and_applies_my_coupons(web_client, user, shop, make_template, grant):
    issued = grant(make_template(name="钱包券", amount=Decimal("3")), user)

    page = web_client.get(f"/checkout/?sku_id={shop['sku'].pk}&quantity=2")
    quoted = web_client.post(
        "/checkout/quote/",
        {"sku_id": shop["sku"].pk, "quantity": 2, "issued_coupon": issued.pk},
        headers={"HX-Request": "true"},
    )

    assert "钱包券" in page.content.decode()
    assert 'data-testid="wallet-coupon-ok"' in quoted.content.decode()
    assert "−¥3.00" in quoted.content.decode() or "3.00" in quoted.content.decode()
