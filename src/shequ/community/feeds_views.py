"""Community home (tabs 推荐 / 关注 / 最新 → hot / following / latest), topic and circle feed fragments, and the
community search page. HTMX "load more" asks the same URL with the page's cursor and gets the next cards and
a new button; without JavaScript the button is a link to the full page at that cursor."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import Context
from django.template.loader import get_template, select_template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from shequ.analytics.services import track
from shequ.catalog.tracking import subject
from shequ.community import feed_render, feeds
from shequ.community.feeds_search import community_search
from shequ.core.layout_stencil import csrf_token, placeholder, render_stencilled

TABS = [("hot", _("Recommended")), ("following", pgettext_lazy("feed tab", "Following")), ("latest", _("Latest"))]
CARD_TEMPLATES = ["community/_post_card.html", "community/feed_card.html"]


_chosen_template: list[str] = []


def card_template() -> str:
    """The card template in use (the content module's, or the feeds' own), looked up once per process."""
    if not _chosen_template:
        _chosen_template.append(select_template(CARD_TEMPLATES).template.name)
    return _chosen_template[0]


_card_template = card_template


def _new_post_url() -> str:
    """The content module's "new post" page, whatever it ends up being called."""
    for name in ("community:compose", "community:post_new"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


def _more_url(path: str, params: dict) -> str:
    return f"{path}?{urlencode({k: v for k, v in params.items() if v})}"


@require_safe
def feed_home(request: HttpRequest) -> HttpResponse:
    """The community home page, or (HTMX, with a cursor) the next cards of its tab."""
    tab = request.GET.get("tab") or "hot"
    if tab not in dict(TABS):
        tab = "hot"
    cursor = request.GET.get("cursor") or None
    page = feeds.feed_slice(kind=tab, viewer=request.user, cursor=cursor)
    track(subject(request), "feed_view", {"feed": tab, "more": bool(cursor), "count": len(page.items)})
    path = reverse("community:feed")
    context = {
        "tab": tab,
        "tabs": TABS,
        "page": page,
        "cards_html": feed_render.cards_html(page.states, csrf_token=csrf_token(request)),
        "post_card_template": _card_template(),
        "more_url": _more_url(path, {"tab": tab, "cursor": page.next_cursor}) if page.next_cursor else "",
        "needs_login": tab == "following" and not request.user.is_authenticated,
        "new_post_url": _new_post_url(),
    }
    if request.htmx and cursor:
        return render(request, "community/feed_items.html", context)
    if context["cards_html"] is not None:  # the layout from its stencil, the feed rendered on its own
        body = get_template("community/_feed_body.html").template.render(
            Context({**context, "request": request, "LANG": get_language(), "csrf_token": csrf_token(request)})
        )
        response = render_stencilled(
            request,
            "community/feed.html",
            kind="feed",
            context={"page_body": placeholder("body")},
            fills={"body": body},
        )
        if response is not None:
            return response
    return render(request, "community/feed.html", context)


def _fragment(request: HttpRequest, page: feeds.FeedSlice, path: str, sort: str) -> HttpResponse:
    more = _more_url(path, {"sort": sort, "cursor": page.next_cursor}) if page.next_cursor else ""
    context = {
        "page": page,
        "cards_html": feed_render.cards_html(page.states, csrf_token=csrf_token(request)),
        "more_url": more,
    }
    return render(request, "community/feed_items.html", context)


@require_safe
def feed_topic_items(request: HttpRequest, topic_id: int) -> HttpResponse:
    """Cards of one topic's feed (for the topic page's "load more")."""
    sort = request.GET.get("sort") or "hot"
    page = feeds.topic_slice(topic_id=topic_id, sort=sort, viewer=request.user, cursor=request.GET.get("cursor"))
    track(subject(request), "feed_view", {"feed": "topic", "topic_id": topic_id, "sort": sort, "more": True})
    return _fragment(request, page, reverse("community:feed_topic", args=[topic_id]), sort)


@require_safe
def feed_circle_items(request: HttpRequest, circle_id: int) -> HttpResponse:
    """Cards of one circle's feed (for the circle page's "load more")."""
    sort = request.GET.get("sort") or "latest"
    page = feeds.circle_slice(circle_id=circle_id, sort=sort, viewer=request.user, cursor=request.GET.get("cursor"))
    track(subject(request), "feed_view", {"feed": "circle", "circle_id": circle_id, "sort": sort, "more": True})
    return _fragment(request, page, reverse("community:feed_circle", args=[circle_id]), sort)


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    """Posts and brand articles matching ``q``; posts page by page."""
    q = " ".join((request.GET.get("q") or "").split())[:100]
    page_number = request.GET.get("page") or "1"
    results = community_search(q=q, page=page_number, viewer=request.user)
    if q:
        track(
            subject(request),
            "search",
            {"q": q, "result_count": results.post_count, "context": "community", "page": results.page},
        )
    path = reverse("community:search")
    context = {
        "q": q,
        "results": results,
        "post_card_template": _card_template(),
        "more_url": _more_url(path, {"q": q, "page": results.page + 1}) if results.has_more else "",
        "page": results,
    }
    if request.htmx and results.page > 1:
        return render(request, "community/feed_items.html", context)
    return render(request, "community/feed_search.html", context)
