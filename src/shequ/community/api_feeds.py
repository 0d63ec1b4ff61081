"""Feeds API v1 (mounted at /api/v1/feeds): following, hot, latest, one topic, one circle, and search.

Each answers ``{"items": [post card], "next_cursor": "…" | null}``; pass ``cursor`` back for the next page.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from shequ.accounts.api_auth import optional_user_auth, user_auth
from shequ.accounts.schemas import ErrorOut
from shequ.analytics.services import track
from shequ.catalog.tracking import subject
from shequ.community import feed_render, feeds
from shequ.community.feeds_search import community_search

router = Router(tags=["community"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class AuthorOut(Schema):
    id: int
    nickname: str
    avatar: str = ""
    badges: list[str] = []


class ProductTagOut(Schema):
    id: int
    slug: str
    name: str
    thumb_url: str = ""
    url: str


class TopicOut(Schema):
    id: int
    name: str
    slug: str


class ImageOut(Schema):
    thumbnail: str
    url: str


class PostCardOut(Schema):
    id: int
    url: str
    author: AuthorOut
    text: str
    published_at: datetime | None
    visibility: str
    like_count: int
    comment_count: int
    favourite_count: int
    share_count: int
    images: list[ImageOut]
    products: list[ProductTagOut]
    topics: list[TopicOut]
    circle_id: int | None = None
    video_url: str = ""
    liked: bool = False
    favourited: bool = False


class FeedOut(Schema):
    items: list[PostCardOut]
    next_cursor: str | None = None


class FeedQuery(Schema):
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(feeds.DEFAULT_LIMIT, ge=1, le=feeds.MAX_LIMIT)


class SortedFeedQuery(FeedQuery):
    sort: str = Field("latest", pattern="^(latest|hot)$")


class SearchQuery(Schema):
    q: str = Field(..., min_length=1, max_length=100)
    page: int = Field(1, ge=1, le=50)


class ArticleHitOut(Schema):
    slug: str
    title: str
    summary: str
    url: str


class SearchOut(FeedOut):
    count: int
    page: int
    articles: list[ArticleHitOut] = []


def _file_url(value) -> str:
    try:
        return value.url if value else ""
    except ValueError:
        return ""


def card_out(card) -> dict:
    author = card.author
    return {
        "id": card.id,
        "url": card.url,
        "author": {
            "id": author.pk,
            "nickname": author.nickname,
            "avatar": _file_url(getattr(author, "avatar", None)),
            "badges": [badge.kind for badge in card.badges],
        },
        "text": card.text,
        "published_at": card.published_at,
        "visibility": card.visibility,
        "like_count": card.like_count,
        "comment_count": card.comment_count,
        "favourite_count": card.favourite_count,
        "share_count": card.share_count,
        "images": [{"thumbnail": thumb, "url": full} for thumb, full in card.images],
        "products": [
            {"id": p.id, "slug": p.slug, "name": p.name, "thumb_url": p.thumb_url, "url": p.url} for p in card.products
        ],
        "topics": [{"id": t.pk, "name": t.name, "slug": t.slug} for t in card.topics],
        "circle_id": card.circle.pk if card.circle else None,
        "video_url": card.video_url,
        "liked": card.liked,
        "favourited": card.favourited,
    }


def _viewer(request: HttpRequest):
    auth = getattr(request, "auth", None)
    if getattr(auth, "is_authenticated", False):
        return auth
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _out(page: feeds.FeedSlice) -> HttpResponse:
    """The page as JSON, assembled from each card's cached JSON and its fresh counters (feed_render): not
    validated against the schema again, which would cost more than building it (the schema documents it)."""
    return HttpResponse(feed_render.page_json(page), content_type="application/json; charset=utf-8")


@router.get("/following", response={200: FeedOut, **ERRORS}, auth=user_auth, summary="Following feed")
def following(request: HttpRequest, params: Query[FeedQuery]):
    """Posts of the people, topics and circles you follow (and your own), newest first."""
    page = feeds.following_slice(viewer=_viewer(request), cursor=params.cursor, limit=params.limit)
    track(subject(request), "feed_view", {"feed": "following", "more": bool(params.cursor), "via": "api"})
    return _out(page)


@router.get("/hot", response={200: FeedOut, **ERRORS}, auth=optional_user_auth, summary="Hot feed")
def hot(request: HttpRequest, params: Query[FeedQuery]):
    """Public posts by time-decayed engagement (likes, comments, favourites, shares)."""
    page = feeds.hot_slice(viewer=_viewer(request), cursor=params.cursor, limit=params.limit)
    track(subject(request), "feed_view", {"feed": "hot", "more": bool(params.cursor), "via": "api"})
    return _out(page)


@router.get("/latest", response={200: FeedOut, **ERRORS}, auth=optional_user_auth, summary="Latest feed")
def latest(request: HttpRequest, params: Query[FeedQuery]):
    """Public posts, newest first."""
    page = feeds.latest_slice(viewer=_viewer(request), cursor=params.cursor, limit=params.limit)
    track(subject(request), "feed_view", {"feed": "latest", "more": bool(params.cursor), "via": "api"})
    return _out(page)


@router.get("/topics/{topic_id}", response={200: FeedOut, **ERRORS}, auth=optional_user_auth, summary="Topic feed")
def topic(request: HttpRequest, topic_id: int, params: Query[SortedFeedQuery]):
    """Public posts of one topic, ``sort`` latest or hot."""
    page = feeds.topic_slice(
        topic_id=topic_id, sort=params.sort, viewer=_viewer(request), cursor=params.cursor, limit=params.limit
    )
    track(subject(request), "feed_view", {"feed": "topic", "topic_id": topic_id, "sort": params.sort, "via": "api"})
    return _out(page)


@router.get("/circles/{circle_id}", response={200: FeedOut, **ERRORS}, auth=optional_user_auth, summary="Circle feed")
def circle(request: HttpRequest, circle_id: int, params: Query[SortedFeedQuery]):
    """Public posts of one circle, ``sort`` latest or hot."""
    page = feeds.circle_slice(
        circle_id=circle_id, sort=params.sort, viewer=_viewer(request), cursor=params.cursor, limit=params.limit
    )
    track(subject(request), "feed_view", {"feed": "circle", "circle_id": circle_id, "sort": params.sort, "via": "api"})
    return _out(page)


@router.get("/search", response={200: SearchOut, **ERRORS}, auth=optional_user_auth, summary="Search posts")
def search(request: HttpRequest, params: Query[SearchQuery]):
    """Posts (and, on page 1, brand articles) matching ``q``, best first."""
    results = community_search(q=params.q, page=params.page, viewer=_viewer(request))
    track(
        subject(request),
        "search",
        {"q": results.q, "result_count": results.post_count, "context": "community", "page": results.page},
    )
    return {
        "items": [card_out(card) for card in results.items],
        "next_cursor": results.next_cursor,
        "count": results.post_count,
        "page": results.page,
        "articles": [{"slug": a.slug, "title": a.title, "summary": a.summary, "url": a.url} for a in results.articles],
    }
