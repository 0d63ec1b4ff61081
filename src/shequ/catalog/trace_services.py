"""Writes for traceability: production batches and their third-party inspection reports.

Batches and reports are operator-entered product data, not personal data, so nothing here is audit-logged.
Every change bumps the product's version (``products_touch``): the product page shows the latest batches
and the trace page's ETag includes that version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shequ.catalog.models import SKU, InspectionReport, InspectionResult, ProductionBatch
from shequ.catalog.services import products_touch
from shequ.catalog.trace import batch_no_canonical, trace_today
from shequ.core.errors import Conflict, InvalidInput

SHORT_TEXT = 60
MAX_RAW_MATERIALS = 30
MAX_ITEMS_TESTED = 60
PDF_MAX_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile(r"[\r\n]")
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9-]+")


@dataclass
class _Problems:
    """Collects every problem with a form's worth of input, so the operator sees them all at once."""

    errors: list[dict[str, str]] = field(default_factory=list)

    def add(self, field_name: str, code: str, message: str | Promise) -> None:
        self.errors.append({"field": field_name, "code": code, "message": str(message)})

    def raise_if_any(self) -> None:
        if self.errors:
            first = self.errors[0]
            raise InvalidInput(
                first["code"], first["message"], details={"field": first["field"], "errors": self.errors}
            )


def _text(problems: _Problems, name: str, value: Any, *, max_length: int, required: bool, multiline: bool = False):
    if value is None:
        value = ""
    if not isinstance(value, str):
        problems.add(name, f"{name}_invalid", _("This must be text."))
        return ""
    text = value.strip()
    if _CONTROL.search(text) or (not multiline and _LINE_BREAK.search(text)):
        problems.add(name, f"{name}_invalid", _("This contains characters that are not allowed."))
    elif required and not text:
        problems.add(name, f"{name}_required", _("This field is required."))
    elif len(text) > max_length:
        problems.add(name, f"{name}_too_long", _("Keep this to %(max)d characters or fewer.") % {"max": max_length})
    return text


def _pairs(problems: _Problems, name: str, value: Any, *, keys: tuple[str, str], max_items: int, message) -> list:
    """A list of two-key objects with short, non-empty strings (raw materials, items tested)."""
    if value in (None, ""):
        return []
    if not isinstance(value, list) or len(value) > max_items:
        problems.add(name, f"{name}_invalid", message)
        return []
    cleaned = []
    for entry in value:
        if not isinstance(entry, dict) or set(entry) - set(keys):
            problems.add(name, f"{name}_invalid", message)
            return []
        parts = [entry.get(key) for key in keys]
        if not all(isinstance(part, str) for part in parts):
            problems.add(name, f"{name}_invalid", message)
            return []
        parts = [part.strip() for part in parts]
        if any(
            not part or len(part) > SHORT_TEXT or _CONTROL.search(part) or _LINE_BREAK.search(part) for part in parts
        ):
            problems.add(name, f"{name}_invalid", message)
            return []
        cleaned.append(dict(zip(keys, parts, strict=True)))
    return cleaned


def _is_date(value: Any) -> bool:
    return isinstance(value, date)


# --- batches ---------------------------------------------------------------------------------------------


