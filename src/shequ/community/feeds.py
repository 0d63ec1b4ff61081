"""Feeds: following, hot and latest, and the feeds of one topic or circle, with opaque keyset cursors.

Every feed chooses candidate ids with ONE query (or from the cache: the first page of hot and latest, shared
by everyone, ``TOP_TTL``; the following feed's first page, merged from each source's cached recent ids,
``feed_lists``), then ONE query
(``feed_state.post_states``) says for each candidate whether this viewer may see it now (status, visibility,
author's privacy setting, blocks, follows) and gives its exact counters and the viewer's like and favourite.
What a card shows is cached per post version and language (``feed_cards`` here for PostCards,
``feed_render`` for the HTML and JSON the pages and API serve). How promptly things show:

* deletions, hiding, blocks, privacy changes, likes/comments/favourites/shares (counts and the viewer's own
  state), edits of text, photos, products or visibility: on the next request;
* a new post: at once in latest/hot and in following feeds (its author's, circle's and topics' recent lists
  are dropped); hot order after new engagement: within ``TOP_TTL["hot"]`` (15 s);
* the author's nickname, avatar and badges and the products' names on a card: within ``CARD_TTL`` (10 min).

A page costs the same number of queries whatever its size (asserted in the tests).

Ordering and cursors
    latest / following: ``(published_at, id)`` descending; hot: ``(hot_score, id)`` descending. The cursor is
    the position after the last post *considered* (base64url JSON, checked on the way in), so a page may hold
    fewer cards than asked for when the card builder drops a post the viewer may not see (an author's stricter
    privacy setting) without skipping or repeating anything. New posts arriving at the top never shift the
    pages below, unlike offsets. The hot score only moves when someone engages with a post (see hotness.py),
    so a hot cursor stays stable except for the post that was just liked.

Following: fan-out on read
    The following feed is computed when it is read: the posts of the people the viewer follows (and the
    viewer's own), of the topics they follow and of the circles they joined, merged by time. On PostgreSQL it
    is one statement: per followed author and per circle a LATERAL index scan takes at most ``limit + 1``
    posts (index ``author, -published_at, -id`` where published), the topics branch walks the newest public
    posts checking topic membership, and the union is sorted and cut. Its cost grows with the number of
    sources followed (bounded: 2,000 authors), not with the size of the post table or with how prolific an
    author is. The first page is not read from the database at all but merged from each source's recent post
    ids kept in the cache (``feed_lists``); later pages use the statement.

    The three source lists are cached per viewer (``FEED_SOURCES_TTL``, Redis in production). A new follow
    drops them at once (``user.followed`` → ``feed_sources_invalidate``); unfollows, topic follows and circle
    joins show within the TTL unless their services call ``feed_sources_invalidate`` too. So a page is one
    query for the ids plus the cards.

    Trade-off: writes cost nothing (a post is one row) and there is no per-follower storage, but every read of
    a follower's page does the merge. At our scale (10⁵ users, 10⁶ posts, hundreds of followees each) the
    merge is a few milliseconds. The path to fan-out on write, when reads dominate further or accounts with
    millions of followers appear: on ``post.published`` a task pushes the post id into a capped per-follower
    timeline (Redis sorted set ``timeline:<user>`` scored by published time, trimmed to ~800 ids) for authors
    below a follower threshold; accounts above it ("celebrities") stay fan-out on read and are merged in at
    read time (the hybrid Twitter/Weibo use). ``feed_following`` would then read the sorted set page by page
    with the same cursor format, and fall back to this query when the timeline is cold. See
    docs/community-feeds.md.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal

from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shequ.community import feed_lists
from shequ.community.feed_state import PostState, post_states, visible_in_feed
from shequ.community.models import ContentStatus, Post, Visibility
from shequ.community.selectors.cards import PostCard, cards_for_posts
from shequ.community.selectors.posts import post_base_queryset
from shequ.community.social import selectors as social
from shequ.core import fragment_cache, request_prefetch
from shequ.core.errors import InvalidInput

FeedSort = Literal["latest", "hot"]
MAX_LIMIT = 50
DEFAULT_LIMIT = 20
MAX_AUTHORS = 2000  # followees merged into one page (the most recently followed first)
MAX_TOPICS = 200
MAX_CIRCLES = 200
FEED_SOURCES_TTL = 120  # seconds; a new follow invalidates at once
_SOURCES_KEY = "feeds:sources:v1:{user_id}"
_CARD_KEY = "feeds:{kind}:v2:{lang}:{pk}:{version}"
CARD_TTL = 600  # seconds what a card shows of its author (nickname, avatar, badges) and products may be old
_TOP_KEY = "feeds:top:v1:{kind}"
TOP_TTL = {"hot": 15, "latest": 10}  # seconds; publishing, editing or removing a post drops them at once
SLACK = 10  # candidates beyond the page size, for the posts a viewer may not see
TOP_SIZE = MAX_LIMIT + SLACK + 1
_FAR_FUTURE = datetime(9999, 12, 31, tzinfo=UTC)
_MAX_ID = 2**63 - 1


@dataclass
class FeedPage:
    items: list[PostCard]
    next_cursor: str | None


@dataclass(frozen=True)
class _Position:
    """Where a page starts: strictly after (key, id) in descending order."""

    key: float | int  # hot_score, or published_at in microseconds since the epoch
    id: int


# --- cursors --------------------------------------------------------------------------------------------------


def _bad_cursor() -> InvalidInput:
    return InvalidInput("invalid_cursor", _("This page link is no longer valid; start again from the top."))


def encode_cursor(kind: str, position: _Position) -> str:
    raw = json.dumps([kind, position.key, position.id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(kind: str, cursor: str | None) -> _Position | None:
    """The position in an opaque cursor of this kind of feed; InvalidInput for anything else."""
    if not cursor:
        return None
    if len(cursor) > 200:
        raise _bad_cursor()
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        found_kind, key, pk = json.loads(raw)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise _bad_cursor() from None
    numeric = isinstance(key, int | float) and not isinstance(key, bool)
    if found_kind != kind or not numeric or not isinstance(pk, int) or isinstance(pk, bool) or not 0 < pk <= _MAX_ID:
        raise _bad_cursor()
    if kind.endswith("hot"):
        if key != key or abs(key) > 1e12:  # NaN or absurd
            raise _bad_cursor()
        return _Position(float(key), pk)
    if not isinstance(key, int) or not 0 <= key <= _to_micros(_FAR_FUTURE):
        raise _bad_cursor()
    return _Position(key, pk)


def _to_micros(value: datetime) -> int:
    return int(value.timestamp()) * 1_000_000 + value.microsecond


def _from_micros(value: int) -> datetime:
    seconds, micros = divmod(value, 1_000_000)
    return datetime.fromtimestamp(seconds, tz=UTC).replace(microsecond=micros)


def _limit(limit: int | None) -> int:
    try:
        value = int(limit or DEFAULT_LIMIT)
    except (TypeError, ValueError):
        raise InvalidInput("invalid_limit", _("The page size must be a number.")) from None
    if not 1 <= value <= MAX_LIMIT:
        raise InvalidInput("invalid_limit", _("The page size must be between 1 and %(max)d.") % {"max": MAX_LIMIT})
    return value


# --- sources of the following feed (cached) -------------------------------------------------------------------


@dataclass(frozen=True)
class FeedSources:
    authors: tuple[int, ...]
    topics: tuple[int, ...]
    circles: tuple[int, ...]


def sources_key(user_id: int) -> str:
    return _SOURCES_KEY.format(user_id=user_id)


def feed_sources(*, user_id: int, viewer=None) -> FeedSources:
    """Whom and what ``user_id`` follows (cached; at most 3 queries when not cached). Pass the request's
    ``viewer`` to use the copy fetched with their user row (core.request_prefetch)."""
    key = sources_key(user_id)
    found = request_prefetch.user_get(viewer, key) if viewer is not None else request_prefetch.NOT_FETCHED
    if found is request_prefetch.NOT_FETCHED:
        found = cache.get(key)
    if isinstance(found, FeedSources):
        return found
    sources = FeedSources(
        authors=tuple(social.following_user_ids(user_id=user_id)[:MAX_AUTHORS]),
        topics=tuple(social.followed_topic_ids(user_id=user_id)[:MAX_TOPICS]),
        circles=tuple(social.joined_circle_ids(user_id=user_id)[:MAX_CIRCLES]),
    )
    cache.set(key, sources, FEED_SOURCES_TTL)
    return sources


def feed_sources_invalidate(*, user_id: int) -> None:
    """Forget the cached sources of ``user_id`` (after a follow, unfollow, topic follow, join or leave)."""
    cache.delete(sources_key(user_id))


# --- choosing ids ---------------------------------------------------------------------------------------------


def _viewer_id(viewer) -> int | None:
    if viewer is None:
        return None
    if isinstance(viewer, int):
        return viewer
    return viewer.pk if getattr(viewer, "is_authenticated", False) else None


def _published(queryset):
    return queryset.filter(status=ContentStatus.PUBLISHED)


def _after(queryset, position: _Position | None, *, sort: FeedSort):
    """Keyset condition; the redundant ``<=`` on the sort key lets the index start at the cursor."""
    if position is None:
        return queryset
    if sort == "hot":
        key = position.key
        return queryset.filter(hot_score__lte=key).filter(Q(hot_score__lt=key) | Q(id__lt=position.id))
    when = _from_micros(int(position.key))
    return queryset.filter(published_at__lte=when).filter(Q(published_at__lt=when) | Q(id__lt=position.id))


def _ordered(queryset, sort: FeedSort):
    if sort == "hot":
        return queryset.order_by("-hot_score", "-id").values_list("id", "hot_score")
    return queryset.order_by("-published_at", "-id").values_list("id", "published_at")


def _row(sort: FeedSort, row) -> tuple[int, float | int]:
    """(id, sort key as a plain number): hot score, or published time in microseconds."""
    pk, key = row
    return (int(pk), float(key)) if sort == "hot" else (int(pk), _to_micros(key))


def _position(row: tuple[int, float | int]) -> _Position:
    return _Position(row[1], row[0])


@dataclass
class FeedSlice:
    """One page of a feed as the viewer may see it: the posts' fresh states in feed order, and the cursor."""

    states: list[PostState]
    next_cursor: str | None

    @property
    def items(self) -> list[PostState]:
        return self.states


