"""Buyers asking for after-sales through the API: success, bad input (4xx, nothing changed), other people's ids."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from shequ.aftersales.models import AfterSalePhoto, AfterSaleRequest
from shequ.aftersales.tests.helpers import create_form, lines_of, photo
from shequ.analytics.models import Event
from shequ.notifications.models import Notification

pytestmark = pytest.mark.django_db


def count_rows() -> tuple[int, int]:
    return AfterSaleRequest.objects.count(), AfterSalePhoto.objects.count()


def test_a_buyer_asks_for_a_return_with_photos(user_api, user, delivered, django_capture_on_commit_callbacks):
    milk, _biscuits = lines_of(delivered)

    with django_capture_on_commit_callbacks(execute=True):
        response = user_api.api(
            "post",
            "/aftersales",
            data=create_form(
                delivered, [(milk, 1)], description="盒子破了，漏了一地", photos=[photo(), photo("b.png", fmt="PNG")]
            ),
        )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "requested" and body["kind"] == "return" and body["order_number"] == delivered.number
    assert body["refund_amount"] == "27.00"  # ¥30 less its share of the ¥11 coupon (¥81 paid for 3)
    assert [(i["order_item_id"], i["quantity"]) for i in body["items"]] == [(milk.pk, 1)]
    assert len(body["photos"]) == 2 and body["can_withdraw"] is True and body["can_send_back"] is False
    assert [e["status"] for e in body["events"]] == ["requested"]
    assert Event.objects.filter(user_id=user.pk, name="aftersale_requested").count() == 1
    assert Notification.objects.filter(user=user, kind="aftersale").count() == 1


def test_photos_are_stored_resized_as_jpeg_without_exif(user_api, delivered):
    milk, _ = lines_of(delivered)

    response = user_api.api("post", "/aftersales", data=create_form(delivered, [(milk, 1)], photos=[photo()]))

    stored = AfterSalePhoto.objects.get(request__number=response.json()["number"])
    with stored.image.open("rb") as handle, Image.open(handle) as image:
        assert image.format == "JPEG" and max(image.size) == 1600
        assert not image.getexif()
    assert stored.image.name.startswith("aftersales/") and "damage" not in stored.image.name


def test_a_refund_only_request_before_delivery(user_api, shipped):
    _milk, biscuits = lines_of(shipped)

    response = user_api.api(
        "post", "/aftersales", data=create_form(shipped, [(biscuits, 1)], kind="refund_only", reason="missing")
    )

    assert response.status_code == 201
    assert response.json()["refund_amount"] == "18.00"  # ¥20 less its share of the coupon


def test_everything_of_an_unshipped_order_refunds_what_was_paid(user_api, paid):
    milk, biscuits = lines_of(paid)

    response = user_api.api(
        "post",
        "/aftersales",
        data=create_form(paid, [(milk, 3), (biscuits, 1)], kind="refund_only", reason="changed_mind"),
    )

    assert response.status_code == 201
    assert Decimal(response.json()["refund_amount"]) == paid.total == Decimal("99.00")


def test_returns_need_the_parcel_to_have_arrived(user_api, shipped):
    milk, _ = lines_of(shipped)

    response = user_api.api("post", "/aftersales", data=create_form(shipped, [(milk, 1)], kind="return"))

    assert response.status_code == 409 and response.json()["code"] == "goods_not_received"
    assert count_rows() == (0, 0)


def test_the_window_closes_fifteen_days_after_delivery(user_api, delivered):
    milk, _ = lines_of(delivered)
    type(delivered).objects.filter(pk=delivered.pk).update(delivered_at=timezone.now() - timedelta(days=16))

    response = user_api.api("post", "/aftersales", data=create_form(delivered, [(milk, 1)]))

    assert response.status_code == 409 and response.json()["code"] == "aftersale_window_closed"
    assert count_rows() == (0, 0)


def test_the_window_is_configurable(user_api, delivered, settings):
    milk, _ = lines_of(delivered)
    type(delivered).objects.filter(pk=delivered.pk).update(delivered_at=timezone.now() - timedelta(days=16))
    settings.SHEQU_AFTERSALES = {"WINDOW_DAYS": 30}

    assert user_api.api("post", "/aftersales", data=create_form(delivered, [(milk, 1)])).status_code == 201


def test_someone_elses_order_is_404_and_nothing_is_created(api_for, make_user, delivered):
    milk, _ = lines_of(delivered)

    response = api_for(make_user()).api("post", "/aftersales", data=create_form(delivered, [(milk, 1)]))

    assert response.status_code == 404 and response.json()["code"] == "order_not_found"
    assert count_rows() == (0, 0)


def test_more_than_was_bought_is_400(user_api, delivered):
    milk, _ = lines_of(delivered)

    response = user_api.api("post", "/aftersales", data=create_form(delivered, [(milk, 4)]))

    assert response.status_code == 400
    assert response.json()["code"] == "quantity_exceeded" and response.json()["details"]["claimable"] == 3
    assert count_rows() == (0, 0)


def test_units_already_requested_cannot_be_requested_again(user_api, delivered):
    milk, _ = lines_of(delivered)
    assert user_api.api("post", "/aftersales", data=create_form(delivered, [(milk, 2)])).status_code == 201

    again = user_api.api("post", "/aftersales", data=create_form(delivered, [(milk, 2)]))

    assert again.status_code == 400 and again.json()["details"]["claimable"] == 1
    assert user_api.api("post", "/aftersales", data=create_form(delivered, [(milk, 1)])).status_code == 201


def test_a_withdrawn_request_frees_its_units(user_api, delivered):
    milk, _ = lines_of(delivered)
    first = user_api.api("post", "/aftersales", data=create_form(delivered, [(milk, 3)])).json()

    assert user_api.api("post", f"/aftersales/{first['number']}/withdraw").json()["status"] == "cancelled"
    assert user_api.api("post", "/aftersales", data=create_form(delivered, [(milk, 3)])).status_code == 201


def test_an_item_of_another_order_is_400(user_api, delivered, make_user, api_for):
    from shequ.logistics.testing import paid_order

    other_order = paid_order(make_user(), lines=[(lines_of(delivered)[0].sku, 1)])
    foreign_item = other_order.items.get()

    response = user_api.api("post", "/aftersales", data=create_form(delivered, [(foreign_item, 1)]))

    assert response.status_code == 400 and response.json()["code"] == "items_invalid"
    assert count_rows() == (0, 0)


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"kind": "teleport"}, 400, "kind_invalid"),
        ({"reason": "bored"}, 400, "reason_invalid"),
        ({"description": "<img src=x onerror=alert(1)>坏了"}, 400, "description_invalid"),
        ({"description": "坏" * 501}, 400, "description_invalid"),
        ({"items": "[]"}, 400, "items_invalid"),
        ({"items": '[{"order_item_id": 1, "quantity": 0}]'}, 400, "items_invalid"),
        ({"items": "not json"}, 422, "invalid_input"),
        ({"items": '[{"order_item_id": "x", "quantity": 1}]'}, 422, "invalid_input"),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_created(user_api, delivered, change, status, code):
    milk, _ = lines_of(delivered)
    data = {**create_form(delivered, [(milk, 1)]), **change}

    response = user_api.api("post", "/aftersales", data=data)

    assert response.status_code == status and response.json()["code"] == code
    assert count_rows() == (0, 0)


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("evil.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg"),
        SimpleUploadedFile("doc.pdf", b"%PDF-1.4 not an image", content_type="application/pdf"),
        SimpleUploadedFile("truncated.jpg", photo().read()[:500], content_type="image/jpeg"),
    ],
)
def test_a_photo_that_is_not_an_image_is_400_and_nothing_is_stored(user_api, delivered, upload):
    milk, _ = lines_of(delivered)

    response = user_api.api("post", "/aftersales", data=create_form(delivered, [(milk, 1)], photos=[photo(), upload]))

    assert response.status_code == 400 and response.json()["code"] == "photo_invalid"
    assert count_rows() == (0, 0)


def test_too_many_or_too_large_photos_are_400(user_api, delivered, settings):
    milk, _ = lines_of(delivered)
    seven = [photo(f"{n}.jpg", size=(20, 20)) for n in range(7)]

    response = user_api.api("post", "/aftersales", data=create_form(delivered, [(milk, 1)], photos=seven))
    assert response.status_code == 400 and response.json()["code"] == "too_many_photos"

    noisy = io.BytesIO()
    Image.effect_noise((1200, 1200), 100).convert("RGB").save(noisy, format="PNG")
    settings.SHEQU_AFTERSALES = {"MAX_PHOTO_BYTES": 200_000}
    big = SimpleUploadedFile("big.png", noisy.getvalue(), content_type="image/png")
    response = user_api.api("post", "/aftersales", data=create_form(delivered, [(milk, 1)], photos=[big]))
    assert response.status_code == 400 and response.json()["code"] == "photo_too_large"
    assert count_rows() == (0, 0)


def test_an_order_not_yet_paid_is_not_eligible(user_api, user, carriers, skus):
    from shequ.accounts.services.addresses import AddressData, address_create
    from shequ.orders.services import CheckoutInput, order_place

    address = address_create(
        user=user,
        data=AddressData(
            recipient="王小明",
            phone="13912345678",
            province="上海市",
            city="上海市",
            district="徐汇区",
            detail="漕溪北路88号",
        ),
    )
    order = order_place(
        user=user, checkout=CheckoutInput(sku_id=skus[0].pk, quantity=1, address_id=address.pk, carrier_code="zto")
    ).order

    response = user_api.api(
        "post", "/aftersales", data=create_form(order, [(order.items.get(), 1)], kind="refund_only")
    )

    assert response.status_code == 409 and response.json()["code"] == "order_not_eligible"


def test_eligibility_lists_what_can_still_be_claimed(user_api, delivered):
    milk, biscuits = lines_of(delivered)
    user_api.api("post", "/aftersales", data=create_form(delivered, [(milk, 2)]))

    body = user_api.api("get", f"/aftersales/eligibility/{delivered.number}").json()

    assert body["kinds"] == ["return", "exchange", "refund_only"]
    assert {(line["order_item_id"], line["bought"], line["claimable"]) for line in body["lines"]} == {
        (milk.pk, 3, 1),
        (biscuits.pk, 1, 1),
    }


def test_eligibility_of_someone_elses_order_is_404(api_for, make_user, delivered):
    response = api_for(make_user()).api("get", f"/aftersales/eligibility/{delivered.number}")

    assert response.status_code == 404


def test_my_list_and_detail(user_api, user, delivered, django_assert_num_queries):
    milk, biscuits = lines_of(delivered)
    numbers = [
        user_api.api("post", "/aftersales", data=create_form(delivered, [(milk, 1)])).json()["number"],
        user_api.api("post", "/aftersales", data=create_form(delivered, [(biscuits, 1)], kind="exchange")).json()[
            "number"
        ],
    ]

    listed = user_api.api("get", "/aftersales").json()
    detail = user_api.api("get", f"/aftersales/{numbers[1]}").json()

    assert [a["number"] for a in listed["items"]] == list(reversed(numbers)) and listed["count"] == 2
    assert detail["kind"] == "exchange" and detail["refund_amount"] == "0.00"
    assert Event.objects.filter(user_id=user.pk, name="aftersale_viewed").count() == 1


def test_the_list_runs_the_same_queries_for_any_page_size(user_api, delivered, django_assert_num_queries):
    milk, biscuits = lines_of(delivered)
    for item in (milk, milk, biscuits):
        user_api.api("post", "/aftersales", data=create_form(delivered, [(item, 1)]))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert len(user_api.api("get", "/aftersales?page_size=1").json()["items"]) == 1
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(user_api.api("get", "/aftersales?page_size=3").json()["items"]) == 3


def test_someone_elses_request_is_404_for_every_verb(user_api, api_for, make_user, delivered):
    milk, _ = lines_of(delivered)
    number = user_api.api("post", "/aftersales", data=create_form(delivered, [(milk, 1)])).json()["number"]
    stranger = api_for(make_user())

    assert stranger.api("get", f"/aftersales/{number}").status_code == 404
    assert stranger.api("post", f"/aftersales/{number}/withdraw").status_code == 404
    response = stranger.api(
        "post", f"/aftersales/{number}/return-shipment", json={"carrier_code": "zto", "tracking_no": "ZT1234567890"}
    )
    assert response.status_code == 404 and response.json()["code"] == "aftersale_not_found"
    assert stranger.api("get", "/aftersales").json()["count"] == 0
    assert AfterSaleRequest.objects.get(number=number).status == "requested"


def test_withdrawing_twice_is_409(user_api, delivered):
    milk, _ = lines_of(delivered)
    number = user_api.api("post", "/aftersales", data=create_form(delivered, [(milk, 1)])).json()["number"]
    user_api.api("post", f"/aftersales/{number}/withdraw")

    again = user_api.api("post", f"/aftersales/{number}/withdraw")

    assert again.status_code == 409 and again.json()["code"] == "aftersale_transition_invalid"


def test_the_return_waybill_only_after_approval(user_api, delivered):
    milk, _ = lines_of(delivered)
    number = user_api.api("post", "/aftersales", data=create_form(delivered, [(milk, 1)])).json()["number"]

    response = user_api.api(
        "post", f"/aftersales/{number}/return-shipment", json={"carrier_code": "zto", "tracking_no": "ZT1234567890"}
    )

    assert response.status_code == 409
    assert AfterSaleRequest.objects.get(number=number).return_tracking_no == ""


def test_anonymous_callers_are_401(anon_api):
    assert anon_api.api("get", "/aftersales").status_code == 401
