from django.contrib import admin

from shequ.analytics.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only browsing for analysts; events are written only by the tracker."""

    list_display = ("occurred_at", "name", "user_id", "anonymous_id", "channel", "utm_campaign")
    list_filter = ("name", "channel", "day")
    search_fields = ("name", "anonymous_id", "utm_campaign")
    date_hierarchy = "day"
    show_full_result_count = False  # COUNT(*) over millions of rows on every page is too slow

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Event._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