def _take(kind: str, rows: list[tuple[int, float | int]], requested: int, limit: int, viewer_id) -> FeedSlice:
    """The first ``limit`` of ``rows`` (candidates in feed order, up to ``requested``) the viewer may see.

    One query (``post_states``) decides for all candidates at once. The candidates include ``SLACK`` more than
    the page needs, so a few posts the viewer may not see (blocked or followers-only authors…) do not shorten
    the page; the cursor is the position of the last candidate *considered*, so nothing is skipped or repeated
    and a page may be short (never wrong) when many candidates in a row are hidden from this viewer."""
    window = rows if len(rows) < requested else rows[:-1]
    states = post_states(post_ids=[row[0] for row in window], viewer_id=viewer_id)
    kept: list[PostState] = []
    last = -1
    for index, row in enumerate(window):
        last = index
        state = states.get(row[0])
        if state is not None and visible_in_feed(state, viewer_id=viewer_id):
            kept.append(state)
            if len(kept) == limit:
                break
    more = last >= 0 and last + 1 < len(rows)
    return FeedSlice(states=kept, next_cursor=encode_cursor(kind, _position(window[last])) if more else None)


def _public_rows(queryset, position: _Position | None, sort: FeedSort, count: int) -> list:
    queryset = _published(queryset).filter(visibility=Visibility.PUBLIC)
    return [_row(sort, row) for row in _ordered(_after(queryset, position, sort=sort), sort)[:count]]