def batch_validate(*, batch: ProductionBatch, today: date | None = None) -> None:
    """Bring a batch's fields to their stored form in place and check them.

    Raises InvalidInput (``details["errors"]`` lists every problem with its field) or Conflict when the
    batch number is already used (compared without regard to case).
    """
    today = today or trace_today()
    problems = _Problems()
    if batch.sku_id is None:
        problems.add("sku", "sku_required", _("Choose the SKU this batch was produced for."))
    try:
        batch.batch_no = batch_no_canonical(batch.batch_no if isinstance(batch.batch_no, str) else "")
    except InvalidInput as exc:
        problems.add("batch_no", exc.code, exc.message)
    batch.factory = _text(problems, "factory", batch.factory, max_length=120, required=True)
    batch.origin = _text(problems, "origin", batch.origin, max_length=120, required=True)
    batch.notes = _text(problems, "notes", batch.notes, max_length=2000, required=False, multiline=True)
    if not _is_date(batch.production_date):
        problems.add("production_date", "production_date_required", _("Enter the production date."))
    elif batch.production_date > today:
        problems.add("production_date", "production_date_future", _("The production date cannot be in the future."))
    if not _is_date(batch.expiry_date):
        problems.add("expiry_date", "expiry_date_required", _("Enter the best-before date."))
    elif _is_date(batch.production_date) and batch.expiry_date < batch.production_date:
        problems.add(
            "expiry_date", "expiry_before_production", _("The best-before date cannot be before the production date.")
        )
    batch.raw_materials = _pairs(
        problems,
        "raw_materials",
        batch.raw_materials,
        keys=("material", "origin"),
        max_items=MAX_RAW_MATERIALS,
        message=_("List up to %(count)d raw materials, each with a material and an origin of up to %(max)d characters.")
        % {"count": MAX_RAW_MATERIALS, "max": SHORT_TEXT},
    )
    if not isinstance(batch.quantity, int) or isinstance(batch.quantity, bool) or batch.quantity < 0:
        problems.add("quantity", "quantity_invalid", _("The number of units produced must be zero or more."))
    problems.raise_if_any()
    if ProductionBatch.objects.filter(batch_no__iexact=batch.batch_no).exclude(pk=batch.pk).exists():
        raise _batch_no_taken()


def _batch_no_taken() -> Conflict:
    return Conflict("batch_no_taken", _("Another batch already has this batch number."), details={"field": "batch_no"})


def batch_save(*, batch: ProductionBatch) -> ProductionBatch:
    """Create or update a batch after validating it; the products of its old and new SKU are touched."""
    with transaction.atomic():
        batch_validate(batch=batch)
        product_ids = set(SKU.objects.filter(pk=batch.sku_id).values_list("product_id", flat=True))
        if batch.pk:
            product_ids |= set(ProductionBatch.objects.filter(pk=batch.pk).values_list("sku__product_id", flat=True))
        try:
            with transaction.atomic():
                batch.save()
        except IntegrityError as exc:  # a concurrent save took the number between our check and the insert
            raise _batch_no_taken() from exc
        products_touch(product_ids=product_ids)
    return batch


def batch_create(
    *,
    sku: SKU,
    batch_no: str,
    production_date: date,
    expiry_date: date,
    factory: str,
    origin: str,
    raw_materials: list[dict[str, str]] | None = None,
    quantity: int = 0,
    notes: str = "",
) -> ProductionBatch:
    """Record a production run of ``sku``."""
    return batch_save(
        batch=ProductionBatch(
            sku=sku,
            batch_no=batch_no,
            production_date=production_date,
            expiry_date=expiry_date,
            factory=factory,
            origin=origin,
            raw_materials=raw_materials if raw_materials is not None else [],
            quantity=quantity,
            notes=notes,
        )
    )


def batch_delete(*, batch: ProductionBatch) -> None:
    """Delete a batch with its reports and, once that commits, their PDF files."""
    with transaction.atomic():
        pdf_names = [name for name in batch.inspections.values_list("pdf", flat=True) if name]
        product_id = SKU.objects.filter(pk=batch.sku_id).values_list("product_id", flat=True).first()
        batch.delete()
        _delete_files_on_commit(pdf_names)
        if product_id:
            products_touch(product_ids=[product_id])


# --- inspection reports ------------------------------------------------------------------------------------


