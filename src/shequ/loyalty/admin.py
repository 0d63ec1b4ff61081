"""Loyalty back office: earning rules, streak bonuses and tiers (edited freely, audit-logged); the ledger
(read-only; "add" is an operator adjustment with a required reason, through ``points_adjust``); accounts
with a "rebuild from ledger" action; members' tiers with "recompute now"; check-ins (read-only).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from shequ.audit.admin_mixins import AuditedModelAdmin
from shequ.loyalty import selectors, services, tiers
from shequ.loyalty.models import CheckIn, EarningRule, LedgerEntry, PointsAccount, StreakBonus, Tier, UserTier


class ConfigAdmin(AuditedModelAdmin):
    audit_views = False  # configuration, not personal data: only changes are logged


@admin.register(EarningRule)
class EarningRuleAdmin(ConfigAdmin):
    list_display = ("code", "name", "points", "daily_cap", "use_tier_multiplier", "active")
    list_editable = ("points", "daily_cap", "use_tier_multiplier", "active")
    search_fields = ("code", "name")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj is not None else ()  # handlers look rules up by code


@admin.register(StreakBonus)
class StreakBonusAdmin(ConfigAdmin):
    list_display = ("streak_days", "bonus_points", "repeats")
    list_editable = ("bonus_points", "repeats")


@admin.register(Tier)
class TierAdmin(ConfigAdmin):
    list_display = (
        "name",
        "code",
        "rank",
        "min_spend",
        "min_activity",
        "multiplier",
        "free_shipping",
        "dedicated_service",
        "trial_priority",
    )
    ordering = ("rank",)


class AdjustmentForm(forms.ModelForm):
    """An operator adjustment: whose points, how many (negative to remove), and why (required)."""

    # Not named like the entry's own fields: the model's validation must not run on this form.
    member = forms.ModelChoiceField(
        queryset=get_user_model().objects.all(), widget=forms.NumberInput, label=_("user id")
    )
    change = forms.IntegerField(label=_("points"), help_text=_("Negative to take points away."))
    reason = forms.CharField(label=_("reason"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = LedgerEntry
        fields = ()

    def clean(self):
        data = super().clean()
        user, points = data.get("member"), data.get("change")
        if user is not None and points is not None:
            if points == 0:
                self.add_error("change", _("Enter a number of points other than 0."))
            elif points < 0 and selectors.points_balance(user_id=user.pk) < -points:
                self.add_error("change", _("This member does not have that many points."))
        return data


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user_id", "entry_type", "kind", "points", "balance_after", "reference", "note")
    list_filter = ("entry_type", "kind")
    search_fields = ("=user__id", "reference", "note")
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_select_related = False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AdjustmentForm
            kwargs["fields"] = ()
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("member", "change", "reason")
        return ("created_at", "user", "entry_type", "kind", "reference", "points", "balance_after", "note")

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else ()

    def has_change_permission(self, request, obj=None):
        return False  # immutable: corrections are new entries

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        entry = services.points_adjust(
            operator=request.user,
            user_id=form.cleaned_data["member"].pk,
            points=form.cleaned_data["change"],
            reason=form.cleaned_data["reason"],
        )
        obj.__dict__.update({k: v for k, v in entry.__dict__.items() if k != "_state"})
        obj._state.adding = False


@admin.register(PointsAccount)
class PointsAccountAdmin(AuditedModelAdmin):
    list_display = ("user_id", "balance", "held", "debt", "earned_total", "updated_at")
    search_fields = ("=user__id",)
    readonly_fields = ("user", "balance", "held", "debt", "earned_total", "updated_at")
    actions = ["rebuild_from_ledger"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Rebuild the selected balances from the ledger"))
    def rebuild_from_ledger(self, request, queryset):
        wrong = services.points_balances_rebuild(user_ids=list(queryset.values_list("user_id", flat=True)))
        self.message_user(request, _("%(count)d balance(s) corrected.") % {"count": len(wrong)}, messages.SUCCESS)


@admin.register(UserTier)
class UserTierAdmin(AuditedModelAdmin):
    list_display = ("user_id", "tier", "spend", "activity", "downgrade_to", "downgrade_at", "computed_at")
    list_filter = ("tier",)
    search_fields = ("=user__id",)
    readonly_fields = ("user", "tier", "spend", "activity", "downgrade_to", "downgrade_at", "computed_at")
    actions = ["recompute"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Recompute the selected members' tiers now"))
    def recompute(self, request, queryset):
        for user_id in queryset.values_list("user_id", flat=True):
            tiers.tier_recompute(user_id=user_id, apply_due=True)
        self.message_user(request, _("Tiers recomputed."), messages.SUCCESS)


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ("day", "user_id", "streak", "points", "created_at")
    date_hierarchy = "day"
    search_fields = ("=user__id",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
