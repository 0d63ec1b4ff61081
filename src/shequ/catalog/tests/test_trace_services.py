"""Trace services: what operators may record about batches and inspection reports, and what is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage

from shequ.catalog.models import InspectionReport, ProductionBatch
from shequ.catalog.tests.test_trace_fixtures import (
    days,
    make_batch,
    make_milk,
    make_report,
    pdf_upload,
)
from shequ.catalog.trace_services import (
    PDF_MAX_BYTES,
    batch_create,
    batch_delete,
    batch_save,
    report_delete,
    report_save,
)
from shequ.core.errors import Conflict, InvalidInput

pytestmark = pytest.mark.django_db


def _create(product, **overrides):
    fields = {
        "sku": product.skus.first(),
        "batch_no": "SQ-20240501-A",
        "production_date": days(-5),
        "expiry_date": days(100),
        "factory": "一厂",
        "origin": "内蒙古",
        "raw_materials": [],
    }
    fields.update(overrides)
    return batch_create(**fields)


# --- batches -----------------------------------------------------------------------------------------------


def test_a_batch_is_stored_with_its_number_in_canonical_form_and_bumps_the_product_version():
    product = make_milk()
    version = product.version

    batch = _create(product, batch_no="  sq-20240501-a ", factory="  一厂 ")

    batch.refresh_from_db()
    product.refresh_from_db()
    assert batch.batch_no == "SQ-20240501-A"
    assert batch.factory == "一厂"
    assert product.version > version


def test_full_width_characters_from_a_chinese_keyboard_are_accepted():
    batch = _create(make_milk(), batch_no="ｓｑ－２０２４")

    assert batch.batch_no == "SQ-2024"


@pytest.mark.parametrize(
    "batch_no",
    ["", "abc", "x" * 41, "SQ 2024", "SQ_2024", "SQ/2024", "<script>", "批次2024", "SQ-2024\x00", "' OR 1=1--"],
)
def test_a_batch_number_outside_the_format_is_refused(batch_no):
    with pytest.raises(InvalidInput) as caught:
        _create(make_milk(), batch_no=batch_no)

    assert caught.value.code == "batch_no_invalid"
    assert caught.value.details["field"] == "batch_no"
    assert not ProductionBatch.objects.exists()


def test_a_batch_number_is_unique_whatever_its_case():
    product = make_milk()
    _create(product, batch_no="SQ-2024-0001")

    with pytest.raises(Conflict) as caught:
        _create(product, batch_no="sq-2024-0001")

    assert caught.value.code == "batch_no_taken"
    assert ProductionBatch.objects.count() == 1


def test_best_before_cannot_be_before_production():
    with pytest.raises(InvalidInput) as caught:
        _create(make_milk(), production_date=days(-5), expiry_date=days(-6))

    assert caught.value.code == "expiry_before_production"
    assert caught.value.details["field"] == "expiry_date"


def test_the_production_date_cannot_be_in_the_future():
    with pytest.raises(InvalidInput) as caught:
        _create(make_milk(), production_date=days(1), expiry_date=days(100))

    assert caught.value.code == "production_date_future"


def test_a_batch_produced_today_and_best_before_today_is_fine():
    batch = _create(make_milk(), production_date=days(0), expiry_date=days(0))

    assert batch.pk


@pytest.mark.parametrize(
    "raw_materials",
    [
        "生牛乳",
        {"material": "生牛乳", "origin": "内蒙古"},
        [{"material": "生牛乳"}],
        [{"material": "生牛乳", "origin": ""}],
        [{"material": "生牛乳", "origin": "内蒙古", "price": "1"}],
        [{"material": "生牛乳", "origin": 3}],
        [{"material": "奶" * 61, "origin": "内蒙古"}],
        [{"material": "生牛乳", "origin": "内蒙古\n呼伦贝尔"}],
        [{"material": "生牛乳", "origin": "内蒙古"}] * 31,
        ["生牛乳"],
    ],
)
def test_raw_materials_must_be_a_short_list_of_material_and_origin(raw_materials):
    with pytest.raises(InvalidInput) as caught:
        _create(make_milk(), raw_materials=raw_materials)

    assert caught.value.code == "raw_materials_invalid"
    assert not ProductionBatch.objects.exists()


def test_raw_materials_are_trimmed():
    batch = _create(make_milk(), raw_materials=[{"material": " 生牛乳 ", "origin": " 内蒙古 "}])

    assert batch.raw_materials == [{"material": "生牛乳", "origin": "内蒙古"}]


def test_every_problem_is_reported_at_once_with_its_field():
    with pytest.raises(InvalidInput) as caught:
        _create(make_milk(), batch_no="x", factory="", origin="a\x00b", expiry_date=days(-30))

    fields = {problem["field"] for problem in caught.value.details["errors"]}
    assert fields == {"batch_no", "factory", "origin", "expiry_date"}


def test_updating_a_batch_keeps_it_valid():
    batch = make_batch()
    batch.expiry_date = batch.production_date - timedelta(days=1)

    with pytest.raises(InvalidInput):
        batch_save(batch=batch)

    batch.refresh_from_db()
    assert batch.expiry_date > batch.production_date


def test_a_batch_may_keep_its_own_number_when_updated():
    batch = make_batch(batch_no="SQ-KEEP-1")
    batch.factory = "二厂"

    batch_save(batch=batch)

    batch.refresh_from_db()
    assert (batch.batch_no, batch.factory) == ("SQ-KEEP-1", "二厂")


# --- inspection reports --------------------------------------------------------------------------------------


def test_a_report_with_its_pdf_is_stored_under_media_with_a_safe_name():
    batch = make_batch()

    report = make_report(batch, report_no="PONY/2024 (17)", pdf=pdf_upload(name="../../evil.html"))

    assert report.pdf.name.startswith(f"inspections/{batch.pk}/PONY-2024-17")
    assert report.pdf.name.endswith(".pdf")
    with default_storage.open(report.pdf.name) as stored:
        assert stored.read(5) == b"%PDF-"


@pytest.mark.parametrize(
    "content",
    [b"<html><script>alert(1)</script></html>", b"\x89PNG\r\n\x1a\n0000", b"", b" %PDF-1.4", b"%PD"],
)
def test_a_file_that_is_not_really_a_pdf_is_refused(content):
    batch = make_batch()

    with pytest.raises(InvalidInput) as caught:
        make_report(batch, pdf=pdf_upload(content, name="report.pdf"))

    assert caught.value.code == "pdf_not_pdf"
    assert caught.value.details["field"] == "pdf"
    assert not InspectionReport.objects.exists()


def test_a_pdf_over_20_mb_is_refused():
    batch = make_batch()
    big = pdf_upload(b"%PDF-" + b"0" * PDF_MAX_BYTES)

    with pytest.raises(InvalidInput) as caught:
        make_report(batch, pdf=big)

    assert caught.value.code == "pdf_too_large"
    assert not InspectionReport.objects.exists()


def test_a_pdf_of_exactly_20_mb_is_accepted():
    batch = make_batch()

    report = make_report(batch, pdf=pdf_upload(b"%PDF-" + b"0" * (PDF_MAX_BYTES - 5)))

    assert report.pdf.size == PDF_MAX_BYTES


def test_a_new_pdf_replaces_the_old_file(django_capture_on_commit_callbacks):
    report = make_report(make_batch(), pdf=pdf_upload())
    old_name = report.pdf.name

    with django_capture_on_commit_callbacks(execute=True):
        report_save(report=report, pdf=pdf_upload(b"%PDF-1.7 new"))

    assert report.pdf.name != old_name
    assert not default_storage.exists(old_name)
    assert default_storage.exists(report.pdf.name)


def test_deleting_a_report_or_batch_removes_the_pdf_files(django_capture_on_commit_callbacks):
    batch = make_batch()
    first = make_report(batch, pdf=pdf_upload())
    second = make_report(batch, pdf=pdf_upload())

    with django_capture_on_commit_callbacks(execute=True):
        report_delete(report=first)
    assert not default_storage.exists(first.pdf.name)

    with django_capture_on_commit_callbacks(execute=True):
        batch_delete(batch=batch)
    assert not default_storage.exists(second.pdf.name)
    assert not ProductionBatch.objects.exists()


def test_an_inspection_date_in_the_future_is_refused():
    with pytest.raises(InvalidInput) as caught:
        make_report(make_batch(), inspected_on=days(1))

    assert caught.value.code == "inspected_on_future"


def test_a_batch_cannot_be_inspected_before_it_was_produced():
    batch = make_batch(produced=days(-10))

    with pytest.raises(InvalidInput) as caught:
        make_report(batch, inspected_on=days(-11))

    assert caught.value.code == "inspected_before_production"


def test_the_result_must_be_passed_failed_or_pending():
    with pytest.raises(InvalidInput) as caught:
        make_report(make_batch(), result="ok")

    assert caught.value.code == "result_invalid"


def test_a_report_number_is_unique_per_agency_only():
    batch = make_batch()
    make_report(batch, agency="谱尼测试", report_no="R-001")

    with pytest.raises(Conflict) as caught:
        make_report(batch, agency="谱尼测试", report_no="r-001")
    other_agency = make_report(batch, agency="华测检测", report_no="R-001")

    assert caught.value.code == "report_no_taken"
    assert other_agency.pk
    assert InspectionReport.objects.count() == 2


def test_items_tested_must_be_a_list_of_item_and_result():
    batch = make_batch()
    report = InspectionReport(
        batch=batch,
        agency="谱尼",
        report_no="R-9",
        inspected_on=days(0),
        result="passed",
        items_tested=[{"item": "菌落总数"}],
    )

    with pytest.raises(InvalidInput) as caught:
        report_save(report=report)

    assert caught.value.code == "items_tested_invalid"


def test_a_report_bumps_the_product_version():
    batch = make_batch()
    product = batch.sku.product
    product.refresh_from_db()
    version = product.version

    make_report(batch)

    product.refresh_from_db()
    assert product.version > version
