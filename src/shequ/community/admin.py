"""Community back office: topics (and topic challenges), circles with their moderators, posts (hide, restore,
feature), comments (hide) and badges. Changes go through the community services and the audit log."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from shequ.audit.admin_mixins import AuditedModelAdmin
from shequ.audit.services import audit_record
from shequ.community.models import Circle, CircleMembership, Comment, ContentStatus, Post, Topic, UserBadge
from shequ.community.services import comments as comment_services
from shequ.community.services import posts as post_services
from shequ.core.clients import client_ip


@admin.register(Topic)
class TopicAdmin(AuditedModelAdmin):
    audit_views = False
    list_display = ("name", "slug", "is_featured", "is_challenge", "prize", "deadline", "post_count", "follower_count")
    list_filter = ("is_challenge", "is_featured")
    search_fields = ("name", "slug")
    readonly_fields = ("post_count", "follower_count")
    fieldsets = (
        (None, {"fields": ("name", "slug", "description", "cover", "is_featured")}),
        (_("Challenge"), {"fields": ("is_challenge", "prize", "deadline")}),
        (_("Counts"), {"fields": ("post_count", "follower_count")}),
    )


class MembershipInline(admin.TabularInline):
    model = CircleMembership
    extra = 0
    raw_id_fields = ("user",)
    fields = ("user", "role", "joined_at")
    readonly_fields = ("joined_at",)
    verbose_name = _("moderator")
    verbose_name_plural = _("moderators")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(role="moderator").select_related("user")


@admin.register(Circle)
class CircleAdmin(AuditedModelAdmin):
    audit_views = False
    list_display = ("name", "slug", "is_official", "is_active", "member_count", "post_count")
    list_filter = ("is_official", "is_active")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("member_count", "post_count")
    inlines = [MembershipInline]

    def save_formset(self, request, form, formset, change):
        # A moderator added here also counts as a member.
        new = [obj for obj in formset.save(commit=False) if obj.pk is None]
        super().save_formset(request, form, formset, change)
        if new:
            from django.db.models import F

            Circle.objects.filter(pk=form.instance.pk).update(member_count=F("member_count") + len(new))


@admin.register(Post)
class PostAdmin(AuditedModelAdmin):
    list_display = (
        "id",
        "author",
        "excerpt",
        "status",
        "visibility",
        "is_featured",
        "like_count",
        "comment_count",
        "published_at",
    )
    list_filter = ("status", "visibility", "is_featured")
    search_fields = ("=id", "text", "author__nickname")
    raw_id_fields = ("author", "circle")
    list_select_related = ("author",)
    date_hierarchy = "published_at"
    readonly_fields = (
        "author",
        "text",
        "status",
        "hidden_reason",
        "circle",
        "video_url",
        "published_at",
        "edited_at",
        "like_count",
        "comment_count",
        "favourite_count",
        "share_count",
        "view_count",
        "hot_score",
    )
    fields = (*readonly_fields, "visibility", "is_featured", "is_pinned")
    actions = ("hide", "restore", "feature", "unfeature")

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("text"))
    def excerpt(self, obj: Post) -> str:
        return (obj.text or "")[:40]

    def _each(self, request, queryset, action, verb: str, **extra):
        done = 0
        for post in queryset:
            action(post=post, **extra)
            audit_record(actor=request.user, action="update", target=post, reason=verb, ip=client_ip(request))
            done += 1
        self.message_user(
            request,
            ngettext("%(n)d post: %(verb)s.", "%(n)d posts: %(verb)s.", done) % {"n": done, "verb": verb},
            messages.SUCCESS,
        )

    @admin.action(description=_("Hide (moderation)"), permissions=["change"])
    def hide(self, request, queryset):
        self._each(
            request,
            queryset.filter(status=ContentStatus.PUBLISHED),
            post_services.post_hide,
            str(_("hidden")),
            moderator=request.user,
            reason=str(_("Against the community rules")),
        )

    @admin.action(description=_("Show again"), permissions=["change"])
    def restore(self, request, queryset):
        self._each(
            request,
            queryset.filter(status=ContentStatus.HIDDEN),
            post_services.post_restore,
            str(_("shown again")),
            moderator=request.user,
        )

    @admin.action(description=_("Feature"), permissions=["change"])
    def feature(self, request, queryset):
        self._each(
            request, queryset, post_services.post_feature_set, str(_("featured")), operator=request.user, featured=True
        )

    @admin.action(description=_("Stop featuring"), permissions=["change"])
    def unfeature(self, request, queryset):
        self._each(
            request,
            queryset,
            post_services.post_feature_set,
            str(_("not featured")),
            operator=request.user,
            featured=False,
        )


@admin.register(Comment)
class CommentAdmin(AuditedModelAdmin):
    list_display = ("id", "post_id", "author", "text", "status", "like_count", "created_at")
    list_filter = ("status",)
    search_fields = ("=id", "=post__id", "text", "author__nickname")
    list_select_related = ("author",)
    readonly_fields = ("post", "author", "parent", "reply_to", "text", "status", "like_count", "reply_count")
    fields = readonly_fields
    actions = ("hide",)

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Hide (moderation)"), permissions=["change"])
    def hide(self, request, queryset):
        done = 0
        for comment in queryset.filter(status=ContentStatus.PUBLISHED):
            comment_services.comment_hide(comment=comment, moderator=request.user)
            audit_record(actor=request.user, action="update", target=comment, reason="hidden", ip=client_ip(request))
            done += 1
        self.message_user(request, ngettext("%(n)d comment hidden.", "%(n)d comments hidden.", done) % {"n": done})


@admin.register(UserBadge)
class UserBadgeAdmin(AuditedModelAdmin):
    audit_views = False
    list_display = ("user", "kind", "label", "granted_at")
    list_filter = ("kind",)
    search_fields = ("user__nickname", "label")
    raw_id_fields = ("user",)
    fields = ("user", "kind", "label")

    def save_model(self, request, obj, form, change):
        obj.granted_by_id = request.user.pk
        super().save_model(request, obj, form, change)
