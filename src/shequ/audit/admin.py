from django.contrib import admin

from shequ.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is for looking at, and only the admin role may even do that."""

    list_display = ("at", "actor_label", "action", "target_type", "target_label", "target_user_id", "ip")
    list_filter = ("action", "target_type")
    search_fields = ("actor_label", "target_label", "target_id", "reason")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
