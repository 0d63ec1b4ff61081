"""Back office for carriers (with their fee tables) and shipments (with their tracking events)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from shequ.audit.admin_mixins import AuditedModelAdmin
from shequ.audit.models import AuditAction
from shequ.audit.services import audit_record
from shequ.core.clients import client_ip
from shequ.core.errors import InvalidInput
from shequ.logistics import services
from shequ.logistics.fees import province_normalise
from shequ.logistics.models import Carrier, Shipment, ShippingRate, TrackingEvent


class ShippingRateForm(forms.ModelForm):
    provinces = forms.CharField(
        label=_("provinces"),
        required=False,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text=_("Separated by commas, e.g. 江苏省, 浙江省, 上海市. Empty: every other mainland province."),
    )

    class Meta:
        model = ShippingRate
        fields = ("provinces", "first_weight_grams", "first_fee", "extra_unit_grams", "extra_fee", "free_over")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["provinces"] = ", ".join(self.instance.provinces or [])

    def clean_provinces(self) -> list[str]:
        raw = self.cleaned_data.get("provinces") or ""
        names = [part.strip() for part in raw.replace("，", ",").replace("、", ",").split(",") if part.strip()]
        try:
            return sorted({province_normalise(name) for name in names})
        except InvalidInput as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean_extra_unit_grams(self) -> int:
        value = self.cleaned_data["extra_unit_grams"]
        if value <= 0:
            raise forms.ValidationError(_("The extra unit must be at least 1 g."))
        return value


class ShippingRateInline(admin.TabularInline):
    model = ShippingRate
    form = ShippingRateForm
    extra = 0


class CarrierForm(forms.ModelForm):
    webhook_secret = forms.CharField(
        label=_("webhook secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the current secret. Used to check the signature of tracking pushes."),
    )

    class Meta:
        model = Carrier
        fields = ("code", "name", "name_en", "delivery_days", "tracking_url", "webhook_secret", "is_active", "position")

    def clean_webhook_secret(self) -> str:
        value = self.cleaned_data.get("webhook_secret") or ""
        if not value:
            return self.instance.webhook_secret or ""
        if len(value) < 16:
            raise forms.ValidationError(_("Use at least 16 characters."))
        return value

    @property
    def changed_data(self) -> list[str]:
        # An empty secret box means "keep the secret": not a change.
        changed = super().changed_data
        if "webhook_secret" in changed and not self.data.get(self.add_prefix("webhook_secret")):
            changed = [name for name in changed if name != "webhook_secret"]
        return changed

    def clean_tracking_url(self) -> str:
        value = (self.cleaned_data.get("tracking_url") or "").strip()
        if value and not value.startswith("https://"):
            raise forms.ValidationError(_("Use an https:// address."))
        if value and "{tracking_no}" not in value:
            raise forms.ValidationError(_("Put {tracking_no} where the tracking number goes."))
        return value


@admin.register(Carrier)
class CarrierAdmin(AuditedModelAdmin):
    form = CarrierForm
    audit_views = False  # carriers hold no personal data; changes (the secret above all) are still logged
    list_display = ("code", "name", "name_en", "delivery_days", "is_active", "position", "has_webhook_secret")
    list_editable = ("is_active", "position")
    search_fields = ("code", "name", "name_en")
    inlines = (ShippingRateInline,)

    def save_model(self, request, obj: Carrier, form, change: bool) -> None:
        # The audit mixin logs changed values; a secret's value must never reach the log, only that it changed.
        admin.ModelAdmin.save_model(self, request, obj, form, change)
        changes = {
            name: "***" if name == "webhook_secret" else str(form.cleaned_data.get(name)) for name in form.changed_data
        }
        audit_record(
            actor=request.user,
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            target=obj,
            changes=changes,
            ip=client_ip(request),
        )

    @admin.display(boolean=True, description=_("webhook secret"))
    def has_webhook_secret(self, obj: Carrier) -> bool:
        return bool(obj.webhook_secret)


class TrackingEventInline(admin.TabularInline):
    model = TrackingEvent
    extra = 0
    can_delete = False
    fields = ("occurred_at", "status", "description", "location", "external_id", "created_at")
    readonly_fields = fields
    ordering = ("-occurred_at", "-id")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ("id", "order", "carrier", "tracking_no", "status", "shipped_at", "delivered_at", "last_polled_at")
    list_filter = ("status", "carrier")
    list_select_related = ("order", "carrier")
    search_fields = ("tracking_no", "order__number")
    date_hierarchy = "shipped_at"
    readonly_fields = ("order", "carrier", "tracking_no", "status", "shipped_at", "delivered_at", "last_polled_at")
    inlines = (TrackingEventInline,)
    actions = ("poll_now",)

    def has_add_permission(self, request) -> bool:
        return False  # shipments are created by shipping an order

    @admin.action(description=_("Ask the carrier for news now"), permissions=["view"])
    def poll_now(self, request, queryset):
        stored = sum(services.shipment_poll(shipment_id=pk) for pk in queryset.values_list("pk", flat=True)[:100])
        messages.success(request, _("%(count)d new tracking events.") % {"count": stored})
