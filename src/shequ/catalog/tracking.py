"""The storefront's behaviour events, shared by the pages and the API so both record the same properties.

Events: ``product_view`` (product_id, sku_id, source, and q/position when it came from search),
``search_click`` (q, product_id, position), ``search`` (q, result_count, filters, page, sort),
``category_view`` (category, filters, sort, result_count), ``filter_apply`` (context, category, q, filters, sort,
result_count) and ``variant_select`` (product_id, sku_id). Result links carry ``?from=search&q=…&pos=3`` so the
click is recorded when the product is requested.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest

from shequ.analytics.services import track
from shequ.catalog.browse import BrowseQuery

_SOURCE_RE = re.compile(r"^[a-z_]{1,20}$")


def subject(request: HttpRequest) -> Any:
    """The user (bearer token or session) or else the visitor's anonymous id."""
    auth = getattr(request, "auth", None)
    if getattr(auth, "is_authenticated", False):
        return auth
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    context = getattr(request, "event_context", None)
    return context.anonymous_id if context else None


def filters_of(query: BrowseQuery) -> dict[str, Any]:
    """The filters a listing was asked for (empty when there are none)."""
    filters: dict[str, Any] = {}
    if query.brands:
        filters["brand"] = list(query.brands)
    if query.tags:
        filters["tag"] = list(query.tags)
    if query.price_min is not None:
        filters["price_min"] = str(query.price_min)
    if query.price_max is not None:
        filters["price_max"] = str(query.price_max)
    if query.in_stock:
        filters["in_stock"] = True
    return filters


def listing_viewed(request: HttpRequest, *, query: BrowseQuery, result_count: int, context: str) -> None:
    """A search, a category page or a filtered product list was shown (page 2+ of a category is not a view)."""
    who = subject(request)
    filters = filters_of(query)
    if query.q:
        props = {"q": query.q, "result_count": result_count, "filters": filters, "page": query.page, "sort": query.sort}
        if query.category:
            props["category"] = query.category
        track(who, "search", props)
    elif query.category and query.page == 1:
        track(
            who,
            "category_view",
            {"category": query.category, "filters": filters, "sort": query.sort, "result_count": result_count},
        )
    if (filters or query.sort != "relevance") and query.page == 1:
        track(
            who,
            "filter_apply",
            {
                "context": context,
                "category": query.category,
                "q": query.q,
                "filters": filters,
                "sort": query.sort,
                "result_count": result_count,
            },
        )


def _position(raw: str | None) -> int | None:
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return value if 0 < value <= 100_000 else None


def product_viewed(request: HttpRequest, *, product_id: int, sku_id: int | None) -> None:
    """A product was opened; ``?from=search&q=…&pos=N`` on the request also records the search click."""
    params = request.GET
    source = (params.get("from") or "").strip()
    source = source if _SOURCE_RE.match(source) else "direct"
    props: dict[str, Any] = {"product_id": product_id, "sku_id": sku_id, "source": source}
    who = subject(request)
    if source == "search":
        q = " ".join((params.get("q") or "").split())[:100]
        position = _position(params.get("pos"))
        props.update(q=q, position=position)
        if q:
            track(who, "search_click", {"q": q, "product_id": product_id, "position": position})
    track(who, "product_view", props)


def variant_selected(request: HttpRequest, *, product_id: int, sku_id: int) -> None:
    track(subject(request), "variant_select", {"product_id": product_id, "sku_id": sku_id})