def pdf_check(*, upload: File) -> None:
    """Refuse anything that is not really a PDF (by its first bytes, not its name) or is over 20 MB."""
    size = getattr(upload, "size", None)
    if size is not None and size > PDF_MAX_BYTES:
        raise InvalidInput(
            "pdf_too_large",
            _("The report PDF can be at most %(mb)d MB.") % {"mb": PDF_MAX_BYTES // (1024 * 1024)},
            details={"field": "pdf"},
        )
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise InvalidInput("pdf_not_pdf", _("The report must be a PDF file."), details={"field": "pdf"})


def report_validate(
    *, report: InspectionReport, pdf: File | None = None, batch: ProductionBatch | None = None, today=None
) -> None:
    """Bring a report's fields to their stored form in place and check them (and the PDF, if one is given).

    ``batch`` is the (possibly unsaved) batch the report belongs to, when the caller has it at hand — the
    admin validates reports together with a batch being edited. Raises InvalidInput or Conflict.
    """
    today = today or trace_today()
    batch = batch or (report.batch if report.batch_id else None)
    problems = _Problems()
    if batch is None:
        problems.add("batch", "batch_required", _("Choose the batch this report is about."))
    report.agency = _text(problems, "agency", report.agency, max_length=120, required=True)
    report.report_no = _text(problems, "report_no", report.report_no, max_length=60, required=True)
    report.summary = _text(problems, "summary", report.summary, max_length=4000, required=False, multiline=True)
    if not _is_date(report.inspected_on):
        problems.add("inspected_on", "inspected_on_required", _("Enter the inspection date."))
    elif report.inspected_on > today:
        problems.add("inspected_on", "inspected_on_future", _("The inspection date cannot be in the future."))
    elif batch is not None and _is_date(batch.production_date) and report.inspected_on < batch.production_date:
        problems.add(
            "inspected_on", "inspected_before_production", _("A batch cannot be inspected before it was produced.")
        )
    if report.result not in InspectionResult.values:
        problems.add("result", "result_invalid", _("The result must be passed, failed or pending."))
    report.items_tested = _pairs(
        problems,
        "items_tested",
        report.items_tested,
        keys=("item", "result"),
        max_items=MAX_ITEMS_TESTED,
        message=_("List up to %(count)d items tested, each with an item and a result of up to %(max)d characters.")
        % {"count": MAX_ITEMS_TESTED, "max": SHORT_TEXT},
    )
    if pdf is not None:
        try:
            pdf_check(upload=pdf)
        except InvalidInput as exc:
            problems.add("pdf", exc.code, exc.message)
    problems.raise_if_any()
    duplicate = InspectionReport.objects.filter(agency=report.agency, report_no__iexact=report.report_no)
    if duplicate.exclude(pk=report.pk).exists():
        raise _report_no_taken()


def _report_no_taken() -> Conflict:
    return Conflict(
        "report_no_taken",
        _("This agency already has a report with this number."),
        details={"field": "report_no"},
    )


def _pdf_filename(report: InspectionReport) -> str:
    # The stored name never comes from the uploader: always .pdf, so it is served as a PDF and nothing else.
    stem = _UNSAFE_FILENAME.sub("-", report.report_no).strip("-")[:50] or "report"
    return f"{stem}.pdf"


def _delete_files_on_commit(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(delete)


def report_save(*, report: InspectionReport, pdf: File | None = None) -> InspectionReport:
    """Create or update an inspection report; a new ``pdf`` replaces the old file (deleted after commit)."""
    with transaction.atomic():
        report_validate(report=report, pdf=pdf)
        old_pdf = ""
        if report.pk:
            old_pdf = InspectionReport.objects.filter(pk=report.pk).values_list("pdf", flat=True).first() or ""
        if pdf is not None:
            report.pdf.save(_pdf_filename(report), pdf, save=False)
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError as exc:
            raise _report_no_taken() from exc
        if old_pdf and old_pdf != report.pdf.name:
            _delete_files_on_commit([old_pdf])
        _touch_batch(batch_id=report.batch_id)
    return report


def report_add(
    *,
    batch: ProductionBatch,
    agency: str,
    report_no: str,
    inspected_on: date,
    result: str,
    items_tested: list[dict[str, str]] | None = None,
    summary: str = "",
    pdf: File | None = None,
) -> InspectionReport:
    """Attach a third-party inspection report (and optionally its PDF) to a batch."""
    report = InspectionReport(
        batch=batch,
        agency=agency,
        report_no=report_no,
        inspected_on=inspected_on,
        result=result,
        items_tested=items_tested if items_tested is not None else [],
        summary=summary,
    )
    return report_save(report=report, pdf=pdf)


def report_delete(*, report: InspectionReport) -> None:
    """Delete a report and, once that commits, its PDF."""
    with transaction.atomic():
        batch_id = report.batch_id
        _delete_files_on_commit([report.pdf.name] if report.pdf else [])
        report.delete()
        _touch_batch(batch_id=batch_id)


def _touch_batch(*, batch_id: int) -> None:
    product_id = ProductionBatch.objects.filter(pk=batch_id).values_list("sku__product_id", flat=True).first()
    if product_id:
        products_touch(product_ids=[product_id])
