"""Carts in the back office: read-only (customer service can see what someone has in their cart)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from shequ.cart.models import Cart, CartItem


class CartItemInline(admin.TabularInline):
    model = CartItem
    extra = 0
    can_delete = False
    fields = ("sku", "quantity", "price_when_added", "selected", "added_at")
    readonly_fields = fields
    raw_id_fields = ("sku",)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "is_guest", "lines", "updated_at")
    list_select_related = ("user",)
    list_filter = (("user", admin.EmptyFieldListFilter),)
    readonly_fields = ("user", "guest_token", "created_at", "updated_at")
    fields = readonly_fields
    inlines = [CartItemInline]
    ordering = ("-updated_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_lines=Count("items"))

    @admin.display(boolean=True, description=_("guest"))
    def is_guest(self, obj) -> bool:
        return obj.user_id is None

    @admin.display(description=_("lines"), ordering="_lines")
    def lines(self, obj) -> int:
        return obj._lines

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