def _top_rows(kind: FeedSort, count: int) -> list:
    """The first candidates of the hot or latest feed, the same for everyone: cached for ``TOP_TTL`` seconds
    and dropped whenever a post is published, edited or removed (feeds_handlers). Only ids and sort keys:
    who may see what is decided per viewer afterwards."""
    key = _TOP_KEY.format(kind=kind)

    def load() -> list:
        rows = cache.get(key)
        if not isinstance(rows, list):
            rows = _public_rows(Post.objects.all(), None, kind, TOP_SIZE)
            cache.set(key, rows, TOP_TTL[kind])
        return rows

    # Re-read from Redis at most once a second per process; a post published here is seen here at once
    # (feed_top_forget) and in the other processes within the second.
    return fragment_cache.get_fresh(key, load)[:count]


def feed_top_forget() -> None:
    """Drop the cached first candidates of the hot and latest feeds (after a post is published, edited or
    removed), so a new post is at the top of "latest" on the next page view."""
    cache.delete_many([_TOP_KEY.format(kind=kind) for kind in TOP_TTL])
    fragment_cache.forget_fresh()


def _public_slice(queryset, *, viewer, kind: str, sort: FeedSort, cursor, limit, top: bool = False) -> FeedSlice:
    limit = _limit(limit)
    position = decode_cursor(kind, cursor)
    requested = limit + SLACK + 1
    from_top = top and position is None
    rows = _top_rows(sort, requested) if from_top else _public_rows(queryset, position, sort, requested)
    return _take(kind, rows, requested, limit, _viewer_id(viewer))


