"""Builders for the traceability tests (no tests here): a product with a batch, reports, PDF uploads."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from shequ.catalog.models import InspectionReport, Product, ProductionBatch
from shequ.catalog.testing import make_product
from shequ.catalog.trace import trace_today
from shequ.catalog.trace_services import batch_create, report_add

_seq = itertools.count(1)

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def today() -> date:
    return trace_today()


def days(n: int) -> date:
    """``n`` days from today in China (negative: in the past)."""
    return trace_today() + timedelta(days=n)


def make_milk(**fields) -> Product:
    return make_product(
        name="有机纯牛奶",
        name_en="Organic whole milk",
        skus=[{"flavour": "原味", "flavour_en": "Original", "pack_size": "250ml×12", "pack_size_en": "250 ml × 12"}],
        **fields,
    )


def make_batch(
    *,
    product: Product | None = None,
    batch_no: str = "",
    produced: date | None = None,
    expires: date | None = None,
    raw_materials: list | None = None,
) -> ProductionBatch:
    product = product or make_milk()
    produced = produced or days(-10)
    return batch_create(
        sku=product.skus.first(),
        batch_no=batch_no or f"SQ-{next(_seq):06d}",
        production_date=produced,
        expiry_date=expires or produced + timedelta(days=180),
        factory="呼伦贝尔第一工厂",
        origin="内蒙古呼伦贝尔",
        raw_materials=raw_materials
        if raw_materials is not None
        else [{"material": "生牛乳", "origin": "内蒙古呼伦贝尔牧场"}, {"material": "包装", "origin": "江苏苏州"}],
    )


def make_report(
    batch: ProductionBatch,
    *,
    result: str = "passed",
    agency: str = "谱尼测试集团",
    report_no: str = "",
    inspected_on: date | None = None,
    pdf: SimpleUploadedFile | None = None,
) -> InspectionReport:
    return report_add(
        batch=batch,
        agency=agency,
        report_no=report_no or f"PONY-{next(_seq):05d}",
        inspected_on=inspected_on or max(batch.production_date, days(-2)),
        result=result,
        items_tested=[{"item": "菌落总数", "result": "合格"}, {"item": "蛋白质", "result": "3.4g/100ml"}],
        summary="抽检合格",
        pdf=pdf,
    )


def pdf_upload(content: bytes = PDF_BYTES, name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")
