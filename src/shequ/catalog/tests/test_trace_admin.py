"""The back office for batches and inspection reports: lists, filters, search, and validated saves."""

from __future__ import annotations

import pytest
from django.test import Client

from shequ.catalog.models import InspectionReport, ProductionBatch
from shequ.catalog.tests.test_trace_fixtures import PDF_BYTES, days, make_batch, make_milk, make_report, pdf_upload

pytestmark = pytest.mark.django_db

BATCHES = "/admin/catalog/productionbatch/"
REPORTS = "/admin/catalog/inspectionreport/"


@pytest.fixture
def operator(make_user) -> Client:
    client = Client()
    client.force_login(make_user(is_staff=True, is_superuser=True), backend="django.contrib.auth.backends.ModelBackend")
    return client


def _batch_form(sku_id: int, **overrides) -> dict:
    data = {
        "sku": str(sku_id),
        "batch_no": "sq-admin-0001",
        "production_date": days(-3).isoformat(),
        "expiry_date": days(90).isoformat(),
        "quantity": "1200",
        "factory": "一厂",
        "origin": "内蒙古",
        "raw_materials": "生牛乳 | 内蒙古呼伦贝尔\n白砂糖：广西崇左",
        "notes": "",
        "inspections-TOTAL_FORMS": "0",
        "inspections-INITIAL_FORMS": "0",
        "inspections-MIN_NUM_FORMS": "0",
        "inspections-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def _report_inline(**overrides) -> dict:
    data = {
        "inspections-TOTAL_FORMS": "1",
        "inspections-0-agency": "谱尼测试",
        "inspections-0-report_no": "PONY-ADMIN-1",
        "inspections-0-inspected_on": days(-1).isoformat(),
        "inspections-0-result": "passed",
        "inspections-0-items_tested": "菌落总数 | 合格",
        "inspections-0-summary": "",
    }
    data.update(overrides)
    return data


def test_the_batch_list_shows_flags_and_report_counts(operator):
    failed = make_batch(batch_no="SQ-L-0001")
    make_report(failed, result="failed")
    make_report(failed, result="passed")
    make_batch(batch_no="SQ-L-0002", produced=days(-300), expires=days(-1))

    response = operator.get(BATCHES, headers={"Accept-Language": "en"})

    assert response.status_code == 200
    rows = {batch.batch_no: batch for batch in response.context["cl"].result_list}
    assert (rows["SQ-L-0001"].report_count, rows["SQ-L-0002"].report_count) == (2, 0)
    html = response.content.decode()
    assert "Failed inspection" in html and "Expired" in html and "Not yet inspected" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("expiry=expired", {"SQ-F-EXP"}),
        ("expiry=expiring_soon", {"SQ-F-SOON"}),
        ("inspection=failed", {"SQ-F-BAD"}),
        ("inspection=pending", {"SQ-F-PEND"}),
        ("inspection=none", {"SQ-F-EXP", "SQ-F-SOON"}),
        ("inspection=passed", {"SQ-F-OK"}),
    ],
)
def test_batches_filter_by_expiry_and_inspection(operator, query, expected):
    product = make_milk()
    make_batch(product=product, batch_no="SQ-F-EXP", produced=days(-300), expires=days(-1))
    make_batch(product=product, batch_no="SQ-F-SOON", produced=days(-300), expires=days(10))
    make_report(make_batch(product=product, batch_no="SQ-F-BAD"), result="failed")
    make_report(make_batch(product=product, batch_no="SQ-F-PEND"), result="pending")
    make_report(make_batch(product=product, batch_no="SQ-F-OK"), result="passed")

    response = operator.get(f"{BATCHES}?{query}")

    shown = {batch.batch_no for batch in response.context["cl"].result_list}
    assert shown == expected


def test_search_finds_a_batch_typed_with_spaces_and_lower_case(operator):
    make_batch(batch_no="SQ-S-0001")
    make_batch(batch_no="SQ-S-0002")

    response = operator.get(BATCHES, {"q": " sq-s-0001 "})

    assert [b.batch_no for b in response.context["cl"].result_list] == ["SQ-S-0001"]


def test_adding_a_batch_goes_through_the_service(operator):
    product = make_milk()

    response = operator.post(f"{BATCHES}add/", _batch_form(product.skus.first().pk))

    assert response.status_code == 302
    batch = ProductionBatch.objects.get()
    assert batch.batch_no == "SQ-ADMIN-0001"
    assert batch.raw_materials == [
        {"material": "生牛乳", "origin": "内蒙古呼伦贝尔"},
        {"material": "白砂糖", "origin": "广西崇左"},
    ]


def test_a_bad_batch_shows_every_problem_on_its_field_and_saves_nothing(operator):
    product = make_milk()
    data = _batch_form(
        product.skus.first().pk,
        batch_no="SQ 2024",
        production_date=days(2).isoformat(),
        expiry_date=days(1).isoformat(),
        raw_materials="生牛乳 without an origin",
    )

    response = operator.post(f"{BATCHES}add/", data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) >= {"batch_no", "production_date", "raw_materials"}
    assert not ProductionBatch.objects.exists()


