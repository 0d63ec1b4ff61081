"""Public traceability pages (no login): look up a batch, see its trace, get the QR code printed on the pack."""

from __future__ import annotations

import hashlib

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from shequ.analytics.services import track
from shequ.catalog import trace_selectors
from shequ.catalog.trace import lookup_query_for_event
from shequ.catalog.trace_qr import QR_BOX_DEFAULT, QR_BOX_MAX, QR_BOX_MIN, qr_png, qr_svg, trace_public_url
from shequ.core.errors import DomainError, InvalidInput

# A few minutes: long enough to absorb a burst of scans of the same pack, short enough for a new
# inspection report to show up soon. The ETag makes revalidation after that cheap.
TRACE_MAX_AGE = 5 * 60
QR_MAX_AGE = 60 * 60
LOOKUP_TEMPLATE = "catalog/trace/lookup.html"


def _subject(request: HttpRequest):
    if request.user.is_authenticated:
        return request.user
    context = getattr(request, "event_context", None)
    return context.anonymous_id if context else None


def _via(request: HttpRequest) -> str:
    source = request.GET.get("src", "")
    return source if source in ("qr", "search") else "link"


def _with_query(request: HttpRequest, path: str) -> str:
    return f"{path}?{request.GET.urlencode()}" if request.GET else path


def _not_modified(request: HttpRequest, etag: str, *, public: bool, max_age: int) -> HttpResponse | None:
    response = get_conditional_response(request, etag=etag)
    if response is not None:
        _cache(response, etag, public=public, max_age=max_age)
    return response


def _cache(response: HttpResponse, etag: str, *, public: bool, max_age: int) -> HttpResponse:
    response["ETag"] = etag
    if public:
        patch_cache_control(response, public=True, max_age=max_age)
    else:
        patch_cache_control(response, private=True, max_age=max_age)
    return response


@require_safe
def trace_lookup_view(request: HttpRequest) -> HttpResponse:
    """The "type your batch number" form; a found batch redirects to its trace page."""
    query = request.GET.get("batch", "")
    if not query.strip():
        return render(request, LOOKUP_TEMPLATE, {"query": ""})
    shown = lookup_query_for_event(query)
    try:
        batch = trace_selectors.batch_get_by_number(batch_no=query)
    except DomainError as exc:
        track(_subject(request), "trace_lookup", {"query": shown, "found": False})
        return render(request, LOOKUP_TEMPLATE, {"query": shown, "error": exc}, status=exc.status)
    track(_subject(request), "trace_lookup", {"query": shown, "found": True})
    return redirect(f"{reverse('catalog:trace_batch', args=[batch.batch_no])}?src=search")


@require_safe
def trace_batch_view(request: HttpRequest, batch_no: str) -> HttpResponse:
    """The public trace of one batch: product, dates, origins, inspection reports and warning flags."""
    try:
        trace = trace_selectors.trace_batch_get(batch_no=batch_no)
    except DomainError as exc:
        shown = lookup_query_for_event(batch_no)
        track(_subject(request), "trace_lookup", {"query": shown, "found": False, "via": _via(request)})
        return render(request, LOOKUP_TEMPLATE, {"query": shown, "error": exc}, status=exc.status)
    if trace.batch.batch_no != batch_no:  # typed in lower case or with spaces: one canonical URL per batch
        return redirect(_with_query(request, reverse("catalog:trace_batch", args=[trace.batch.batch_no])))
    track(
        _subject(request),
        "trace_view",
        {"batch_no": trace.batch.batch_no, "product_id": trace.product.pk, "via": _via(request)},
    )
    # Private: the page carries the visitor's CSRF token and sets the visitor cookies, so a shared cache must
    # not keep it; the browser may, and revalidates with the ETag.
    etag = trace.etag(variant=f"page:{get_language()}")
    not_modified = _not_modified(request, etag, public=False, max_age=TRACE_MAX_AGE)
    if not_modified is not None:
        return not_modified
    response = render(
        request,
        "catalog/trace/batch.html",
        {
            "trace": trace,
            "batch": trace.batch,
            "sku": trace.sku,
            "product": trace.product,
            "reports": trace.reports,
            "flags": trace.flags,
            "product_path": trace.product_path,
        },
    )
    return _cache(response, etag, public=False, max_age=TRACE_MAX_AGE)


def _qr_box_size(request: HttpRequest) -> int:
    raw = request.GET.get("box", "")
    if not raw:
        return QR_BOX_DEFAULT
    if not raw.isdigit() or not QR_BOX_MIN <= int(raw) <= QR_BOX_MAX:
        raise InvalidInput(
            "qr_box_invalid",
            _("The module size must be a whole number from %(min)d to %(max)d.")
            % {"min": QR_BOX_MIN, "max": QR_BOX_MAX},
        )
    return int(raw)


def _qr_view(request: HttpRequest, batch_no: str, fmt: str) -> HttpResponse:
    box_size = _qr_box_size(request) if fmt == "png" else QR_BOX_DEFAULT
    batch = trace_selectors.batch_get_by_number(batch_no=batch_no)  # InvalidInput / NotFound → error page
    if batch.batch_no != batch_no:
        return redirect(_with_query(request, reverse(f"catalog:trace_qr_{fmt}", args=[batch.batch_no])))
    data = trace_public_url(request=request, batch_no=batch.batch_no, src="qr")
    etag = 'W/"{}"'.format(hashlib.sha256(f"qr-v1|{fmt}|{box_size}|{data}".encode()).hexdigest()[:32])
    not_modified = _not_modified(request, etag, public=True, max_age=QR_MAX_AGE)
    if not_modified is not None:
        return not_modified
    if fmt == "svg":
        response = HttpResponse(qr_svg(data=data), content_type="image/svg+xml")
    else:
        response = HttpResponse(qr_png(data=data, box_size=box_size), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="trace-{batch.batch_no}.{fmt}"'
    return _cache(response, etag, public=True, max_age=QR_MAX_AGE)


@require_safe
def trace_qr_svg_view(request: HttpRequest, batch_no: str) -> HttpResponse:
    """The QR code of a batch's trace page as SVG (for print)."""
    return _qr_view(request, batch_no, "svg")


@require_safe
def trace_qr_png_view(request: HttpRequest, batch_no: str) -> HttpResponse:
    """The QR code of a batch's trace page as PNG; ``?box=`` sets pixels per module (2–40)."""
    return _qr_view(request, batch_no, "png")
