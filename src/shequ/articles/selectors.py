"""Reads of brand articles: what readers may see (published, and scheduled ones once their time has come)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.articles.models import Article, ArticleStatus
from shequ.core.errors import NotFound

PAGE_SIZE = 10
LIVE_STATUSES = (ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED)


def visible_articles(*, now=None) -> QuerySet[Article]:
    """Articles readers may see now: published or scheduled, with a publication time not in the future."""
    now = now or timezone.now()
    return Article.objects.filter(status__in=LIVE_STATUSES, published_at__lte=now)


def article_list(*, category: str = "", page: int = 1, page_size: int = PAGE_SIZE) -> tuple[list[Article], bool]:
    """One page of visible articles, newest first, and whether there is a next page."""
    articles = visible_articles().only(
        "title", "title_en", "slug", "summary", "cover", "category", "published_at", "view_count", "like_count"
    )
    if category:
        articles = articles.filter(category=category)
    start = (max(1, page) - 1) * page_size
    rows = list(articles.order_by("-published_at", "-id")[start : start + page_size + 1])
    return rows[:page_size], len(rows) > page_size


def access_article_for_reader(*, slug: str, viewer=None) -> Article:
    """A visible article by slug (operators also see drafts and scheduled ones, to preview), or NotFound."""
    articles = Article.objects.all() if getattr(viewer, "is_staff", False) else visible_articles()
    article = articles.filter(slug=str(slug)[:120]).first()
    if article is None:
        raise NotFound("article_not_found", _("This article does not exist or is not published yet."))
    return article


def article_products(*, article: Article) -> list:
    """The products linked to an article that are on sale, as storefront cards (one query + images)."""
    from shequ.catalog.selectors import product_cards

    ids = list(article.products.through.objects.filter(article_id=article.pk).values_list("product_id", flat=True))
    if not ids:
        return []
    by_id = {p.pk: p for p in product_cards().filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


@dataclass
class ArticleHit:
    slug: str
    title: str
    summary: str
    cover_url: str

    @property
    def url(self) -> str:
        return reverse("articles:detail", args=[self.slug])


def article_search(*, q: str, limit: int = 5) -> list[ArticleHit]:
    """The best visible articles matching ``q`` (doc type "article"; scheduled ones only once published)."""
    from shequ.search.selectors import search_documents

    matches = search_documents(doc_type="article", query=q, limit=100)
    if not matches.scores:
        return []
    rows = visible_articles().filter(pk__in=list(matches.scores)).only("slug", "title", "summary", "cover")
    ranked = sorted(rows, key=lambda a: (-matches.scores[a.pk], -a.pk))[:limit]
    return [ArticleHit(a.slug, a.title, a.summary, a.cover.url if a.cover else "") for a in ranked]


def scheduled_due(*, now=None) -> QuerySet[Article]:
    """Scheduled articles whose time has come (the task marks them published)."""
    now = now or timezone.now()
    return Article.objects.filter(Q(status=ArticleStatus.SCHEDULED) & Q(published_at__lte=now))
