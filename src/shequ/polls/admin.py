"""Operators run polls (product-decision polls link products; a poll may belong to a post or stand alone).
Vote counts are read-only: only ballots move them."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from shequ.audit.admin_mixins import AuditedModelAdmin
from shequ.polls.models import Poll, PollOption
from shequ.polls.services import poll_close


class PollOptionInline(admin.TabularInline):
    model = PollOption
    extra = 3
    fields = ("position", "text", "product", "vote_count")
    readonly_fields = ("vote_count",)
    raw_id_fields = ("product",)


@admin.register(Poll)
class PollAdmin(AuditedModelAdmin):
    list_display = ("question", "is_official", "multiple", "closes_at", "ballot_count", "is_active", "created_at")
    list_filter = ("is_official", "is_active", "multiple")
    search_fields = ("question",)
    ordering = ("-created_at",)
    raw_id_fields = ("author", "post", "products")
    readonly_fields = ("ballot_count",)
    fields = (
        "question",
        "description",
        "is_official",
        "multiple",
        "max_choices",
        "closes_at",
        "results_visibility",
        "products",
        "post",
        "author",
        "is_active",
        "ballot_count",
    )
    inlines = [PollOptionInline]
    actions = ["close"]

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, "is_official": True}

    @admin.action(description=_("Close the selected polls now"))
    def close(self, request, queryset) -> None:
        for poll in queryset:
            poll_close(poll=poll, actor=request.user)
        messages.success(request, _("Closed."))
