"""Reads for traceability: a batch by its number (as people and scanners type it), the batches of a
product or SKU with their latest inspection, and the flags a consumer must see."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Replace, Upper
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from shequ.catalog.models import SKU, InspectionReport, InspectionResult, Product, ProductionBatch
from shequ.catalog.trace import (
    TraceFlags,
    batch_no_compact,
    batch_no_from_input,
    expiry_window,
    trace_flags,
    trace_today,
)
from shequ.core.errors import NotFound

_SUMMARY_REPORT_FIELDS = ("id", "batch_id", "agency", "report_no", "inspected_on", "result")


def batch_not_found() -> NotFound:
    return NotFound("batch_not_found", _("We could not find a batch with this number. Check the number on the pack."))


def _find(queryset: QuerySet[ProductionBatch], batch_no: str) -> ProductionBatch:
    """The batch with canonical number ``batch_no``: by the unique index first, then ignoring case and dashes.

    The second try finds batches stored before numbers were canonicalised and numbers typed with spaces in
    place of dashes; it only answers when exactly one batch matches, so it never picks between two.
    """
    found = queryset.filter(batch_no=batch_no).first()
    if found is not None:
        return found
    compact = batch_no_compact(batch_no)
    candidates = list(
        queryset.annotate(_compact=Upper(Replace("batch_no", Value("-"), Value(""))))
        .filter(_compact=compact)
        .order_by("pk")[:2]
    )
    if len(candidates) == 1:
        return candidates[0]
    raise batch_not_found()


def batch_get_by_number(*, batch_no: str) -> ProductionBatch:
    """The batch a typed or scanned number refers to (only its id and number loaded).

    Raises InvalidInput for what cannot be a batch number and NotFound for an unknown one.
    """
    return _find(ProductionBatch.objects.only("id", "batch_no", "updated_at"), batch_no_from_input(batch_no))


@dataclass(frozen=True)
class BatchTrace:
    """Everything the public trace page and the API show about one batch."""

    batch: ProductionBatch  # with sku, sku.product and product.brand loaded
    reports: list[InspectionReport]  # newest inspection first
    flags: TraceFlags
    today: date

    @property
    def sku(self) -> SKU:
        return self.batch.sku

    @property
    def product(self) -> Product:
        return self.batch.sku.product

    @property
    def product_path(self) -> str | None:
        return product_page_path(product=self.product)

    # Templates cannot call ``t("name")``; these give the text in the active language.
    @property
    def product_name(self) -> str:
        return self.product.t("name")

    @property
    def brand_name(self) -> str:
        return self.product.brand.t("name")

    @property
    def variant_label(self) -> str:
        return self.sku.variant_label

    def etag(self, *, variant: str = "") -> str:
        """A weak ETag that changes with the batch, its reports, its SKU and product, and the day.

        ``variant`` carries what else the representation depends on (the language, the page vs the API).
        The date is part of it because "expired" and "expiring soon" change at midnight without any write.
        """
        product = self.product
        parts = [
            "trace-v1",
            variant,
            self.today.isoformat(),
            str(self.batch.pk),
            self.batch.updated_at.isoformat(),
            self.batch.sku.updated_at.isoformat(),
            str(product.version),
            product.updated_at.isoformat(),
            product.brand.updated_at.isoformat(),
            *(f"{report.pk}:{report.updated_at.isoformat()}" for report in self.reports),
        ]
        digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
        return f'W/"{digest}"'


def trace_batch_get(*, batch_no: str, today: date | None = None) -> BatchTrace:
    """The public trace of the batch a typed or scanned number refers to, in two queries.

    Raises InvalidInput for what cannot be a batch number and NotFound for an unknown one.
    """
    today = today or trace_today()
    canonical = batch_no_from_input(batch_no)
    queryset = ProductionBatch.objects.select_related("sku__product__brand").prefetch_related(
        Prefetch("inspections", queryset=InspectionReport.objects.order_by("-inspected_on", "-id"))
    )
    batch = _find(queryset, canonical)
    reports = list(batch.inspections.all())
    flags = trace_flags(expiry_date=batch.expiry_date, results=[r.result for r in reports], today=today)
    return BatchTrace(batch=batch, reports=reports, flags=flags, today=today)


def product_page_path(*, product: Product) -> str | None:
    """The product page of a product on sale, or None (drafts and withdrawn products have no public page).

    The storefront owns the route; until ``catalog:product`` exists the documented ``/p/<slug>/`` is used.
    """
    if not product.is_on_sale:
        return None
    try:
        return reverse("catalog:product", args=[product.slug])
    except NoReverseMatch:
        return f"/p/{product.slug}/"


# --- batches of a product or SKU ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportSummary:
    """The latest inspection of a batch as listed on a product page (plain data: safe to cache and pickle)."""

    agency: str
    report_no: str
    inspected_on: date
    result: str

    @property
    def result_label(self) -> str:
        return str(InspectionResult(self.result).label)


@dataclass(frozen=True)
class BatchSummary:
    """One batch as listed on a product page: number, dates, variant, flags, latest inspection, trace link."""

    batch_no: str
    production_date: date
    expiry_date: date
    origin: str
    variant_label: str
    sku_code: str
    flags: TraceFlags
    latest_report: ReportSummary | None
    report_count: int
    url: str


def _report_summary(report: InspectionReport) -> ReportSummary:
    return ReportSummary(
        agency=report.agency, report_no=report.report_no, inspected_on=report.inspected_on, result=report.result
    )


def _summaries(queryset: QuerySet[ProductionBatch], *, limit: int, today: date | None) -> list[BatchSummary]:
    today = today or trace_today()
    limit = max(1, min(int(limit), 50))
    batches = (
        queryset.select_related("sku")
        .only(
            "id",
            "batch_no",
            "production_date",
            "expiry_date",
            "origin",
            "sku_id",
            "sku__id",
            "sku__code",
            "sku__flavour",
            "sku__flavour_en",
            "sku__pack_size",
            "sku__pack_size_en",
        )
        .prefetch_related(
            Prefetch(
                "inspections",
                queryset=InspectionReport.objects.only(*_SUMMARY_REPORT_FIELDS).order_by("-inspected_on", "-id"),
            )
        )
        .order_by("-production_date", "-id")[:limit]
    )
    summaries = []
    for batch in batches:
        reports = list(batch.inspections.all())
        summaries.append(
            BatchSummary(
                batch_no=batch.batch_no,
                production_date=batch.production_date,
                expiry_date=batch.expiry_date,
                origin=batch.origin,
                variant_label=batch.sku.variant_label,
                sku_code=batch.sku.code,
                flags=trace_flags(expiry_date=batch.expiry_date, results=[r.result for r in reports], today=today),
                latest_report=_report_summary(reports[0]) if reports else None,
                report_count=len(reports),
                url=reverse("catalog:trace_batch", args=[batch.batch_no]),
            )
        )
    return summaries


def trace_batches_for_product(*, product: Product, limit: int = 3, today: date | None = None) -> list[BatchSummary]:
    """The most recently produced batches of any of the product's SKUs, in at most two queries."""
    return _summaries(ProductionBatch.objects.filter(sku__product_id=product.pk), limit=limit, today=today)