# --- cards, shared between viewers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Avatar:
    url: str
    name: str

    def __bool__(self) -> bool:
        return bool(self.url)


@dataclass(frozen=True)
class AuthorSnapshot:
    """What a card shows of its author; a cached card never holds the User row (phone, password hash…)."""

    pk: int
    nickname: str
    avatar: _Avatar

    @property
    def id(self) -> int:
        return self.pk


def _snapshot(card: PostCard) -> PostCard:
    author = card.author
    try:
        avatar = _Avatar(author.avatar.url, author.avatar.name) if author.avatar else _Avatar("", "")
    except ValueError:
        avatar = _Avatar("", "")
    return replace(card, author=AuthorSnapshot(author.pk, author.nickname, avatar), liked=False, favourited=False)


def card_cache_key(state: PostState, kind: str = "card") -> str:
    """The cache key of something shown for this post: per version of the post and per language, so an edit
    (or a publish, hide, delete) is never shown stale, and product names come in the reader's language."""
    return _CARD_KEY.format(kind=kind, lang=get_language() or "", pk=state.id, version=state.version)


def feed_card_forget(*, post_id: int) -> None:
    """Kept for callers of the old card cache: cards are now keyed by the post's version, so an edit, a
    deletion or hiding needs nothing dropped; the feeds' first pages are (``feed_top_forget``)."""
    feed_top_forget()


def build_cards(post_ids: list[int]) -> dict[int, PostCard]:
    """Cards (display data only, no viewer state) for these posts, in a fixed number of queries."""
    posts = list(post_base_queryset().filter(pk__in=post_ids))
    return {card.id: card for card in cards_for_posts(posts=posts, viewer_id=None)}


def feed_cards(*, states: list[PostState], viewer=None) -> list[PostCard]:
    """Cards for posts whose visibility was already checked (``post_states``), in order.

    What the card shows is shared between viewers in the cache (one ``get_many``; per post version and
    language, ``CARD_TTL`` seconds; the author only as nickname and avatar); counters and the viewer's like and
    favourite come from the fresh ``states``. What is not cached is built in a fixed number of queries."""
    if not states:
        return []
    keys = {state.id: card_cache_key(state) for state in states}
    cached = cache.get_many(list(keys.values()))
    missing = [state.id for state in states if keys[state.id] not in cached]
    if missing:
        fresh = {keys[pk]: _snapshot(card) for pk, card in build_cards(missing).items()}
        cache.set_many(fresh, CARD_TTL)
        cached.update(fresh)
    cards = []
    for state in states:
        card = cached.get(keys[state.id])
        if card is not None:
            cards.append(
                replace(
                    card,
                    status=state.status,
                    visibility=state.visibility,
                    like_count=state.like_count,
                    comment_count=state.comment_count,
                    favourite_count=state.favourite_count,
                    share_count=state.share_count,
                    liked=state.liked,
                    favourited=state.favourited,
                )
            )
    return cards


def _page(piece: FeedSlice, viewer) -> FeedPage:
    return FeedPage(items=feed_cards(states=piece.states, viewer=viewer), next_cursor=piece.next_cursor)


# --- the feeds --------------------------------------------------------------------------------------------------


def hot_slice(*, viewer=None, cursor: str | None = None, limit: int | None = DEFAULT_LIMIT) -> FeedSlice:
    return _public_slice(
        Post.objects.all(), viewer=viewer, kind="hot", sort="hot", cursor=cursor, limit=limit, top=True
    )


