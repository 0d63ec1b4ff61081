"""Operators' order desk: filters, the timeline, bulk shipping (carrier + tracking number per order, through
``order_ship``) and CSV/XLSX export. Money and status are read-only here: they change only through services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.audit.admin_mixins import AuditedModelAdmin
from shequ.audit.models import AuditAction
from shequ.audit.services import audit_record
from shequ.core.clients import client_ip
from shequ.core.errors import DomainError
from shequ.orders import flashgate, integrations
from shequ.orders.exports import orders_export
from shequ.orders.models import FlashSale, Order, OrderEvent, OrderItem, OrderStatus
from shequ.orders.services import order_ship


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    can_delete = False
    fields = ("product_name", "variant_label", "sku_code", "unit_price", "quantity", "line_total", "refunded_quantity")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "status", "message", "data", "actor_id")
    readonly_fields = fields
    ordering = ("created_at", "id")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ShipForm(forms.Form):
    order_id = forms.IntegerField(widget=forms.HiddenInput)
    carrier_code = forms.ChoiceField(label=_("carrier"))
    tracking_no = forms.CharField(label=_("tracking number"), max_length=40)

    def __init__(self, *args, carriers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier_code"].choices = list(carriers)


ShipFormSet = forms.formset_factory(ShipForm, extra=0)


class PaidFilter(admin.SimpleListFilter):
    title = _("to do")
    parameter_name = "todo"

    def lookups(self, request, model_admin):
        return [
            ("to_ship", _("Paid, to ship")),
            ("refunding", _("Refund in progress")),
            ("overdue", _("Unpaid, overdue")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "to_ship":
            return queryset.filter(status=OrderStatus.PAID)
        if self.value() == "refunding":
            return queryset.filter(status=OrderStatus.REFUNDING)
        if self.value() == "overdue":
            return queryset.filter(status=OrderStatus.PENDING_PAYMENT, payment_deadline__lt=timezone.now())
        return queryset


@admin.register(Order)
class OrderAdmin(AuditedModelAdmin):
    list_display = (
        "number",
        "user",
        "status",
        "kind",
        "total",
        "province",
        "city",
        "carrier_code",
        "created_at",
        "paid_at",
        "shipped_at",
    )
    list_filter = (PaidFilter, "status", "kind", "carrier_code", "channel", "created_at", "paid_at")
    list_select_related = ("user",)
    search_fields = ("=number", "utm_campaign", "coupon_code")
    search_help_text = _("Search by the full order number, a campaign or a coupon code.")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    list_per_page = 50
    inlines = [OrderItemInline, OrderEventInline]
    actions = ["ship_selected", "export_csv", "export_xlsx"]
    fieldsets = (
        (None, {"fields": ("number", "user", "kind", "status", "channel", "utm_campaign", "idempotency_key")}),
        (
            _("Money"),
            {
                "fields": (
                    "items_total",
                    "shipping_fee",
                    "coupon_code",
                    "coupon_discount",
                    "points_used",
                    "points_discount",
                    "total",
                    "refunded_total",
                    "invoice",
                )
            },
        ),
        (
            _("Delivery"),
            {
                "fields": (
                    "recipient",
                    "phone",
                    "province",
                    "city",
                    "district",
                    "detail",
                    "postal_code",
                    "carrier_code",
                    "note",
                )
            },
        ),
        (
            _("Times"),
            {
                "fields": (
                    "created_at",
                    "payment_deadline",
                    "paid_at",
                    "shipped_at",
                    "delivered_at",
                    "auto_confirm_at",
                    "completed_at",
                    "cancelled_at",
                    "cancel_reason",
                )
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Order._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    # --- bulk shipping ---------------------------------------------------------------------------------

    @admin.action(description=_("Ship selected orders (enter tracking numbers)"), permissions=["change"])
    def ship_selected(self, request, queryset):
        orders = {order.pk: order for order in queryset.filter(status=OrderStatus.PAID).order_by("created_at")}
        skipped = queryset.exclude(status=OrderStatus.PAID).count()
        carriers = integrations.carriers_for_shipping()
        if "apply" in request.POST:
            formset = ShipFormSet(request.POST, prefix="ship", form_kwargs={"carriers": carriers})
            if formset.is_valid():
                shipped, failed = 0, []
                for row in formset.cleaned_data:
                    order = orders.get(row.get("order_id"))
                    if order is None:
                        continue
                    try:
                        order_ship(
                            order=order,
                            carrier_code=row["carrier_code"],
                            tracking_no=row["tracking_no"],
                            actor=request.user,
                        )
                    except DomainError as exc:
                        failed.append(f"{order.number}: {exc.message}")
                    else:
                        shipped += 1
                if shipped:
                    messages.success(request, _("%(count)d orders shipped.") % {"count": shipped})
                for failure in failed:
                    messages.error(request, failure)
                return None
        else:
            initial = [
                {"order_id": order.pk, "carrier_code": order.carrier_code, "tracking_no": ""}
                for order in orders.values()
            ]
            formset = ShipFormSet(initial=initial, prefix="ship", form_kwargs={"carriers": carriers})
        if not orders:
            messages.warning(request, _("Only paid orders can be shipped; none of the selected ones is."))
            return None
        rows = [(orders.get(_int(form["order_id"].value())), form) for form in formset]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Ship orders"),
            "opts": self.model._meta,
            "formset": formset,
            "rows": rows,
            "skipped": skipped,
            "selected": [str(pk) for pk in queryset.values_list("pk", flat=True)],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/orders/order/ship_selected.html", context)

    # --- export ----------------------------------------------------------------------------------------

    def _export(self, request, queryset, fmt: str) -> HttpResponse:
        count = queryset.count()
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            target_type="orders.order",
            target_id=f"{count} orders",
            reason="order_export",
            ip=client_ip(request),
        )
        content = orders_export(orders=queryset, fmt=fmt)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        content_type = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx" else "text/csv"
        )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="orders-{stamp}.{fmt}"'
        return response

    @admin.action(description=_("Export selected orders (CSV)"), permissions=["view"])
    def export_csv(self, request, queryset):
        return self._export(request, queryset, "csv")

    @admin.action(description=_("Export selected orders (Excel)"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        return self._export(request, queryset, "xlsx")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class FlashSaleForm(forms.ModelForm):
    class Meta:
        model = FlashSale
        fields = ("sku", "title", "price", "starts_at", "ends_at", "per_user_limit", "allotment", "is_active")

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        allotment = cleaned.get("allotment")
        if allotment is not None and self.instance.pk and allotment < self.instance.sold:
            self.add_error("allotment", _("%(sold)d units are already sold.") % {"sold": self.instance.sold})
        if cleaned.get("per_user_limit") == 0:
            self.add_error("per_user_limit", _("At least one per person."))
        return cleaned


@admin.register(FlashSale)
class FlashSaleAdmin(admin.ModelAdmin):
    form = FlashSaleForm
    list_display = ("title", "sku", "price", "starts_at", "ends_at", "per_user_limit", "allotment", "sold", "is_active")
    list_filter = ("is_active",)
    search_fields = ("title", "sku__code")
    raw_id_fields = ("sku",)
    readonly_fields = ("sold",)
    date_hierarchy = "starts_at"

    def save_model(self, request, obj, form, change):
        """Write only the form's fields: ``sold`` moves with every order during a live sale, and saving the value
        read when the form opened would undo those. The sale's Redis gate re-reads the changed rules."""
        if change:
            obj.save(update_fields=list(form.Meta.fields))
        else:
            obj.save()
        sku_id = obj.sku_id
        transaction.on_commit(lambda: flashgate.gate_forget(sku_id=sku_id))
