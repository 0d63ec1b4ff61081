"""Back office for coupons: create offers, see how often each was used."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from shequ.audit.admin_mixins import AuditedModelAdmin
from shequ.core.errors import DomainError
from shequ.coupons.issuance import coupon_batch_create
from shequ.coupons.models import (
    BatchStatus,
    Coupon,
    CouponBatch,
    CouponRedemption,
    CouponRule,
    CouponTemplate,
    IssuedCoupon,
    IssuedStatus,
    RedemptionStatus,
)
from shequ.coupons.services import coupon_save, coupon_template_save, coupon_template_validate, coupon_validate


class CouponForm(forms.ModelForm):
    class Meta:
        model = Coupon
        fields = (
            "code",
            "name",
            "name_en",
            "kind",
            "amount",
            "percent",
            "max_discount",
            "min_spend",
            "starts_at",
            "ends_at",
            "per_user_limit",
            "total_limit",
            "stackable",
            "is_active",
        )

    def clean(self):
        cleaned = super().clean()
        candidate = Coupon(**{k: v for k, v in cleaned.items() if k in {f.name for f in Coupon._meta.fields}})
        try:
            coupon_validate(coupon=candidate)
        except DomainError as exc:
            field = exc.details.get("field")
            self.add_error(field if field in self.fields else None, str(exc.message))
        return cleaned


class RedemptionInline(admin.TabularInline):
    model = CouponRedemption
    extra = 0
    can_delete = False
    fields = ("user", "order_id", "discount", "status", "created_at")
    readonly_fields = fields
    ordering = ("-created_at",)
    max_num = 0


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    form = CouponForm
    list_display = (
        "code",
        "name",
        "kind",
        "amount",
        "percent",
        "min_spend",
        "starts_at",
        "ends_at",
        "uses",
        "is_active",
    )
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    inlines = [RedemptionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_uses=Count("redemptions", filter=Q(redemptions__status=RedemptionStatus.USED)))
        )

    @admin.display(description=_("uses"), ordering="_uses")
    def uses(self, obj) -> int:
        return obj._uses

    def save_model(self, request, obj, form, change) -> None:
        coupon_save(coupon=obj)


class CouponTemplateForm(forms.ModelForm):
    class Meta:
        model = CouponTemplate
        fields = (
            "code",
            "name",
            "name_en",
            "description",
            "kind",
            "amount",
            "percent",
            "max_discount",
            "min_spend",
            "valid_from",
            "valid_until",
            "valid_days",
            "per_user_limit",
            "total_limit",
            "stackable",
            "categories",
            "products",
            "claim_code",
            "is_active",
        )

    def clean(self):
        cleaned = super().clean()
        fields = {f.name for f in CouponTemplate._meta.concrete_fields}
        candidate = CouponTemplate(**{k: v for k, v in cleaned.items() if k in fields})
        try:
            coupon_template_validate(template=candidate)
        except DomainError as exc:
            field = exc.details.get("field")
            self.add_error(field if field in self.fields else None, str(exc.message))
        return cleaned


@admin.register(CouponTemplate)
class CouponTemplateAdmin(admin.ModelAdmin):
    form = CouponTemplateForm
    list_display = ("code", "name", "kind", "min_spend", "valid_until", "valid_days", "stackable", "issued", "used")
    list_filter = ("kind", "is_active", "stackable")
    search_fields = ("code", "name", "claim_code")
    autocomplete_fields = ("categories", "products")
    readonly_fields = ("issued_count",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _issued=Count("issued", distinct=True),
                _used=Count("issued", filter=Q(issued__status=IssuedStatus.USED), distinct=True),
            )
        )

    @admin.display(description=_("issued"), ordering="_issued")
    def issued(self, obj) -> int:
        return obj._issued

    @admin.display(description=_("used"), ordering="_used")
    def used(self, obj) -> int:
        return obj._used

    def save_model(self, request, obj, form, change) -> None:
        coupon_template_save(template=obj)


@admin.register(IssuedCoupon)
class IssuedCouponAdmin(AuditedModelAdmin):
    list_display = ("id", "template", "user", "source", "reference", "status", "valid_until", "order_id", "created_at")
    list_filter = ("status", "source", "template")
    search_fields = ("=user__id", "reference", "template__code")
    list_select_related = ("template", "user")
    raw_id_fields = ("user",)
    readonly_fields = ("order_id", "discount", "used_at", "reminded_at")

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # issue through a batch or coupon_grant; a wallet row is history


@admin.register(CouponBatch)
class CouponBatchAdmin(admin.ModelAdmin):
    list_display = ("id", "template", "segment", "tier_codes", "status", "issued", "created_at", "finished_at")
    list_filter = ("status", "segment")
    fields = ("template", "segment", "tier_codes", "joined_from", "joined_until", "status", "issued")
    readonly_fields = ("status", "issued")
    autocomplete_fields = ("template",)
    actions = ["run_batches"]

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return super().save_model(request, obj, form, change)
        batch = coupon_batch_create(
            operator=request.user,
            template=obj.template,
            segment=obj.segment,
            tier_codes=obj.tier_codes,
            joined_from=obj.joined_from,
            joined_until=obj.joined_until,
        )
        obj.pk = batch.pk

    @admin.action(description=_("Issue the coupons now"))
    def run_batches(self, request, queryset) -> None:
        from shequ.coupons.tasks import batch_run

        ids = list(queryset.exclude(status=BatchStatus.DONE).values_list("pk", flat=True))
        for pk in ids:
            batch_run.delay(pk)
        self.message_user(request, _("%(count)d batches queued.") % {"count": len(ids)})


@admin.register(CouponRule)
class CouponRuleAdmin(admin.ModelAdmin):
    list_display = ("kind", "template", "tier_codes", "is_active", "last_run_at")
    list_filter = ("kind", "is_active")
    autocomplete_fields = ("template",)