def test_a_duplicate_batch_number_is_refused_on_the_form(operator):
    existing = make_batch(batch_no="SQ-DUP-0001")

    response = operator.post(f"{BATCHES}add/", _batch_form(existing.sku_id, batch_no="sq-dup-0001"))

    assert response.status_code == 200
    assert "batch_no" in response.context["adminform"].form.errors
    assert ProductionBatch.objects.count() == 1


def test_a_report_is_added_inline_with_its_pdf(operator):
    batch = make_batch(batch_no="SQ-IN-0001")
    data = _batch_form(batch.sku_id, batch_no="SQ-IN-0001", **_report_inline())
    data["inspections-0-pdf"] = pdf_upload()

    response = operator.post(f"{BATCHES}{batch.pk}/change/", data)

    assert response.status_code == 302
    report = InspectionReport.objects.get()
    assert report.batch_id == batch.pk and report.items_tested == [{"item": "菌落总数", "result": "合格"}]
    assert report.pdf.name.startswith(f"inspections/{batch.pk}/PONY-ADMIN-1")


def test_a_non_pdf_upload_is_refused_inline_and_nothing_is_saved(operator):
    batch = make_batch(batch_no="SQ-IN-0002")
    data = _batch_form(batch.sku_id, batch_no="SQ-IN-0002", factory="改过的工厂", **_report_inline())
    data["inspections-0-pdf"] = pdf_upload(b"<html>not a pdf</html>", name="report.pdf")

    response = operator.post(f"{BATCHES}{batch.pk}/change/", data)

    assert response.status_code == 200
    assert not InspectionReport.objects.exists()
    batch.refresh_from_db()
    assert batch.factory == "呼伦贝尔第一工厂"


def test_a_report_inspected_before_the_batch_was_produced_is_refused_inline(operator):
    batch = make_batch(batch_no="SQ-IN-0003", produced=days(-5))
    data = _batch_form(
        batch.sku_id,
        batch_no="SQ-IN-0003",
        production_date=days(-5).isoformat(),
        **_report_inline(**{"inspections-0-inspected_on": days(-6).isoformat()}),
    )

    response = operator.post(f"{BATCHES}{batch.pk}/change/", data)

    assert response.status_code == 200
    assert not InspectionReport.objects.exists()


def test_the_report_admin_adds_a_report_with_a_pdf(operator):
    batch = make_batch(batch_no="SQ-R-0001")

    response = operator.post(
        f"{REPORTS}add/",
        {
            "batch": str(batch.pk),
            "agency": "华测检测",
            "report_no": "CTI-1",
            "inspected_on": days(0).isoformat(),
            "result": "failed",
            "items_tested": '[{"item": "铅", "result": "超标"}]',
            "summary": "",
            "pdf": pdf_upload(PDF_BYTES, name="x.exe"),
        },
    )

    assert response.status_code == 302
    report = InspectionReport.objects.get()
    assert report.result == "failed" and report.pdf.name.endswith(".pdf")
    assert operator.get(REPORTS, {"result__exact": "failed"}).status_code == 200


def test_the_batch_change_page_links_to_the_trace_page_and_qr_codes(operator):
    batch = make_batch(batch_no="SQ-LINK-001")

    html = operator.get(f"{BATCHES}{batch.pk}/change/").content.decode()

    assert 'href="/trace/SQ-LINK-001/"' in html
    assert 'href="/trace/SQ-LINK-001/qr.svg"' in html and 'href="/trace/SQ-LINK-001/qr.png?box=20"' in html


def test_deleting_a_batch_from_the_admin_goes_through_the_service(operator):
    batch = make_batch(batch_no="SQ-DEL-0001")
    make_report(batch)

    response = operator.post(f"{BATCHES}{batch.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not ProductionBatch.objects.exists() and not InspectionReport.objects.exists()


def test_deleting_a_report_inline_goes_through_the_service(operator):
    batch = make_batch(batch_no="SQ-IN-0004")
    report = make_report(batch, report_no="R-GONE")
    product = batch.sku.product
    product.refresh_from_db()
    version = product.version
    data = _batch_form(
        batch.sku_id,
        batch_no="SQ-IN-0004",
        **_report_inline(
            **{
                "inspections-INITIAL_FORMS": "1",
                "inspections-0-id": str(report.pk),
                "inspections-0-batch": str(batch.pk),
                "inspections-0-report_no": "R-GONE",
                "inspections-0-inspected_on": report.inspected_on.isoformat(),
                "inspections-0-DELETE": "on",
            }
        ),
    )

    response = operator.post(f"{BATCHES}{batch.pk}/change/", data)

    assert response.status_code == 302
    assert not InspectionReport.objects.exists()
    product.refresh_from_db()
    assert product.version > version
