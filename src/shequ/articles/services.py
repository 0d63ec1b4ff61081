"""Writes of brand articles (operators): save with sanitised rich text and a re-encoded cover, publish on a
schedule, archive. Every change re-indexes the article for search after commit."""

from __future__ import annotations

import io
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from shequ.analytics.services import track
from shequ.articles.models import Article, ArticleStatus
from shequ.articles.selectors import scheduled_due
from shequ.catalog.richtext import render_description
from shequ.core.errors import Forbidden, InvalidInput

COVER_MAX_BYTES = 10 * 1024 * 1024
COVER_MAX_PIXELS = 50_000_000
COVER_WIDTH = 1200
BODY_MAX_CHARS = 100_000
SEARCH_DOC_TYPE = "article"


def _operator_required(operator) -> None:
    if not getattr(operator, "is_staff", False):
        raise Forbidden("operators_only", _("Only operators can publish brand articles."))


def article_cover_prepare(data: bytes) -> ContentFile:
    """A cover picture re-encoded as JPEG (≤ 1200 px wide, EXIF dropped); InvalidInput for non-images."""
    if len(data) > COVER_MAX_BYTES:
        raise InvalidInput(
            "image_too_large", _("The picture is too large (at most 10 MB)."), details={"field": "cover"}
        )
    invalid = InvalidInput("image_invalid", _("Upload a JPEG, PNG or WebP picture."), details={"field": "cover"})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in {"JPEG", "PNG", "WEBP", "MPO"} or probe.width * probe.height > COVER_MAX_PIXELS:
                raise invalid
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError, ValueError) as exc:
        raise invalid from exc
    image = ImageOps.exif_transpose(image).convert("RGB")
    image.thumbnail((COVER_WIDTH, COVER_WIDTH), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex[:12]}.jpg")


def _reindex_later(article_id: int) -> None:
    from shequ.search.services import search_index_later

    transaction.on_commit(lambda: search_index_later(doc_type=SEARCH_DOC_TYPE, object_ids=[article_id]))


def _unique_slug(base: str, *, exclude_pk: int | None) -> str:
    base = (slugify(base) or "article")[:100]
    slug, n = base, 2
    while Article.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def article_prepare(*, article: Article, cover: bytes | None = None) -> Article:
    """Check and normalise an article before it is saved (used by the admin form and ``article_save``)."""
    article.title = " ".join((article.title or "").split())
    if not article.title:
        raise InvalidInput("title_required", _("Give the article a title."), details={"field": "title"})
    if len(article.body or "") > BODY_MAX_CHARS:
        raise InvalidInput("body_too_long", _("The article is too long."), details={"field": "body"})
    article.slug = _unique_slug(
        article.slug or article.title_en or f"article-{uuid.uuid4().hex[:6]}", exclude_pk=article.pk
    )
    article.body_html = render_description(article.body or "")
    now = timezone.now()
    if article.status == ArticleStatus.SCHEDULED:
        if article.publish_at is None:
            raise InvalidInput(
                "publish_at_required", _("Choose when the article is published."), details={"field": "publish_at"}
            )
        article.published_at = article.publish_at
        if article.publish_at <= now:
            article.status = ArticleStatus.PUBLISHED
    elif article.status == ArticleStatus.PUBLISHED and article.published_at is None:
        article.published_at = now
    if cover is not None:
        prepared = article_cover_prepare(cover)
        article.cover.save(prepared.name, prepared, save=False)
    return article


def article_save(
    *, operator, article: Article, cover: bytes | None = None, product_ids: list[int] | None = None
) -> Article:
    """Create or update an article (operators only); re-indexed for search after commit."""
    _operator_required(operator)
    with transaction.atomic():
        article_prepare(article=article, cover=cover)
        if article.author_id is None:
            article.author_id = operator.pk
        article.save()
        if product_ids is not None:
            article.products.set(_products_checked(product_ids))
        _reindex_later(article.pk)
    track(operator, "article_saved", {"article_id": article.pk, "status": article.status})
    return article


def _products_checked(product_ids) -> list[int]:
    from shequ.catalog.models import Product

    ids = sorted({int(i) for i in product_ids})
    found = set(Product.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if found != set(ids):
        raise InvalidInput("unknown_product", _("Some linked products do not exist."), details={"field": "products"})
    return ids


def article_archive(*, operator, article: Article) -> Article:
    """Take an article off the site (kept for the record)."""
    _operator_required(operator)
    with transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status=ArticleStatus.ARCHIVED, updated_at=timezone.now())
        _reindex_later(article.pk)
    article.refresh_from_db()
    track(operator, "article_archived", {"article_id": article.pk})
    return article


def article_view_record(*, article: Article, subject, source: str = "") -> None:
    """Count a read and record the behaviour event (``subject``: a user, user id or anonymous id)."""
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
    track(subject, "article_view", {"article_id": article.pk, "slug": article.slug, "source": source[:20]})


def articles_publish_due() -> int:
    """Mark scheduled articles whose time has come as published (they are visible from ``published_at`` on
    anyway; this keeps the status honest for operators). Returns how many."""
    with transaction.atomic():
        ids = list(scheduled_due().select_for_update(skip_locked=True).values_list("pk", flat=True))
        if ids:
            Article.objects.filter(pk__in=ids).update(status=ArticleStatus.PUBLISHED, updated_at=timezone.now())
    return len(ids)
