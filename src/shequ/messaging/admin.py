"""Private conversations in the admin: read-only, and every view of one goes to the audit log (they are
people's private messages; operators open them only to handle a report)."""

from __future__ import annotations

from django.contrib import admin

from shequ.audit.admin_mixins import AuditedModelAdmin
from shequ.messaging.models import Conversation, Message


class MessageInline(admin.TabularInline):
    model = Message
    fields = ("sender", "text", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-created_at",)
    max_num = 0


@admin.register(Conversation)
class ConversationAdmin(AuditedModelAdmin):
    list_display = ("id", "user_low", "user_high", "last_message_at", "created_at")
    list_select_related = ("user_low", "user_high")
    search_fields = ("=user_low__id", "=user_high__id")
    readonly_fields = ("user_low", "user_high", "last_message_at", "created_at")
    inlines = (MessageInline,)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser if obj is None else False
