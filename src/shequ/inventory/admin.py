"""Inventory back office: stock per SKU (changed only through the stock services, so every change leaves a
movement with the operator and a reason), the read-only movement ledger, and stock import/export."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from shequ.catalog import admin_io as spreadsheets
from shequ.catalog.admin_base import DomainErrorsAsMessages
from shequ.catalog.exports import export_filename, stock_export
from shequ.inventory.imports import stock_import
from shequ.inventory.models import StockLevel, StockMovement
from shequ.inventory.selectors import stock_movements_recent
from shequ.inventory.services import stock_set, stock_threshold_set

RECENT_MOVEMENTS = 10


class DeletedOnlyWithTheirSKU:
    """Stock rows and movements are never deleted on their own: a count changes through a movement, and the
    ledger only grows. They still go when their SKU or product is deleted, and Django's deletion page asks
    the delete permission of every row it cascades to, so the permission stays; only direct deletion goes."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        raise PermissionDenied

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "show_delete": False})


class StockLevelForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("reason"),
        max_length=64,
        required=False,
        help_text=_("Why the quantity changes, e.g. “stock-take March” or “damaged in transit”. Kept in the ledger."),
    )

    class Meta:
        model = StockLevel
        fields = ("sku", "on_hand", "low_stock_threshold")

    def clean(self):
        cleaned = super().clean()
        on_hand = cleaned.get("on_hand")
        if "on_hand" in self.changed_data and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give a reason for changing the stock."))
        if on_hand is not None and self.instance.pk and on_hand < self.instance.reserved:
            self.add_error(
                "on_hand",
                _("%(reserved)d units are held by open orders; stock cannot be set below that.")
                % {"reserved": self.instance.reserved},
            )
        return cleaned


class LowStockFilter(admin.SimpleListFilter):
    title = _("stock")
    parameter_name = "stock"

    def lookups(self, request, model_admin):
        return [("low", _("Low (below the alert level)")), ("out", _("Out of stock"))]

    def queryset(self, request, queryset):
        if self.value() == "low":
            return queryset.filter(on_hand__lt=F("reserved") + F("low_stock_threshold"))
        if self.value() == "out":
            return queryset.filter(on_hand__lte=F("reserved"))
        return queryset


def _export_action(fmt: str, description: str):
    def action(modeladmin, request, queryset):
        sku_ids = list(queryset.values_list("sku_id", flat=True))
        return spreadsheets.file_response(stock_export(fmt=fmt, sku_ids=sku_ids), fmt, export_filename("stock", fmt))

    action.__name__ = f"export_{fmt}"
    return admin.action(description=description, permissions=["view"])(action)


