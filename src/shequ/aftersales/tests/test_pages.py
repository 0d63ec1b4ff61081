"""The buyer's after-sales pages: ask from an order, my requests, one request with its timeline."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shequ.aftersales.models import AfterSaleRequest
from shequ.aftersales.services import handling
from shequ.aftersales.tests.helpers import lines_of, photo

pytestmark = pytest.mark.django_db


def test_the_form_lists_what_can_be_claimed(web_client, delivered):
    milk, _biscuits = lines_of(delivered)

    response = web_client.get(f"/aftersales/new/{delivered.number}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'name="qty_{milk.pk}"' in html and 'max="3"' in html and "纯牛奶" in html
    assert 'value="return"' in html and 'value="exchange"' in html and 'value="refund_only"' in html


def test_before_delivery_only_refund_only_is_offered(web_client, shipped):
    html = web_client.get(f"/aftersales/new/{shipped.number}/").content.decode()

    assert 'value="refund_only"' in html and 'value="return"' not in html


def test_submitting_the_form_creates_the_request_and_shows_it(web_client, delivered):
    milk, _ = lines_of(delivered)

    response = web_client.post(
        f"/aftersales/new/{delivered.number}/",
        {"kind": "return", "reason": "damaged", "description": "漏了", f"qty_{milk.pk}": "1", "photos": [photo()]},
        follow=True,
    )

    aftersale = AfterSaleRequest.objects.get()
    assert response.redirect_chain[-1][0] == f"/aftersales/{aftersale.number}/"
    html = response.content.decode()
    assert "¥27.00" in html and 'data-testid="aftersale-event"' in html and aftersale.photos.count() == 1


def test_bad_form_input_shows_the_error_and_creates_nothing(web_client, delivered):
    milk, _ = lines_of(delivered)

    too_many = web_client.post(
        f"/aftersales/new/{delivered.number}/", {"kind": "return", "reason": "damaged", f"qty_{milk.pk}": "9"}
    )
    nothing = web_client.post(f"/aftersales/new/{delivered.number}/", {"kind": "return", "reason": "damaged"})
    not_image = web_client.post(
        f"/aftersales/new/{delivered.number}/",
        {
            "kind": "return",
            "reason": "damaged",
            f"qty_{milk.pk}": "1",
            "photos": [photo(), SimpleUploadedFile("fake.gif", b"GIF89a-but-not-really", content_type="image/gif")],
        },
    )

    assert too_many.status_code == 400 and nothing.status_code == 400 and not_image.status_code == 400
    assert 'class="errorlist' in too_many.content.decode()
    assert "fake.gif" in not_image.content.decode()
    assert not AfterSaleRequest.objects.exists()


def test_someone_elses_order_or_request_is_404(make_user, delivered, user):
    milk, _ = lines_of(delivered)
    stranger = Client()
    stranger.force_login(make_user(), backend="django.contrib.auth.backends.ModelBackend")
    from shequ.aftersales.services.buyer import aftersale_create

    aftersale = aftersale_create(
        user=user, order_number=delivered.number, kind="return", reason="damaged", items=[(milk.pk, 1)]
    )

    assert stranger.get(f"/aftersales/new/{delivered.number}/").status_code == 404
    assert (
        stranger.post(
            f"/aftersales/new/{delivered.number}/", {"kind": "return", "reason": "damaged", f"qty_{milk.pk}": "1"}
        ).status_code
        == 404
    )
    assert stranger.get(f"/aftersales/{aftersale.number}/").status_code == 404
    assert stranger.post(f"/aftersales/{aftersale.number}/withdraw/").status_code == 404
    assert AfterSaleRequest.objects.get().status == "requested"


def test_my_list_withdraw_and_return_waybill(web_client, user, operator, delivered):
    milk, biscuits = lines_of(delivered)
    web_client.post(
        f"/aftersales/new/{delivered.number}/", {"kind": "return", "reason": "damaged", f"qty_{milk.pk}": "1"}
    )
    web_client.post(
        f"/aftersales/new/{delivered.number}/", {"kind": "exchange", "reason": "quality", f"qty_{biscuits.pk}": "1"}
    )
    first, second = AfterSaleRequest.objects.order_by("id")

    listing = web_client.get("/aftersales/").content.decode()
    assert listing.count('data-testid="aftersale-row"') == 2

    web_client.post(f"/aftersales/{first.number}/withdraw/")
    first.refresh_from_db()
    assert first.status == "cancelled"

    handling.aftersale_approve(aftersale=second, actor=operator)
    detail = web_client.get(f"/aftersales/{second.number}/").content.decode()
    assert 'data-testid="return-submit"' in detail
    bad = web_client.post(f"/aftersales/{second.number}/return-shipment/", {"carrier_code": "yto", "tracking_no": "??"})
    assert bad.status_code == 400
    web_client.post(
        f"/aftersales/{second.number}/return-shipment/", {"carrier_code": "yto", "tracking_no": "YT123456789"}
    )
    second.refresh_from_db()
    assert second.return_tracking_no == "YT123456789"


def test_pages_need_a_login(client, delivered):
    response = client.get("/aftersales/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_request_page_names_the_carrier_the_goods_went_back_with(web_client, user, operator, delivered):
    from shequ.aftersales.services.buyer import aftersale_create

    milk, _ = lines_of(delivered)
    aftersale = aftersale_create(
        user=user, order_number=delivered.number, kind="return", reason="damaged", items=[(milk.pk, 1)]
    )
    handling.aftersale_approve(aftersale=aftersale, actor=operator)

    response = web_client.post(
        f"/aftersales/{aftersale.number}/return-shipment/",
        {"carrier_code": "yto", "tracking_no": "YT7001234567"},
        follow=True,
    )

    html = response.content.decode()
    assert response.status_code == 200
    waybill = html.split('data-testid="return-waybill">', 1)[1].split("</p>", 1)[0]
    assert "圆通速递 YT7001234567" in waybill  # the carrier's name, not its code "yto"
    assert f'href="/orders/{delivered.number}/"' in html  # back to the order it is about