def latest_slice(*, viewer=None, cursor: str | None = None, limit: int | None = DEFAULT_LIMIT) -> FeedSlice:
    return _public_slice(
        Post.objects.all(), viewer=viewer, kind="latest", sort="latest", cursor=cursor, limit=limit, top=True
    )


def feed_hot(*, viewer=None, cursor: str | None = None, limit: int | None = DEFAULT_LIMIT) -> FeedPage:
    """Public posts by hot score (time-decayed engagement), best first."""
    return _page(hot_slice(viewer=viewer, cursor=cursor, limit=limit), viewer)


def feed_latest(*, viewer=None, cursor: str | None = None, limit: int | None = DEFAULT_LIMIT) -> FeedPage:
    """Public posts, newest first."""
    return _page(latest_slice(viewer=viewer, cursor=cursor, limit=limit), viewer)


def _sort(sort: str) -> FeedSort:
    if sort not in ("latest", "hot"):
        raise InvalidInput("invalid_sort", _("Sort by latest or hot."))
    return sort  # type: ignore[return-value]


def topic_slice(
    *, topic_id: int, sort: str = "hot", viewer=None, cursor: str | None = None, limit: int | None = DEFAULT_LIMIT
) -> FeedSlice:
    sort = _sort(sort)
    queryset = Post.objects.filter(topics__id=int(topic_id))
    return _public_slice(queryset, viewer=viewer, kind=f"t{sort}", sort=sort, cursor=cursor, limit=limit)


def circle_slice(
    *, circle_id: int, sort: str = "latest", viewer=None, cursor: str | None = None, limit: int | None = DEFAULT_LIMIT
) -> FeedSlice:
    sort = _sort(sort)
    queryset = Post.objects.filter(circle_id=int(circle_id))
    return _public_slice(queryset, viewer=viewer, kind=f"c{sort}", sort=sort, cursor=cursor, limit=limit)


def feed_topic(
    *, topic_id: int, sort: str = "hot", viewer=None, cursor: str | None = None, limit: int | None = DEFAULT_LIMIT
) -> FeedPage:
    """Public posts of one topic, hot or latest first."""
    return _page(topic_slice(topic_id=topic_id, sort=sort, viewer=viewer, cursor=cursor, limit=limit), viewer)


def feed_circle(
    *, circle_id: int, sort: str = "latest", viewer=None, cursor: str | None = None, limit: int | None = DEFAULT_LIMIT
) -> FeedPage:
    """Public posts of one circle, hot or latest first."""
    return _page(circle_slice(circle_id=circle_id, sort=sort, viewer=viewer, cursor=cursor, limit=limit), viewer)


def following_slice(*, viewer, cursor: str | None = None, limit: int | None = DEFAULT_LIMIT) -> FeedSlice:
    limit = _limit(limit)
    position = decode_cursor("following", cursor)
    viewer_id = _viewer_id(viewer)
    if viewer_id is None:
        return FeedSlice(states=[], next_cursor=None)
    requested = limit + SLACK + 1
    sources = feed_sources(user_id=viewer_id, viewer=viewer)
    authors = list(dict.fromkeys((viewer_id, *sources.authors)))
    if position is None and requested <= feed_lists.LIST_SIZE:
        # The first page: the sources' cached recent ids, merged (feed_lists); no per-viewer cache, so a
        # followee's new post is there on the next page view.
        lists = feed_lists.recent_rows(
            {"author": authors, "topic": list(sources.topics), "circle": list(sources.circles)}
        )
        rows = feed_lists.merged([rows for by_id in lists.values() for rows in by_id.values()], requested)
    else:
        if connection.vendor == "postgresql":
            found = _following_rows_postgres(authors, sources, position, requested)
        else:
            found = _following_rows_portable(authors, sources, position, requested)
        rows = [_row("latest", row) for row in found]
    return _take("following", rows, requested, limit, viewer_id)


def feed_following(*, viewer, cursor: str | None = None, limit: int | None = DEFAULT_LIMIT) -> FeedPage:
    """Posts of the people, topics and circles ``viewer`` follows (and the viewer's own), newest first.

    Private ("only me") posts are not in any feed, the author's own included: they are on the profile."""
    return _page(following_slice(viewer=viewer, cursor=cursor, limit=limit), viewer)