def trace_batches_for_sku(*, sku: SKU, limit: int = 10, today: date | None = None) -> list[BatchSummary]:
    """The most recently produced batches of one SKU, in at most two queries."""
    return _summaries(ProductionBatch.objects.filter(sku_id=sku.pk), limit=limit, today=today)


# --- back office ----------------------------------------------------------------------------------------------


def batches_with_inspection_counts(queryset: QuerySet[ProductionBatch]) -> QuerySet[ProductionBatch]:
    """Annotate ``report_count``, ``failed_count`` and ``pending_count`` (for lists and their filters)."""
    return queryset.annotate(
        report_count=Count("inspections", distinct=True),
        failed_count=Count("inspections", filter=Q(inspections__result=InspectionResult.FAILED), distinct=True),
        pending_count=Count("inspections", filter=Q(inspections__result=InspectionResult.PENDING), distinct=True),
    )


def batch_flags_from_counts(batch: ProductionBatch, *, today: date | None = None) -> TraceFlags:
    """Flags of a batch annotated by ``batches_with_inspection_counts`` (no query)."""
    results = []
    if batch.failed_count:
        results.append(InspectionResult.FAILED)
    if batch.pending_count:
        results.append(InspectionResult.PENDING)
    if batch.report_count and not results:
        results.append(InspectionResult.PASSED)
    return trace_flags(expiry_date=batch.expiry_date, results=results, today=today)


EXPIRY_STATES = ("expired", "expiring_soon", "valid")
INSPECTION_STATES = ("failed", "pending", "none", "passed")


def batches_filter_expiry(
    queryset: QuerySet[ProductionBatch], *, state: str, today: date | None = None
) -> QuerySet[ProductionBatch]:
    """Batches past their best-before date, within the expiring-soon window, or further out."""
    today, soon = expiry_window(today)
    if state == "expired":
        return queryset.filter(expiry_date__lt=today)
    if state == "expiring_soon":
        return queryset.filter(expiry_date__gte=today, expiry_date__lte=soon)
    if state == "valid":
        return queryset.filter(expiry_date__gt=soon)
    return queryset


def batches_filter_inspection(queryset: QuerySet[ProductionBatch], *, state: str) -> QuerySet[ProductionBatch]:
    """Batches with a failed or pending inspection, none at all, or only passed ones (annotated queryset)."""
    if state == "failed":
        return queryset.filter(failed_count__gt=0)
    if state == "pending":
        return queryset.filter(pending_count__gt=0)
    if state == "none":
        return queryset.filter(report_count=0)
    if state == "passed":
        return queryset.filter(report_count__gt=0, failed_count=0, pending_count=0)
    return queryset
