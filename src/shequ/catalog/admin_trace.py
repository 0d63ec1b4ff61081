"""Back office for production batches and inspection reports.

Saving goes through the trace services: the forms run the services' validators (so every problem shows on
its field) and save_model / save_formset / delete call the services (so batch numbers are canonical, PDFs are
checked and stored under a safe name, and product versions follow). Batches are product data, not personal
data, so these screens are not audit-logged.
"""

from __future__ import annotations

import contextlib
import json

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from shequ.catalog import trace_selectors, trace_services
from shequ.catalog.models import InspectionReport, InspectionResult, ProductionBatch
from shequ.catalog.trace import TraceFlags, batch_no_from_input
from shequ.core.errors import DomainError

_SEPARATORS = ("|", "｜", "\t", "：", ":")
_BADGE = '<span style="display:inline-block;padding:0 .45em;margin:0 .2em .1em 0;border-radius:4px;{}">{}</span>'
_BAD = "background:#c0392b;color:#fff;font-weight:bold"
_WARN = "background:#fff6e0;color:#8a5a12"
_OK = "background:#eafaf0;color:#1f8a4c"
_INFO = "background:#eef0f3;color:#333"


class PairsField(forms.CharField):
    """A textarea of ``name | value`` lines, stored as a list of two-key objects (JSON is accepted too)."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 60})

    def __init__(self, *, keys: tuple[str, str], **kwargs) -> None:
        self.keys = keys
        kwargs.setdefault("required", False)
        super().__init__(strip=False, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(
                f"{entry.get(self.keys[0], '')} | {entry.get(self.keys[1], '')}"
                for entry in value
                if isinstance(entry, dict)
            )
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        text = (super().to_python(value) or "").strip()
        if text.startswith("["):
            try:
                return json.loads(text)
            except ValueError as exc:
                raise ValidationError(_("This is not valid JSON."), code="invalid") from exc
        rows = []
        for line in text.splitlines():
            if not line.strip():
                continue
            separator = next((s for s in _SEPARATORS if s in line), None)
            if separator is None:
                raise ValidationError(
                    _("Write one per line, as “%(a)s | %(b)s”.") % {"a": self.keys[0], "b": self.keys[1]},
                    code="invalid",
                )
            first, second = line.split(separator, 1)
            rows.append({self.keys[0]: first.strip(), self.keys[1]: second.strip()})
        return rows

    def has_changed(self, initial, data) -> bool:
        try:
            return (initial or []) != self.to_python(data)
        except ValidationError:
            return True


def _add_domain_errors(form: forms.Form, exc: DomainError) -> None:
    """Put each problem a service found on its field (or on the form when the field is not shown)."""
    problems = exc.details.get("errors") or [{"field": exc.details.get("field"), "message": str(exc.message)}]
    for problem in problems:
        field = problem.get("field")
        if field in form.fields:
            if field not in form.errors:
                form.add_error(field, problem["message"])
        else:
            form.add_error(None, problem["message"])


def _badges(flags: TraceFlags):
    badges = []
    if flags.inspection_failed:
        badges.append((_BAD, _("Failed inspection")))
    if flags.expired:
        badges.append((_BAD, _("Expired")))
    if flags.inspection_pending:
        badges.append((_WARN, _("Inspection pending")))
    if flags.no_inspection:
        badges.append((_INFO, _("Not yet inspected")))
    if flags.expiring_soon:
        badges.append((_WARN, _("Expiring soon")))
    if not badges:
        badges.append((_OK, _("OK")))
    return format_html_join("", _BADGE, badges)


# --- forms ----------------------------------------------------------------------------------------------------


BATCH_FIELDS = (
    "sku",
    "batch_no",
    "production_date",
    "expiry_date",
    "factory",
    "origin",
    "raw_materials",
    "quantity",
    "notes",
)


class BatchForm(forms.ModelForm):
    raw_materials = PairsField(
        keys=("material", "origin"),
        label=capfirst(ProductionBatch._meta.get_field("raw_materials").verbose_name),
        help_text=_("One per line: material | origin, e.g. 生牛乳 | 内蒙古呼伦贝尔"),
    )

    class Meta:
        model = ProductionBatch
        fields = BATCH_FIELDS

    def clean(self):
        cleaned = super().clean()
        candidate = ProductionBatch(
            pk=self.instance.pk,
            sku=cleaned.get("sku"),
            **{name: cleaned.get(name) for name in BATCH_FIELDS if name != "sku"},
        )
        try:
            trace_services.batch_validate(batch=candidate)
        except DomainError as exc:
            _add_domain_errors(self, exc)
        else:
            for name in ("batch_no", "factory", "origin", "raw_materials", "notes"):
                cleaned[name] = getattr(candidate, name)
        return cleaned


class ReportForm(forms.ModelForm):
    items_tested = PairsField(
        keys=("item", "result"),
        label=capfirst(InspectionReport._meta.get_field("items_tested").verbose_name),
        help_text=_("One per line: item | result, e.g. 菌落总数 | 合格"),
    )

    class Meta:
        model = InspectionReport
        fields = ("batch", "agency", "report_no", "inspected_on", "result", "items_tested", "summary", "pdf")
        widgets = {"pdf": forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"})}

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("pdf")
        candidate = InspectionReport(
            pk=self.instance.pk,
            agency=cleaned.get("agency"),
            report_no=cleaned.get("report_no"),
            inspected_on=cleaned.get("inspected_on"),
            result=cleaned.get("result"),
            items_tested=cleaned.get("items_tested"),
            summary=cleaned.get("summary"),
        )
        try:
            trace_services.report_validate(
                report=candidate,
                batch=cleaned.get("batch"),
                pdf=upload if isinstance(upload, UploadedFile) else None,
            )
        except DomainError as exc:
            _add_domain_errors(self, exc)
        else:
            for name in ("agency", "report_no", "items_tested", "summary"):
                cleaned[name] = getattr(candidate, name)
        return cleaned


def _save_report_from_form(form: forms.ModelForm, report: InspectionReport) -> None:
    upload = form.cleaned_data.get("pdf")
    trace_services.report_save(report=report, pdf=upload if isinstance(upload, UploadedFile) else None)


# --- list filters ---------------------------------------------------------------------------------------------


class ExpiryFilter(admin.SimpleListFilter):
    title = _("best before")
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return [("expired", _("Expired")), ("expiring_soon", _("Expiring within 30 days")), ("valid", _("Valid"))]

    def queryset(self, request, queryset):
        if self.value() in trace_selectors.EXPIRY_STATES:
            return trace_selectors.batches_filter_expiry(queryset, state=self.value())
        return queryset


class InspectionFilter(admin.SimpleListFilter):
    title = _("inspection")
    parameter_name = "inspection"

    def lookups(self, request, model_admin):
        return [
            ("failed", _("Failed")),
            ("pending", _("Pending")),
            ("none", _("Not yet inspected")),
            ("passed", _("All passed")),
        ]

    def queryset(self, request, queryset):
        if self.value() in trace_selectors.INSPECTION_STATES:
            return trace_selectors.batches_filter_inspection(queryset, state=self.value())
        return queryset


# --- admins ---------------------------------------------------------------------------------------------------


class InspectionReportInline(admin.StackedInline):
    model = InspectionReport
    form = ReportForm
    extra = 0
    fields = ("agency", "report_no", "inspected_on", "result", "items_tested", "summary", "pdf")
    show_change_link = True


@admin.register(ProductionBatch)
class ProductionBatchAdmin(admin.ModelAdmin):
    form = BatchForm
    list_display = ("batch_no", "sku_display", "production_date", "expiry_date", "flags", "report_count_display")
    list_filter = (ExpiryFilter, InspectionFilter, "production_date")
    search_fields = ("batch_no", "sku__code", "sku__product__name", "factory")
    search_help_text = _("Search by batch number (spaces and case do not matter), SKU code, product or factory.")
    date_hierarchy = "production_date"
    list_select_related = ("sku__product",)
    raw_id_fields = ("sku",)
    readonly_fields = ("flags", "trace_links", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("sku", "batch_no", "production_date", "expiry_date", "quantity")}),
        (_("Origin"), {"fields": ("factory", "origin", "raw_materials")}),
        (_("Status"), {"fields": ("flags", "trace_links", "notes", "created_at", "updated_at")}),
    )
    inlines = (InspectionReportInline,)

    def get_queryset(self, request):
        return trace_selectors.batches_with_inspection_counts(super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        # A batch number is searched as people type it; other words (products, factories) as they are.
        with contextlib.suppress(DomainError):
            search_term = batch_no_from_input(search_term)
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("SKU"), ordering="sku__code")
    def sku_display(self, obj: ProductionBatch) -> str:
        return f"{obj.sku.code} · {obj.sku.product.name} {obj.sku.variant_label}".strip()

    @admin.display(description=_("flags"))
    def flags(self, obj: ProductionBatch):
        if obj.pk is None:
            return "—"
        return _badges(trace_selectors.batch_flags_from_counts(obj))

    @admin.display(description=pgettext_lazy("inspection", "reports"), ordering="report_count")
    def report_count_display(self, obj: ProductionBatch) -> int:
        return obj.report_count

    @admin.display(description=_("public trace page"))
    def trace_links(self, obj: ProductionBatch):
        if obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a> · <a href="{}" download>{}</a> · '
            '<a href="{}?box=20" download>{}</a>',
            reverse("catalog:trace_batch", args=[obj.batch_no]),
            pgettext("link", "Open"),
            reverse("catalog:trace_qr_svg", args=[obj.batch_no]),
            _("QR code (SVG)"),
            reverse("catalog:trace_qr_png", args=[obj.batch_no]),
            _("QR code (PNG)"),
        )

    def save_model(self, request, obj, form, change) -> None:
        trace_services.batch_save(batch=obj)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not InspectionReport:
            super().save_formset(request, form, formset, change)
            return
        instances = formset.save(commit=False)
        for report in formset.deleted_objects:
            trace_services.report_delete(report=report)
        forms_by_instance = {id(f.instance): f for f in formset.forms}
        for report in instances:
            _save_report_from_form(forms_by_instance[id(report)], report)
        formset.save_m2m()

    def delete_model(self, request, obj) -> None:
        trace_services.batch_delete(batch=obj)

    def delete_queryset(self, request, queryset) -> None:
        for batch in queryset:
            trace_services.batch_delete(batch=batch)


@admin.register(InspectionReport)
class InspectionReportAdmin(admin.ModelAdmin):
    form = ReportForm
    list_display = ("report_no", "agency", "batch", "inspected_on", "result_badge", "has_pdf")
    list_filter = ("result", "inspected_on")
    search_fields = ("report_no", "agency", "batch__batch_no")
    date_hierarchy = "inspected_on"
    list_select_related = ("batch",)
    autocomplete_fields = ("batch",)
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description=_("result"), ordering="result")
    def result_badge(self, obj: InspectionReport):
        style = {InspectionResult.PASSED: _OK, InspectionResult.FAILED: _BAD}.get(obj.result, _WARN)
        return format_html(_BADGE, style, obj.get_result_display())

    @admin.display(description=_("PDF"), boolean=True)
    def has_pdf(self, obj: InspectionReport) -> bool:
        return bool(obj.pdf)

    def save_model(self, request, obj, form, change) -> None:
        _save_report_from_form(form, obj)

    def delete_model(self, request, obj) -> None:
        trace_services.report_delete(report=obj)

    def delete_queryset(self, request, queryset) -> None:
        for report in queryset:
            trace_services.report_delete(report=report)
