"""Back office for coupons: create offers, see how often each was used."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from shequ.core.errors import DomainError
from shequ.coupons.models import Coupon, CouponRedemption, RedemptionStatus
from shequ.coupons.services import coupon_save, coupon_validate


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
