"""GET /api/v1/trace/{batch_no}: the read-only trace of a batch for apps and mini-programs."""

from __future__ import annotations

import pytest

from shequ.analytics.models import Event
from shequ.catalog.models import ProductionBatch
from shequ.catalog.tests.test_trace_fixtures import days, make_batch, make_report, pdf_upload

pytestmark = pytest.mark.django_db


def test_the_trace_of_a_good_batch(anon_api):
    batch = make_batch(batch_no="SQ-API-0001")
    make_report(batch, agency="谱尼测试集团", report_no="PONY-7", inspected_on=days(-1), pdf=pdf_upload())

    response = anon_api.api("get", "/trace/SQ-API-0001")

    assert response.status_code == 200
    body = response.json()
    product = batch.sku.product
    assert body["batch_no"] == "SQ-API-0001"
    assert body["production_date"] == batch.production_date.isoformat()
    assert body["expiry_date"] == batch.expiry_date.isoformat()
    assert body["factory"] == "呼伦贝尔第一工厂" and body["origin"] == "内蒙古呼伦贝尔"
    assert body["raw_materials"][0] == {"material": "生牛乳", "origin": "内蒙古呼伦贝尔牧场"}
    assert body["product"] == {
        "id": product.pk,
        "name": "有机纯牛奶",
        "slug": product.slug,
        "brand": product.brand.name,
        "url": f"http://testserver/p/{product.slug}/",
    }
    assert body["sku"]["variant"] == "原味 · 250ml×12"
    assert body["flags"]["status"] == "ok" and body["flags"]["inspection_passed"] is True
    assert body["flags"]["expired"] is False and body["flags"]["days_until_expiry"] == 170
    [report] = body["reports"]
    assert report["agency"] == "谱尼测试集团" and report["report_no"] == "PONY-7"
    assert report["result"] == "passed" and report["inspected_on"] == days(-1).isoformat()
    assert report["items_tested"][0] == {"item": "菌落总数", "result": "合格"}
    assert report["pdf_url"].startswith(f"http://testserver/media/inspections/{batch.pk}/PONY-7")
    assert body["trace_url"] == "http://testserver/trace/SQ-API-0001/"
    assert body["qr_svg_url"] == "http://testserver/trace/SQ-API-0001/qr.svg"
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]


def test_names_follow_accept_language(anon_api):
    make_batch(batch_no="SQ-API-0002")

    body = anon_api.api("get", "/trace/SQ-API-0002", headers={"Accept-Language": "en"}).json()

    assert body["product"]["name"] == "Organic whole milk"
    assert body["sku"]["variant"] == "Original · 250 ml × 12"


def test_expired_and_failed_flags(anon_api):
    batch = make_batch(batch_no="SQ-API-0003", produced=days(-400), expires=days(-10))
    make_report(batch, result="failed")

    flags = anon_api.api("get", "/trace/SQ-API-0003").json()["flags"]

    assert flags["status"] == "failed"
    assert flags["expired"] is True and flags["inspection_failed"] is True and flags["days_until_expiry"] == -10


def test_a_number_with_spaces_and_lower_case_is_found(anon_api):
    make_batch(batch_no="SQ-API-0004")

    response = anon_api.api("get", "/trace/sq%20api%200004")

    assert response.status_code == 200
    assert response.json()["batch_no"] == "SQ-API-0004"


def test_an_unknown_batch_is_404_batch_not_found(anon_api):
    response = anon_api.api("get", "/trace/SQ-NOPE-0001")

    assert response.status_code == 404
    assert response.json()["code"] == "batch_not_found"
    assert Event.objects.get(name="trace_lookup").properties == {"query": "SQ-NOPE-0001", "found": False, "via": "link"}


@pytest.mark.parametrize("batch_no", ["ab", "%3Cscript%3E", "SQ_2024", "' OR '1'='1", "x" * 400, "批次"])
def test_a_malformed_number_is_400_batch_no_invalid(anon_api, batch_no):
    make_batch(batch_no="SQ-API-0005")

    response = anon_api.api("get", f"/trace/{batch_no}")

    assert response.status_code == 400
    assert response.json()["code"] == "batch_no_invalid"
    assert ProductionBatch.objects.count() == 1


def test_etag_gives_304_until_a_report_is_added(anon_api):
    batch = make_batch(batch_no="SQ-API-0006")
    first = anon_api.api("get", "/trace/SQ-API-0006")

    again = anon_api.api("get", "/trace/SQ-API-0006", headers={"If-None-Match": first["ETag"]})
    make_report(batch, result="pending")
    changed = anon_api.api("get", "/trace/SQ-API-0006", headers={"If-None-Match": first["ETag"]})

    assert again.status_code == 304 and again["ETag"] == first["ETag"] and again.content == b""
    assert "max-age=300" in again["Cache-Control"]
    assert changed.status_code == 200 and changed.json()["flags"]["status"] == "pending"


def test_the_page_and_the_api_have_different_etags(anon_api, client):
    make_batch(batch_no="SQ-API-0007")

    page = client.get("/trace/SQ-API-0007/")
    api = anon_api.api("get", "/trace/SQ-API-0007", headers={"If-None-Match": page["ETag"]})

    assert api.status_code == 200


def test_a_view_from_the_api_is_recorded_for_the_logged_in_user(user, user_api):
    batch = make_batch(batch_no="SQ-API-0008")

    user_api.api("get", "/trace/SQ-API-0008?src=qr")

    event = Event.objects.get(name="trace_view")
    assert event.user_id == user.pk
    assert event.properties == {"batch_no": "SQ-API-0008", "product_id": batch.sku.product_id, "via": "qr"}


def test_the_endpoint_is_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert "/api/v1/trace/{batch_no}" in paths
