"""API v1 of the articles module: ROUTERS lists (mount prefix, router) pairs that config.api mounts."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from shequ.accounts.api_auth import optional_user_auth
from shequ.accounts.schemas import ErrorOut
from shequ.analytics.services import track
from shequ.articles import selectors, services
from shequ.catalog.tracking import subject

router = Router(tags=["articles"])
ERRORS = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _file_url(value) -> str:
    try:
        return value.url if value else ""
    except ValueError:
        return ""


class ArticleSummaryOut(Schema):
    slug: str
    title: str
    title_en: str
    summary: str
    category: str
    cover: str
    published_at: datetime | None

    @staticmethod
    def resolve_cover(obj) -> str:
        return obj["cover"] if isinstance(obj, dict) else _file_url(obj.cover)


class ArticleListOut(Schema):
    items: list[ArticleSummaryOut]
    page: int
    has_next: bool


class LinkedProductOut(Schema):
    id: int
    slug: str
    name: str


class ArticleOut(ArticleSummaryOut):
    body_html: str
    view_count: int
    products: list[LinkedProductOut]


class ListQuery(Schema):
    page: int = Field(1, ge=1, le=1000)
    column: str = Field("", max_length=20)


@router.get("", response={200: ArticleListOut, **ERRORS}, auth=optional_user_auth, summary="Brand articles")
def article_list(request: HttpRequest, params: Query[ListQuery]):
    """Published brand articles, newest first (``column`` filters by column)."""
    items, has_next = selectors.article_list(category=params.column, page=params.page)
    track(subject(request), "article_list_view", {"page": params.page, "column": params.column, "via": "api"})
    return {"items": items, "page": params.page, "has_next": has_next}


@router.get("/{slug}", response={200: ArticleOut, **ERRORS}, auth=optional_user_auth, summary="One article")
def article_detail(request: HttpRequest, slug: str):
    """One published article with its sanitised HTML body and the linked products on sale."""
    article = selectors.access_article_for_reader(slug=slug, viewer=None)
    services.article_view_record(article=article, subject=subject(request), source="api")
    products = [{"id": p.pk, "slug": p.slug, "name": p.name} for p in selectors.article_products(article=article)]
    return {
        **{f: getattr(article, f) for f in ("slug", "title", "title_en", "summary", "category", "published_at")},
        "cover": _file_url(article.cover),
        "body_html": article.body_html,
        "view_count": article.view_count,
        "products": products,
    }


ROUTERS = [("/articles", router)]
