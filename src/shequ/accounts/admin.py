"""The back office for accounts. Every view or change of a person's data is audit-logged."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from shequ.accounts.models import Address, Preferences, PrivacySettings, SocialAccount, User
from shequ.accounts.phones import normalise_phone
from shequ.accounts.services.tokens import user_tokens_revoke_all
from shequ.audit.admin_mixins import AuditedModelAdmin
from shequ.audit.models import AuditAction
from shequ.audit.services import audit_record
from shequ.core.clients import client_ip
from shequ.core.crypto import lookup_hash
from shequ.core.errors import InvalidInput


class AddressInline(admin.StackedInline):
    model = Address
    extra = 0
    fields = ("recipient", "phone", "province", "city", "district", "detail", "postal_code", "label", "is_default")


class PrivacyInline(admin.StackedInline):
    model = PrivacySettings
    can_delete = False
    extra = 0
    readonly_fields = (
        "posts_visibility",
        "follows_visibility",
        "messages_from",
        "personalised_recommendations",
        "marketing_messages",
        "discoverable",
    )

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class PreferencesInline(admin.StackedInline):
    model = Preferences
    can_delete = False
    extra = 0
    readonly_fields = ("categories", "brands", "flavours", "pack_sizes", "dietary_tags")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(AuditedModelAdmin):
    list_display = ("id", "nickname", "phone_masked", "date_joined", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "groups", "gender")
    search_fields = ("nickname",)
    search_help_text = _("Search by nickname, or by the full mobile number.")
    ordering = ("-date_joined",)
    date_hierarchy = "date_joined"
    readonly_fields = ("phone_masked", "date_joined", "last_login", "deleted_at")
    fieldsets = (
        (None, {"fields": ("phone_masked", "nickname", "bio", "birthday", "gender", "avatar")}),
        (_("Status"), {"fields": ("is_active", "date_joined", "last_login", "deleted_at")}),
        (_("Operator"), {"fields": ("is_staff", "is_superuser", "groups")}),
    )
    filter_horizontal = ("groups",)
    inlines = (PrivacyInline, PreferencesInline, AddressInline)
    actions = ("disable_accounts", "revoke_logins")

    @admin.display(description=_("mobile phone"))
    def phone_masked(self, obj: User) -> str:
        return obj.phone_masked

    def get_search_results(self, request, queryset, search_term):
        try:
            e164 = normalise_phone(search_term)
        except InvalidInput:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(phone_hash=lookup_hash(e164)), False

    def has_add_permission(self, request) -> bool:
        return False  # people sign up themselves; operators are made with `shequ createoperator`

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_staff", "is_superuser", "groups"]
        return fields

    @admin.action(description=_("Disable the selected accounts and log them out"), permissions=["change"])
    def disable_accounts(self, request, queryset):
        for user in queryset:
            user.is_active = False
            user.save(update_fields=["is_active"])
            user_tokens_revoke_all(user=user)
            audit_record(
                actor=request.user,
                action=AuditAction.UPDATE,
                target=user,
                changes={"is_active": False},
                reason="disable_accounts",
                ip=client_ip(request),
            )
        messages.success(request, _("Accounts disabled."))

    @admin.action(description=_("Log the selected users out of every app"), permissions=["change"])
    def revoke_logins(self, request, queryset):
        for user in queryset:
            user_tokens_revoke_all(user=user)
            audit_record(
                actor=request.user, action=AuditAction.OTHER, target=user, reason="revoke_logins", ip=client_ip(request)
            )
        messages.success(request, _("Logins revoked."))


@admin.register(Address)
class AddressAdmin(AuditedModelAdmin):
    list_display = ("id", "user", "province", "city", "district", "is_default", "updated_at")
    list_filter = ("province",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    search_fields = ("user__nickname",)


@admin.register(SocialAccount)
class SocialAccountAdmin(AuditedModelAdmin):
    list_display = ("id", "user", "provider", "created_at")
    list_filter = ("provider",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    readonly_fields = ("uid", "unionid", "profile")
