"""Brand articles in the back office: write in Markdown, upload a cover, link products, schedule.

The form runs ``article_prepare`` (title, unique slug, sanitised HTML, schedule rules, cover re-encoded) so
the admin and ``article_save`` apply the same rules; saving re-indexes the article for search. Changes go to
the audit log.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from shequ.articles.models import Article
from shequ.articles.services import article_archive, article_prepare, articles_publish_due
from shequ.audit.admin_mixins import AuditedModelAdmin
from shequ.core.errors import InvalidInput


class ArticleForm(forms.ModelForm):
    cover_upload = forms.ImageField(label=_("cover"), required=False, help_text=_("JPEG, PNG or WebP, at most 10 MB."))

    class Meta:
        model = Article
        fields = (
            "title",
            "title_en",
            "slug",
            "summary",
            "category",
            "body",
            "products",
            "status",
            "publish_at",
        )
        widgets = {"body": forms.Textarea(attrs={"rows": 24})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Left empty, it is made from the English title.")
        self.fields["publish_at"].help_text = _("For a scheduled article: readers see it from this time on.")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        upload = cleaned.get("cover_upload")
        for name in ("title", "title_en", "slug", "summary", "category", "body", "status", "publish_at"):
            setattr(self.instance, name, cleaned.get(name))
        try:
            article_prepare(article=self.instance, cover=upload.read() if upload else None)
        except InvalidInput as exc:
            field = exc.details.get("field")
            self.add_error(field if field in self.fields else None, str(exc.message))
        else:  # construct_instance copies cleaned_data onto the instance after this: keep the normalised values
            cleaned.update(title=self.instance.title, slug=self.instance.slug, status=self.instance.status)
        return cleaned


@admin.register(Article)
class ArticleAdmin(AuditedModelAdmin):
    form = ArticleForm
    list_display = ("title", "category", "status", "published_at", "view_count")
    list_filter = ("status", "category")
    search_fields = ("title", "title_en", "slug")
    autocomplete_fields = ("products",)
    ordering = ("-published_at", "-id")
    actions = ("archive_selected", "publish_due")
    readonly_fields = ("published_at", "view_count", "like_count")

    def save_model(self, request, obj, form, change):
        if obj.author_id is None:
            obj.author_id = request.user.pk
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        from django.db import transaction

        from shequ.search.services import search_index_later

        pk = form.instance.pk
        transaction.on_commit(lambda: search_index_later(doc_type="article", object_ids=[pk]))

    @admin.action(description=_("Archive the selected articles"))
    def archive_selected(self, request, queryset):
        for article in queryset:
            article_archive(operator=request.user, article=article)
        count = queryset.count()
        self.message_user(
            request, ngettext("%(n)d article archived.", "%(n)d articles archived.", count) % {"n": count}
        )

    @admin.action(description=_("Publish scheduled articles that are due"))
    def publish_due(self, request, queryset):
        count = articles_publish_due()
        self.message_user(request, _("%(n)d scheduled articles published.") % {"n": count}, messages.SUCCESS)