def _following_rows_portable(authors, sources, position, count) -> list:
    """One ORM query (SQLite, the embedded default): the OR of the three sources."""
    mine = Q(author_id__in=authors) & ~Q(visibility=Visibility.PRIVATE)
    others = Q(pk__in=[])
    if sources.topics:
        others |= Q(pk__in=Post.topics.through.objects.filter(topic_id__in=sources.topics).values("post_id"))
    if sources.circles:
        others |= Q(circle_id__in=sources.circles)
    queryset = _published(Post.objects.filter(mine | (others & Q(visibility=Visibility.PUBLIC))))
    return list(_ordered(_after(queryset, position, sort="latest"), "latest")[:count])


def _following_rows_postgres(authors, sources, position, count) -> list:
    """One statement: LATERAL top-N per author and per circle, a walk of the newest posts for topics."""
    post = Post._meta.db_table
    link, link_post, link_topic = feed_lists.topic_link_columns()
    when = _from_micros(int(position.key)) if position else _FAR_FUTURE
    last_id = position.id if position else _MAX_ID
    after = "p.published_at <= %(when)s AND (p.published_at < %(when)s OR p.id < %(last_id)s)"
    public = f"p.status = %(published)s AND p.visibility = %(public)s AND {after}"
    branches = [
        # The viewer's and followees' posts but private ones (followers-only posts are for us). The conditions
        # are exactly the partial index's, and only indexed columns are read: an index-only scan that stops
        # after ``count`` rows however many posts the author has.
        f"""SELECT x.id, x.published_at FROM unnest(%(authors)s::bigint[]) a(id) CROSS JOIN LATERAL (
              SELECT p.id, p.published_at FROM {post} p
              WHERE p.author_id = a.id AND p.status = %(published)s AND p.visibility <> %(private)s AND {after}
              ORDER BY p.published_at DESC, p.id DESC LIMIT %(count)s) x"""  # noqa: S608 - names from the models
    ]
    if sources.circles:
        branches.append(
            f"""SELECT x.id, x.published_at FROM unnest(%(circles)s::bigint[]) c(id) CROSS JOIN LATERAL (
                  SELECT p.id, p.published_at FROM {post} p WHERE p.circle_id = c.id AND {public}
                  ORDER BY p.published_at DESC, p.id DESC LIMIT %(count)s) x"""  # noqa: S608 - as above
        )
    if sources.topics:
        branches.append(
            f"""(SELECT p.id, p.published_at FROM {post} p WHERE {public} AND EXISTS (
                  SELECT 1 FROM {link} t WHERE t.{link_post} = p.id AND t.{link_topic} = ANY(%(topics)s::bigint[]))
                ORDER BY p.published_at DESC, p.id DESC LIMIT %(count)s)"""  # noqa: S608 - as above
        )
    sql = (
        "SELECT DISTINCT id, published_at FROM ("  # noqa: S608 - table names from the models; values are parameters
        + " UNION ALL ".join(branches)
        + ") f ORDER BY published_at DESC, id DESC LIMIT %(count)s"
    )
    params = {
        "authors": authors,
        "circles": list(sources.circles),
        "topics": list(sources.topics),
        "published": ContentStatus.PUBLISHED,
        "public": Visibility.PUBLIC,
        "private": Visibility.PRIVATE,
        "when": when,
        "last_id": last_id,
        "count": count,
    }
    with connection.cursor() as db:
        db.execute(sql, params)
        return db.fetchall()


def feed_slice(*, kind: str, viewer=None, cursor: str | None = None, limit: int | None = DEFAULT_LIMIT) -> FeedSlice:
    """One of the home tabs by name ("hot", "following" or "latest"), as post states (for feed_render)."""
    if kind == "hot":
        return hot_slice(viewer=viewer, cursor=cursor, limit=limit)
    if kind == "following":
        return following_slice(viewer=viewer, cursor=cursor, limit=limit)
    if kind == "latest":
        return latest_slice(viewer=viewer, cursor=cursor, limit=limit)
    raise InvalidInput("invalid_feed", _("There is no such feed."))


def feed(*, kind: str, viewer=None, cursor: str | None = None, limit: int | None = DEFAULT_LIMIT) -> FeedPage:
    """One of the home tabs by name: "hot", "following" or "latest"."""
    return _page(feed_slice(kind=kind, viewer=viewer, cursor=cursor, limit=limit), viewer)
