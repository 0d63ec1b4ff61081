"""Brand article pages: the list (newest first, by column) and an article with its linked products."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from shequ.analytics.services import track
from shequ.articles import selectors, services
from shequ.catalog.tracking import subject


def _page_number(value) -> int:
    try:
        return min(max(1, int(value or 1)), 1000)
    except (TypeError, ValueError):
        return 1


@require_safe
def article_list_view(request: HttpRequest) -> HttpResponse:
    page = _page_number(request.GET.get("page"))
    category = (request.GET.get("column") or "")[:20]
    articles, has_next = selectors.article_list(category=category, page=page)
    track(subject(request), "article_list_view", {"page": page, "column": category, "count": len(articles)})
    context = {"articles": articles, "page": page, "has_next": has_next, "column": category}
    if request.htmx and page > 1:
        return render(request, "articles/_items.html", context)
    return render(request, "articles/list.html", context)


@require_safe
def article_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.access_article_for_reader(slug=slug, viewer=request.user)
    services.article_view_record(article=article, subject=subject(request), source=request.GET.get("from", ""))
    products = selectors.article_products(article=article)
    preview = request.user.is_staff and not selectors.visible_articles().filter(pk=article.pk).exists()
    context = {"article": article, "products": products, "preview": preview}
    return render(request, "articles/detail.html", context)
