"""Operators' tools for reviews and Q&A: reply officially, feature or hide reviews; answer for the brand, pick
best answers, hide questions and answers. Every change goes through the services (which audit-log it)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from shequ.audit.admin_mixins import AuditedModelAdmin
from shequ.core.errors import DomainError
from shequ.reviews import services
from shequ.reviews.models import Answer, ProductRating, Question, Review, ReviewPhoto


class ReviewPhotoInline(admin.TabularInline):
    model = ReviewPhoto
    extra = 0
    can_delete = False
    fields = ("preview", "is_follow_up")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("photo"))
    def preview(self, obj: ReviewPhoto) -> str:
        return format_html(
            '<a href="{0}" target="_blank"><img src="{1}" style="max-height:120px"></a>',
            obj.image.url,
            obj.thumbnail_url,
        )


class ReviewAdminForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ("official_reply",)
        widgets = {"official_reply": forms.Textarea(attrs={"rows": 3})}


@admin.register(Review)
class ReviewAdmin(AuditedModelAdmin):
    form = ReviewAdminForm
    list_display = (
        "id",
        "product",
        "user",
        "rating",
        "short_text",
        "has_photos",
        "is_featured",
        "status",
        "replied",
        "created_at",
    )
    list_filter = ("status", "rating", "is_featured", "has_photos")
    list_select_related = ("product", "user")
    search_fields = ("text", "=id", "=product__id")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    inlines = [ReviewPhotoInline]
    readonly_fields = (
        "order_item",
        "user",
        "product",
        "sku",
        "variant_label",
        "rating",
        "rating_taste",
        "rating_value",
        "rating_packaging",
        "text",
        "follow_up_text",
        "status",
        "is_anonymous",
        "is_featured",
        "helpful_count",
        "edit_count",
        "official_reply_at",
        "created_at",
    )
    fields = (*readonly_fields, "official_reply")
    actions = ["feature", "unfeature", "hide"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("review"))
    def short_text(self, obj: Review) -> str:
        return obj.text[:40]

    @admin.display(description=_("replied"), boolean=True)
    def replied(self, obj: Review) -> bool:
        return bool(obj.official_reply)

    @admin.display(description=_("follow-up"))
    def follow_up_text(self, obj: Review) -> str:
        follow_up = getattr(obj, "follow_up", None)
        return follow_up.text if follow_up else "—"

    def save_model(self, request, obj: Review, form, change: bool) -> None:
        # The official reply is the only editable field; the service notifies the reviewer and audits it.
        if "official_reply" in form.changed_data and obj.official_reply.strip():
            try:
                services.review_reply_official(review=obj, operator=request.user, text=obj.official_reply)
            except DomainError as exc:
                messages.error(request, str(exc.message))

    @admin.action(description=_("Feature the selected reviews"))
    def feature(self, request, queryset) -> None:
        for review in queryset:
            services.review_feature_set(review=review, operator=request.user, featured=True)
        messages.success(request, _("Featured."))

    @admin.action(description=_("Stop featuring the selected reviews"))
    def unfeature(self, request, queryset) -> None:
        for review in queryset:
            services.review_feature_set(review=review, operator=request.user, featured=False)
        messages.success(request, _("No longer featured."))

    @admin.action(description=_("Hide the selected reviews (moderation)"))
    def hide(self, request, queryset) -> None:
        for review in queryset:
            services.review_hide(review=review, moderator=request.user, reason="admin")
        messages.success(request, _("Hidden."))


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    can_delete = False
    fields = ("text", "user", "is_official", "is_verified_buyer", "like_count", "status", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class QuestionAdminForm(forms.ModelForm):
    official_answer = forms.CharField(
        label=_("Answer for the brand"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Published with the official badge; the asker is notified."),
    )

    class Meta:
        model = Question
        fields = ()


@admin.register(Question)
class QuestionAdmin(AuditedModelAdmin):
    form = QuestionAdminForm
    list_display = ("id", "text", "product", "user", "answer_count", "has_best", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("product", "user")
    search_fields = ("text", "=product__id")
    ordering = ("-created_at",)
    readonly_fields = ("product", "user", "text", "status", "answer_count", "best_answer", "created_at")
    fields = (*readonly_fields, "official_answer")
    inlines = [AnswerInline]
    actions = ["hide"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("best answer"), boolean=True)
    def has_best(self, obj: Question) -> bool:
        return obj.best_answer_id is not None

    def save_model(self, request, obj: Question, form, change: bool) -> None:
        text = form.cleaned_data.get("official_answer", "").strip()
        if text:
            try:
                services.answer_create(user=request.user, question_id=obj.pk, text=text)
            except DomainError as exc:
                messages.error(request, str(exc.message))

    @admin.action(description=_("Hide the selected questions (moderation)"))
    def hide(self, request, queryset) -> None:
        for question in queryset:
            services.question_remove(question=question, actor=request.user, by="moderation")
        messages.success(request, _("Hidden."))


@admin.register(Answer)
class AnswerAdmin(AuditedModelAdmin):
    list_display = ("id", "text", "question", "user", "is_official", "is_verified_buyer", "like_count", "status")
    list_filter = ("status", "is_official", "is_verified_buyer")
    list_select_related = ("question", "user")
    search_fields = ("text", "=question__id")
    ordering = ("-created_at",)
    readonly_fields = ("question", "user", "text", "is_official", "is_verified_buyer", "like_count", "status")
    actions = ["accept", "hide"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Choose as the best answer"))
    def accept(self, request, queryset) -> None:
        for answer in queryset:
            try:
                services.answer_accept(user=request.user, answer_id=answer.pk)
            except DomainError as exc:
                messages.error(request, str(exc.message))
        messages.success(request, _("Best answer chosen."))

    @admin.action(description=_("Hide the selected answers (moderation)"))
    def hide(self, request, queryset) -> None:
        for answer in queryset.select_related("question"):
            services.answer_remove(answer=answer, actor=request.user, by="moderation")
        messages.success(request, _("Hidden."))


@admin.register(ProductRating)
class ProductRatingAdmin(admin.ModelAdmin):
    list_display = (
        "product",
        "rating_avg",
        "review_count",
        "taste_avg",
        "value_avg",
        "packaging_avg",
        "question_count",
    )
    list_select_related = ("product",)
    search_fields = ("=product__id",)
    ordering = ("-review_count",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
