"""Traceability API (read-only, no login needed): what a pack's batch number says about it."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import get_language
from ninja import Router, Schema

from shequ.accounts.schemas import ErrorOut
from shequ.analytics.services import track
from shequ.catalog import trace_selectors
from shequ.catalog.trace import lookup_query_for_event
from shequ.catalog.trace_qr import trace_public_url
from shequ.core.errors import DomainError

router = Router(tags=["trace"])

TRACE_MAX_AGE = 5 * 60


class RawMaterialOut(Schema):
    material: str
    origin: str


class ItemTestedOut(Schema):
    item: str
    result: str


class FlagsOut(Schema):
    status: str  # the most serious: failed, expired, pending, uninspected, expiring_soon or ok
    expired: bool
    expiring_soon: bool
    days_until_expiry: int
    inspection_failed: bool
    inspection_pending: bool
    no_inspection: bool
    inspection_passed: bool


class ProductSummaryOut(Schema):
    id: int
    name: str
    slug: str
    brand: str
    url: str | None  # the product page, when the product is on sale


class SkuSummaryOut(Schema):
    id: int
    code: str
    variant: str


class ReportOut(Schema):
    agency: str
    report_no: str
    inspected_on: date
    result: str
    result_label: str
    items_tested: list[ItemTestedOut]
    summary: str
    pdf_url: str | None


class TraceOut(Schema):
    batch_no: str
    production_date: date
    expiry_date: date
    factory: str
    origin: str
    raw_materials: list[RawMaterialOut]
    product: ProductSummaryOut
    sku: SkuSummaryOut
    flags: FlagsOut
    reports: list[ReportOut]
    trace_url: str
    qr_svg_url: str


def _subject(request: HttpRequest):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    context = getattr(request, "event_context", None)
    return context.anonymous_id if context else None


def _absolute(request: HttpRequest, url: str | None) -> str | None:
    return request.build_absolute_uri(url) if url else None


def trace_out(request: HttpRequest, trace: trace_selectors.BatchTrace) -> dict:
    batch, product, sku = trace.batch, trace.product, trace.sku
    return {
        "batch_no": batch.batch_no,
        "production_date": batch.production_date,
        "expiry_date": batch.expiry_date,
        "factory": batch.factory,
        "origin": batch.origin,
        "raw_materials": batch.raw_materials or [],
        "product": {
            "id": product.pk,
            "name": product.t("name"),
            "slug": product.slug,
            "brand": product.brand.t("name"),
            "url": _absolute(request, trace.product_path),
        },
        "sku": {"id": sku.pk, "code": sku.code, "variant": sku.variant_label},
        "flags": trace.flags.as_dict(),
        "reports": [
            {
                "agency": report.agency,
                "report_no": report.report_no,
                "inspected_on": report.inspected_on,
                "result": report.result,
                "result_label": str(report.get_result_display()),
                "items_tested": report.items_tested or [],
                "summary": report.summary,
                "pdf_url": _absolute(request, report.pdf.url) if report.pdf else None,
            }
            for report in trace.reports
        ],
        "trace_url": trace_public_url(request=request, batch_no=batch.batch_no),
        "qr_svg_url": request.build_absolute_uri(reverse("catalog:trace_qr_svg", args=[batch.batch_no])),
    }


@router.get("/{batch_no}", response={200: TraceOut, 304: None, 400: ErrorOut, 404: ErrorOut})
def trace_get(request: HttpRequest, batch_no: str, response: HttpResponse, src: str = ""):
    """The trace of one batch: product, dates, origins, flags and inspection reports.

    The number is matched as people type it (any case, spaces, full-width characters). Answers carry an
    ETag; send it back in ``If-None-Match`` for a 304.
    """
    via = src if src in ("qr", "search") else "link"
    try:
        trace = trace_selectors.trace_batch_get(batch_no=batch_no)
    except DomainError:
        track(
            _subject(request), "trace_lookup", {"query": lookup_query_for_event(batch_no), "found": False, "via": via}
        )
        raise
    track(
        _subject(request), "trace_view", {"batch_no": trace.batch.batch_no, "product_id": trace.product.pk, "via": via}
    )
    etag = trace.etag(variant=f"api:{get_language()}")
    not_modified = get_conditional_response(request, etag=etag)
    target = not_modified if not_modified is not None else response
    target["ETag"] = etag
    patch_cache_control(target, public=True, max_age=TRACE_MAX_AGE)
    if not_modified is not None:
        return not_modified
    return trace_out(request, trace)
