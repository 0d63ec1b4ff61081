"""The after-sales queue for customer service: filter by status, then approve, reject, take goods back,
refund or send a replacement — each with a note for the buyer, each step audit-logged by the services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from shequ.aftersales.forms import HandleForm
from shequ.aftersales.models import AfterSaleEvent, AfterSaleItem, AfterSalePhoto, AfterSaleRequest
from shequ.aftersales.services import handling
from shequ.audit.admin_mixins import AuditedModelAdmin
from shequ.core.clients import client_ip
from shequ.core.errors import DomainError
from shequ.logistics.selectors import carrier_choices


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ItemInline(ReadOnlyInline):
    model = AfterSaleItem
    fields = ("product", "quantity")
    readonly_fields = fields

    @admin.display(description=_("product"))
    def product(self, obj: AfterSaleItem) -> str:
        line = obj.order_item
        return f"{line.product_name} {line.variant_label} ({line.sku_code}) ¥{line.unit_price}"


class PhotoInline(ReadOnlyInline):
    model = AfterSalePhoto
    fields = ("preview", "created_at")
    readonly_fields = fields

    @admin.display(description=_("photo"))
    def preview(self, obj: AfterSalePhoto) -> str:
        return format_html('<a href="{0}" target="_blank"><img src="{0}" style="max-height:160px"></a>', obj.image.url)


class EventInline(ReadOnlyInline):
    model = AfterSaleEvent
    fields = ("created_at", "status", "note", "actor_id")
    readonly_fields = fields


# action name → (service call, page title, note required, extra fields shown)
STEPS = {
    "approve": (
        lambda a, u, d, ip: handling.aftersale_approve(aftersale=a, actor=u, note=d["note"], ip=ip),
        _("Approve"),
        False,
        (),
    ),
    "reject": (
        lambda a, u, d, ip: handling.aftersale_reject(aftersale=a, actor=u, note=d["note"], ip=ip),
        _("Reject"),
        True,
        (),
    ),
    "receive_sellable": (
        lambda a, u, d, ip: handling.aftersale_goods_received(
            aftersale=a, actor=u, sellable=True, note=d["note"], ip=ip
        ),
        _("Goods received — sellable, back to stock"),
        False,
        (),
    ),
    "receive_unsellable": (
        lambda a, u, d, ip: handling.aftersale_goods_received(
            aftersale=a, actor=u, sellable=False, note=d["note"], ip=ip
        ),
        _("Goods received — not sellable"),
        False,
        (),
    ),
    "refund": (
        lambda a, u, d, ip: handling.aftersale_refund(aftersale=a, actor=u, note=d["note"], amount=d["amount"], ip=ip),
        _("Refund"),
        False,
        ("amount",),
    ),
    "mark_exchanged": (
        lambda a, u, d, ip: handling.aftersale_mark_exchanged(
            aftersale=a, actor=u, carrier_code=d["carrier_code"], tracking_no=d["tracking_no"], note=d["note"], ip=ip
        ),
        _("Replacement sent"),
        False,
        ("carrier_code", "tracking_no"),
    ),
}


@admin.register(AfterSaleRequest)
class AfterSaleRequestAdmin(AuditedModelAdmin):
    list_display = ("number", "order", "user", "kind", "reason", "status", "refund_amount", "created_at")
    list_filter = ("status", "kind", "reason", "restock")
    list_select_related = ("order", "user")
    search_fields = ("number", "order__number", "return_tracking_no")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    readonly_fields = (
        "number",
        "order",
        "user",
        "kind",
        "reason",
        "description",
        "status",
        "refund_amount",
        "return_carrier",
        "return_tracking_no",
        "restock",
        "operator_note",
        "created_at",
        "updated_at",
        "resolved_at",
    )
    inlines = (ItemInline, PhotoInline, EventInline)
    actions = tuple(STEPS)

    def has_add_permission(self, request) -> bool:
        return False  # buyers open requests

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a request is a record of money and goods: it is resolved, never deleted

    def _step(self, request, queryset, action: str):
        call, title, note_required, extra = STEPS[action]
        applying = "apply" in request.POST
        form = HandleForm(request.POST if applying else None, carriers=carrier_choices())
        if applying and form.is_valid():
            if note_required and not form.cleaned_data["note"].strip():
                form.add_error("note", _("Write a note for the buyer."))
            elif "tracking_no" in extra and queryset.count() != 1:
                form.add_error(None, _("Send replacements one request at a time."))
            else:
                done = 0
                for aftersale in queryset.order_by("pk"):
                    try:
                        call(aftersale, request.user, form.cleaned_data, client_ip(request))
                    except DomainError as exc:
                        self.message_user(request, f"{aftersale.number}: {exc.message}", messages.ERROR)
                    else:
                        done += 1
                if done:
                    self.message_user(request, _("%(count)d requests updated.") % {"count": done}, messages.SUCCESS)
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "fields": ["note", *extra],
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/aftersales/handle.html", context)

    @admin.action(description=_("Approve…"), permissions=["change"])
    def approve(self, request, queryset):
        return self._step(request, queryset, "approve")

    @admin.action(description=_("Reject…"), permissions=["change"])
    def reject(self, request, queryset):
        return self._step(request, queryset, "reject")

    @admin.action(description=_("Goods received, sellable (restock)…"), permissions=["change"])
    def receive_sellable(self, request, queryset):
        return self._step(request, queryset, "receive_sellable")

    @admin.action(description=_("Goods received, not sellable…"), permissions=["change"])
    def receive_unsellable(self, request, queryset):
        return self._step(request, queryset, "receive_unsellable")

    @admin.action(description=_("Refund through the payment provider…"), permissions=["change"])
    def refund(self, request, queryset):
        return self._step(request, queryset, "refund")

    @admin.action(description=_("Replacement sent (exchange)…"), permissions=["change"])
    def mark_exchanged(self, request, queryset):
        return self._step(request, queryset, "mark_exchanged")
