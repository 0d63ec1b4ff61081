"""Back office: campaigns with their links and figures, new-user task rewards, trials (draw or pick winners),
points-mall items and redemptions."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from shequ.audit.admin_mixins import AuditedModelAdmin
from shequ.campaigns.models import (
    Campaign,
    MallItem,
    MallRedemption,
    OnboardingTask,
    Trial,
    TrialApplication,
    TrialStatus,
)
from shequ.campaigns.selectors import CampaignStats, campaign_stats
from shequ.campaigns.services import trial_draw, trial_pick_winners
from shequ.campaigns.services.campaigns import campaign_links
from shequ.core.errors import DomainError


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "starts_at",
        "ends_at",
        "is_active",
        "coupons_issued",
        "coupons_used",
        "participants",
        "trial_applicants",
        "mall_redemptions",
        "orders",
    )
    list_filter = ("is_active",)
    search_fields = ("code", "name")
    filter_horizontal = ("coupon_templates",)
    readonly_fields = ("links", "figures")
    fieldsets = (
        (None, {"fields": ("code", "name", "name_en", "description", "starts_at", "ends_at", "is_active")}),
        (_("What it groups"), {"fields": ("coupon_templates", "topic_id", "participation_points")}),
        (_("Target segment"), {"fields": ("segment", "tier_codes", "joined_from", "joined_until")}),
        (_("Channel links"), {"fields": ("landing_path", "channels", "utm_medium", "links")}),
        (_("Figures"), {"fields": ("figures",)}),
    )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:  # one set of grouped queries for the whole page, not per row
            rows = list(changelist.result_list)
            stats = campaign_stats(campaigns=rows)
            for row in rows:
                row._stats = stats.get(row.pk, CampaignStats())
        return response

    def _stat(self, obj, name: str):
        stats = getattr(obj, "_stats", None)
        if stats is None:
            stats = campaign_stats(campaigns=[obj]).get(obj.pk, CampaignStats())
            obj._stats = stats
        return getattr(stats, name)

    @admin.display(description=_("coupons issued"))
    def coupons_issued(self, obj):
        return self._stat(obj, "coupons_issued")

    @admin.display(description=_("coupons used"))
    def coupons_used(self, obj):
        return self._stat(obj, "coupons_used")

    @admin.display(description=_("participants"))
    def participants(self, obj):
        return self._stat(obj, "participants")

    @admin.display(description=_("trial applicants"))
    def trial_applicants(self, obj):
        return self._stat(obj, "trial_applicants")

    @admin.display(description=_("mall redemptions"))
    def mall_redemptions(self, obj):
        return self._stat(obj, "mall_redemptions")

    @admin.display(description=_("orders (paid)"))
    def orders(self, obj):
        return f"{self._stat(obj, 'orders')} ({self._stat(obj, 'orders_paid')})"

    @admin.display(description=_("links"))
    def links(self, obj):
        if not obj.pk:
            return "-"
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li><b>{}</b>: <code>{}</code></li>", campaign_links(campaign=obj)),
        )

    @admin.display(description=_("figures"))
    def figures(self, obj):
        if not obj.pk:
            return "-"
        stats = campaign_stats(campaigns=[obj])[obj.pk]
        rows = [
            (_("coupons issued"), stats.coupons_issued),
            (_("coupons used"), stats.coupons_used),
            (_("participants"), stats.participants),
            (_("trial applicants"), stats.trial_applicants),
            (_("mall redemptions"), stats.mall_redemptions),
            (_("orders with the campaign's utm"), stats.orders),
            (_("of them paid"), stats.orders_paid),
            (_("revenue (paid, less refunds)"), f"¥{stats.revenue}"),
        ]
        return format_html("<table>{}</table>", format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows))


@admin.register(OnboardingTask)
class OnboardingTaskAdmin(admin.ModelAdmin):
    list_display = ("code", "points", "coupon_template", "position", "is_active")
    list_editable = ("points", "position", "is_active")
    autocomplete_fields = ("coupon_template",)


class ApplicationInline(admin.TabularInline):
    model = TrialApplication
    extra = 0
    can_delete = False
    fields = ("user", "reason", "status", "weight", "order_id", "reviewed_at", "flagged_at", "created_at")
    readonly_fields = fields
    max_num = 0
    show_change_link = True


@admin.register(Trial)
class TrialAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "sku",
        "units",
        "apply_starts_at",
        "apply_ends_at",
        "review_deadline",
        "status",
        "campaign",
    )
    list_filter = ("status",)
    search_fields = ("title",)
    autocomplete_fields = ("sku",)
    inlines = [ApplicationInline]
    actions = ["draw_winners"]

    @admin.action(description=_("Draw winners (weighted by tier and content)"))
    def draw_winners(self, request, queryset) -> None:
        for trial in queryset.filter(status=TrialStatus.OPEN):
            try:
                winners = trial_draw(operator=request.user, trial=trial)
            except DomainError as exc:
                self.message_user(request, f"{trial}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, _("%(trial)s: %(n)d winners.") % {"trial": trial, "n": len(winners)})


@admin.register(TrialApplication)
class TrialApplicationAdmin(AuditedModelAdmin):
    list_display = ("trial", "user", "status", "weight", "order_id", "reviewed_at", "flagged_at", "created_at")
    list_filter = ("status", ("flagged_at", admin.EmptyFieldListFilter), "trial")
    search_fields = ("=user__id", "trial__title")
    list_select_related = ("trial", "user")
    readonly_fields = (
        "trial",
        "user",
        "reason",
        "address_id",
        "status",
        "weight",
        "order_id",
        "reviewed_at",
        "review_id",
        "reminded_at",
        "flagged_at",
    )
    actions = ["pick_winners"]

    @admin.action(description=_("Select as winners (places their free trial orders)"))
    def pick_winners(self, request, queryset) -> None:
        by_trial = defaultdict(list)
        for trial_id, pk in queryset.values_list("trial_id", "pk"):
            by_trial[trial_id].append(pk)
        for trial in Trial.objects.filter(pk__in=list(by_trial)):
            try:
                chosen = trial_pick_winners(operator=request.user, trial=trial, application_ids=by_trial[trial.pk])
            except DomainError as exc:
                self.message_user(request, f"{trial}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, _("%(trial)s: %(n)d winners.") % {"trial": trial, "n": len(chosen)})


@admin.register(MallItem)
class MallItemAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "points_cost", "stock", "per_user_limit", "is_active", "position", "campaign")
    list_filter = ("kind", "is_active")
    list_editable = ("stock", "is_active", "position")
    search_fields = ("title",)
    autocomplete_fields = ("coupon_template", "sku")


@admin.register(MallRedemption)
class MallRedemptionAdmin(AuditedModelAdmin):
    list_display = ("item", "user", "points", "order_id", "issued_coupon_id", "created_at")
    list_filter = ("item__kind",)
    search_fields = ("=user__id", "item__title")
    list_select_related = ("item", "user")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