@admin.register(StockLevel)
class StockLevelAdmin(DeletedOnlyWithTheirSKU, DomainErrorsAsMessages, admin.ModelAdmin):
    form = StockLevelForm
    change_list_template = "admin/inventory/stocklevel/change_list.html"
    list_display = (
        "sku_code",
        "product_name",
        "variant",
        "on_hand",
        "reserved",
        "available_display",
        "low_stock",
        "updated_at",
    )
    list_select_related = ("sku__product",)
    list_filter = (LowStockFilter,)
    search_fields = ("sku__code", "=sku__barcode", "sku__product__name", "sku__product__name_en")
    search_help_text = _("Search by SKU code, barcode or product name.")
    ordering = ("sku__code",)
    raw_id_fields = ("sku",)
    readonly_fields = ("reserved", "available_display", "recent_movements")
    actions = (
        _export_action("csv", _("Export the selected stock (CSV)")),
        _export_action("xlsx", _("Export the selected stock (Excel)")),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(available_count=F("on_hand") - F("reserved"))

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("sku", "on_hand", "reason", "low_stock_threshold")
        return ("sku", "on_hand", "reason", "reserved", "available_display", "low_stock_threshold", "recent_movements")

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "sku") if obj else self.readonly_fields

    @admin.display(description=_("SKU code"), ordering="sku__code")
    def sku_code(self, obj: StockLevel) -> str:
        return obj.sku.code

    @admin.display(description=_("product"), ordering="sku__product__name")
    def product_name(self, obj: StockLevel) -> str:
        return obj.sku.product.name

    @admin.display(description=_("variant"))
    def variant(self, obj: StockLevel) -> str:
        return obj.sku.variant_label

    @admin.display(description=_("available"), ordering="available_count")
    def available_display(self, obj: StockLevel) -> int:
        return obj.available

    @admin.display(description=_("low stock"), boolean=True)
    def low_stock(self, obj: StockLevel) -> bool:
        return obj.available < obj.low_stock_threshold

    @admin.display(description=_("recent movements"))
    def recent_movements(self, obj: StockLevel):
        movements = stock_movements_recent(sku_id=obj.sku_id, limit=RECENT_MOVEMENTS)
        if not movements:
            return "—"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{:+d}</td><td>{:+d}</td><td>{}</td></tr>",
            (
                (
                    m.created_at.strftime("%Y-%m-%d %H:%M"),
                    m.get_kind_display(),
                    m.on_hand_delta,
                    m.reserved_delta,
                    m.reference,
                )
                for m in movements
            ),
        )
        return format_html("<table><tbody>{}</tbody></table>", rows)

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        if "on_hand" in form.changed_data or not change:
            stock_set(
                sku_id=obj.sku_id, on_hand=data["on_hand"], reason=data["reason"].strip(), actor_id=request.user.pk
            )
        if "low_stock_threshold" in form.changed_data:
            stock_threshold_set(sku_id=obj.sku_id, threshold=data["low_stock_threshold"])
        obj.refresh_from_db()

    # --- import / export pages ---

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="inventory_stocklevel_import"),
            path(
                "import/errors/<str:token>/", view(self.import_errors_view), name="inventory_stocklevel_import_errors"
            ),
            path("export/", view(self.export_view), name="inventory_stocklevel_export"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": request.user.has_perm(spreadsheets.STOCK_PERMISSION)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        def run(*, request, data, filename, dry_run):
            return stock_import(data=data, filename=filename, actor_id=request.user.pk, dry_run=dry_run)

        return spreadsheets.import_view(
            request,
            model_admin=self,
            title=_("Import stock"),
            permissions=(spreadsheets.STOCK_PERMISSION,),
            run=run,
            columns=STOCK_COLUMN_HELP,
            errors_url_name="admin:inventory_stocklevel_import_errors",
            event="admin_stock_import",
        )

    def import_errors_view(self, request, token: str):
        return spreadsheets.import_errors_view(request, token, permissions=(spreadsheets.STOCK_PERMISSION,))

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return spreadsheets.export_response(request, build=lambda fmt: stock_export(fmt=fmt), kind="stock")


@admin.register(StockMovement)
class StockMovementAdmin(DeletedOnlyWithTheirSKU, admin.ModelAdmin):
    """The stock ledger: read-only, newest first."""

    list_display = (
        "created_at",
        "sku_code",
        "product_name",
        "kind",
        "on_hand_delta",
        "reserved_delta",
        "reference",
        "actor_id",
    )
    list_filter = ("kind", "created_at")
    list_select_related = ("sku__product",)
    search_fields = ("sku__code", "reference")
    date_hierarchy = "created_at"
    show_full_result_count = False  # the ledger only grows; counting it on every page gets slow

    @admin.display(description=_("SKU code"), ordering="sku__code")
    def sku_code(self, obj: StockMovement) -> str:
        return obj.sku.code

    @admin.display(description=_("product"))
    def product_name(self, obj: StockMovement) -> str:
        return obj.sku.product.name

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in StockMovement._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


STOCK_COLUMN_HELP = [
    ("sku_code", _("Required: the SKU whose stock is counted.")),
    ("on_hand", _("Required: the quantity on hand (also accepted as “stock”). Never below what open orders hold.")),
    ("reason", _("Optional: written to the stock ledger; the file name is used when blank.")),
    (
        "product_name, variant, barcode, reserved, available",
        _("In the export for reference; ignored on import."),
    ),
]
