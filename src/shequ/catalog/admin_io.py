"""The back office's spreadsheet pages: upload an import (with a dry run), see the report, download the
rows that failed; export all or a selection. Shared by the product admin and the stock admin.

The failed rows of a report are kept in the cache for an hour under a random token bound to the operator
who ran the import, so the result page can offer them as a CSV without keeping any state on the server.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import PurePath

from django import forms
from django.contrib import admin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from shequ.catalog import tabular
from shequ.catalog.import_report import ImportReport
from shequ.core.errors import DomainError
from shequ.core.web import add_domain_error

ERRORS_TTL = 60 * 60
SHOWN_ERRORS = 200
PRODUCT_IMPORT_PERMISSIONS = ("catalog.add_product", "catalog.change_product", "catalog.add_sku", "catalog.change_sku")
STOCK_PERMISSION = "inventory.change_stocklevel"


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"))
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and show what would change, but save nothing"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted per request (not at import) so it is in the operator's language and shows the current limits.
        self.fields["file"].help_text = _(
            "CSV (UTF-8 or GBK, as Excel saves it) or XLSX; at most %(mb)d MB and %(rows)d rows."
        ) % {"mb": tabular.MAX_BYTES // (1024 * 1024), "rows": tabular.MAX_ROWS}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > tabular.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB; split it into smaller files.")
                % {"mb": tabular.MAX_BYTES // (1024 * 1024)}
            )
        return upload


def _errors_key(token: str) -> str:
    return f"catalog:import-errors:{token}"


def _store_errors(request: HttpRequest, report: ImportReport) -> str:
    token = secrets.token_urlsafe(16)
    stem = PurePath(report.filename or "import").stem[:60]
    cache.set(
        _errors_key(token),
        {"user_id": request.user.pk, "filename": f"{stem}-errors.csv", "data": report.errors_csv()},
        ERRORS_TTL,
    )
    return token


def import_view(
    request: HttpRequest,
    *,
    model_admin: admin.ModelAdmin,
    title: str,
    permissions: tuple[str, ...],
    run: Callable[..., ImportReport],
    columns: list[tuple[str, str]],
    errors_url_name: str,
    event: str,
) -> HttpResponse:
    """GET: the upload form. POST: run the import and show the report on the same page."""
    from shequ.analytics.services import track

    if not request.user.has_perms(permissions):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    errors_url = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = run(
                request=request,
                data=upload.read(),
                filename=upload.name,
                dry_run=form.cleaned_data["dry_run"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if report.failed:
                errors_url = reverse(errors_url_name, args=[_store_errors(request, report)])
            track(
                request.user,
                event,
                {
                    "dry_run": report.dry_run,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "failed": report.failed,
                },
            )
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "app_label": opts.app_label,
        "title": title,
        "form": form,
        "report": report,
        "shown_errors": report.errors[:SHOWN_ERRORS] if report else [],
        "hidden_errors": max(0, len(report.errors) - SHOWN_ERRORS) if report else 0,
        "errors_url": errors_url,
        "columns": columns,
        "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
    }
    return TemplateResponse(request, "admin/catalog/import.html", context)


def import_errors_view(request: HttpRequest, token: str, *, permissions: tuple[str, ...]) -> HttpResponse:
    """The failed rows of the operator's own recent import, as CSV."""
    if not request.user.has_perms(permissions):
        raise PermissionDenied
    stored = cache.get(_errors_key(token))
    if not stored or stored["user_id"] != request.user.pk:
        raise Http404(_("This error report has expired; run the import again."))
    return file_response(stored["data"], "csv", stored["filename"])


def file_response(data: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=tabular.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def export_response(request: HttpRequest, *, build: Callable[[str], bytes], kind: str) -> HttpResponse:
    """Run ``build(fmt)`` for ?format=csv|xlsx (CSV by default) and send it as a download."""
    from shequ.catalog.exports import export_filename

    fmt = request.GET.get("format", "csv")
    if fmt not in tabular.CONTENT_TYPES:
        fmt = "csv"
    return file_response(build(fmt), fmt, export_filename(kind, fmt))
