"""Brand articles: long-form stories (brand, R&D, production, trends) written by operators."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from shequ.core.models import TimeStampedModel


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Article(TimeStampedModel):
    title = models.CharField(_("title"), max_length=120)
    title_en = models.CharField(_("English title"), max_length=160, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    cover = models.ImageField(_("cover"), upload_to="articles/", blank=True)
    body = models.TextField(_("body"), help_text=_("Markdown; sanitised when shown."))
    body_html = models.TextField(editable=False, blank=True)
    category = models.CharField(_("column"), max_length=20, blank=True, help_text=_("e.g. brand story, R&D"))
    products = models.ManyToManyField("catalog.Product", blank=True, related_name="+", verbose_name=_("products"))
    author_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    like_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["status", "-published_at"], name="articles_published"),
            models.Index(fields=["status", "publish_at"], name="articles_scheduled"),
        ]

    def __str__(self) -> str:
        return self.title
