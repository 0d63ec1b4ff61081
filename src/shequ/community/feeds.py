"""Feeds: following, hot and latest, and the feeds of one topic or circle, with opaque keyset cursors.

Every feed chooses post ids with ONE query and then builds cards (``feed_cards``): public cards are shared
between viewers for ``CARD_TTL`` seconds in the cache (one ``get_many``), the rest come from the content
module's ``post_cards`` (a fixed number of queries: posts, images, products, topics, badges, the viewer's
likes/favourites, blocks), and the viewer's likes and favourites on shared cards are two more queries. So a
page costs the same number of queries whatever its size (asserted in the tests) and a warm page is about
five round trips; the following feed adds up to three cached reads (whom the viewer follows, which topics,
which circles). A shared card never holds the author's User row, only nickname and avatar; counters on it
may be ``CARD_TTL`` seconds old, edits and deletions drop it at once (feeds_handlers).

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
    author is.

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
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shequ.community.models import ContentStatus, Favourite, Post, PostLike, Visibility
from shequ.community.selectors.cards import PostCard, post_cards
from shequ.community.social import selectors as social
from shequ.core.errors import InvalidInput

FeedSort = Literal["latest", "hot"]
MAX_LIMIT = 50
DEFAULT_LIMIT = 20
MAX_AUTHORS = 2000  # followees merged into one page (the most recently followed first)
MAX_TOPICS = 200
MAX_CIRCLES = 200
FEED_SOURCES_TTL = 120  # seconds; a new follow invalidates at once
_SOURCES_KEY = "feeds:sources:v1:{user_id}"
_CARD_KEY = "feeds:card:v1:{pk}"
CARD_TTL = 20  # seconds a public card (counters, text) may be shown from the cache
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


def feed_sources(*, user_id: int) -> FeedSources:
    """Whom and what ``user_id`` follows (cached; at most 3 queries when not cached)."""
    key = _SOURCES_KEY.format(user_id=user_id)
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
    cache.delete(_SOURCES_KEY.format(user_id=user_id))


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


def _position(sort: FeedSort, row) -> _Position:
    pk, key = row
    if sort == "hot":
        return _Position(float(key), int(pk))
    return _Position(_to_micros(key), int(pk))


def _page(kind: str, sort: FeedSort, rows: list, limit: int, viewer) -> FeedPage:
    """Cards for the first ``limit`` rows; a cursor when there was one more row."""
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = encode_cursor(kind, _position(sort, rows[-1])) if more else None
    return FeedPage(items=feed_cards(post_ids=[row[0] for row in rows], viewer=viewer), next_cursor=cursor)


# --- cards, shared between viewers for a few seconds ---------------------------------------------------------


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


def _shareable(card: PostCard) -> bool:
    """A card every viewer sees the same (but for likes): published, public, author's posts public."""
    if card.status != ContentStatus.PUBLISHED or card.visibility != Visibility.PUBLIC:
        return False
    try:
        setting = card.author.privacy.posts_visibility
    except ObjectDoesNotExist:
        setting = Visibility.PUBLIC
    return setting == Visibility.PUBLIC


def _snapshot(card: PostCard) -> PostCard:
    author = card.author
    try:
        avatar = _Avatar(author.avatar.url, author.avatar.name) if author.avatar else _Avatar("", "")
    except ValueError:
        avatar = _Avatar("", "")
    return replace(card, author=AuthorSnapshot(author.pk, author.nickname, avatar), liked=False, favourited=False)


def feed_card_forget(*, post_id: int) -> None:
    """Drop a post's shared card (after an edit, a deletion or hiding)."""
    cache.delete(_CARD_KEY.format(pk=int(post_id)))


def feed_cards(*, post_ids: list[int], viewer=None) -> list[PostCard]:
    """Cards for these posts in order. Public cards are shared between viewers for ``CARD_TTL`` seconds (one
    cache read for the page); what is not cached is built by ``post_cards`` (fixed number of queries); the
    viewer's likes and favourites are two more queries. Visibility and blocks were applied when the ids were
    chosen; a cached card's counters may be up to ``CARD_TTL`` old (the post page is exact)."""
    ids = [int(i) for i in dict.fromkeys(post_ids)]
    if not ids:
        return []
    keys = {pk: _CARD_KEY.format(pk=pk) for pk in ids}
    cached = cache.get_many(list(keys.values()))
    missing = [pk for pk in ids if keys[pk] not in cached]
    built = {card.id: card for card in post_cards(post_ids=missing, viewer=viewer)} if missing else {}
    fresh = {keys[card.id]: _snapshot(card) for card in built.values() if _shareable(card)}
    if fresh:
        cache.set_many(fresh, CARD_TTL)
    viewer_id = _viewer_id(viewer)
    liked: set[int] = set()
    favourited: set[int] = set()
    shared_ids = [pk for pk in ids if pk not in built and keys[pk] in cached]
    if viewer_id is not None and shared_ids:
        liked = set(
            PostLike.objects.filter(user_id=viewer_id, post_id__in=shared_ids).values_list("post_id", flat=True)
        )
        favourited = set(
            Favourite.objects.filter(user_id=viewer_id, post_id__in=shared_ids).values_list("post_id", flat=True)
        )
    cards = []
    for pk in ids:
        if pk in built:
            cards.append(built[pk])
        elif keys[pk] in cached:
            cards.append(replace(cached[keys[pk]], liked=pk in liked, favourited=pk in favourited))
    return cards


def _public_ids(queryset, *, viewer, kind: str, sort: FeedSort, cursor: str | None, limit: int | None) -> FeedPage:
    limit = _limit(limit)
    position = decode_cursor(kind, cursor)
    viewer_id = _viewer_id(viewer)
    queryset = _published(queryset).filter(visibility=Visibility.PUBLIC)
    if viewer_id is not None:
        blocked = social.blocked_user_ids(user_id=viewer_id)
        if blocked:
            queryset = queryset.exclude(author_id__in=sorted(blocked))
    rows = list(_ordered(_after(queryset, position, sort=sort), sort)[: limit + 1])
    return _page(kind, sort, rows, limit, viewer)


def feed_hot(*, viewer=None, cursor: str | None = None, limit: int | None = DEFAULT_LIMIT) -> FeedPage:
    """Public posts by hot score (time-decayed engagement), best first."""
    return _public_ids(Post.objects.all(), viewer=viewer, kind="hot", sort="hot", cursor=cursor, limit=limit)


def feed_latest(*, viewer=None, cursor: str | None = None, limit: int | None = DEFAULT_LIMIT) -> FeedPage:
    """Public posts, newest first."""
    return _public_ids(Post.objects.all(), viewer=viewer, kind="latest", sort="latest", cursor=cursor, limit=limit)


def _sort(sort: str) -> FeedSort:
    if sort not in ("latest", "hot"):
        raise InvalidInput("invalid_sort", _("Sort by latest or hot."))
    return sort  # type: ignore[return-value]


def feed_topic(
    *, topic_id: int, sort: str = "hot", viewer=None, cursor: str | None = None, limit: int | None = DEFAULT_LIMIT
) -> FeedPage:
    """Public posts of one topic, hot or latest first."""
    sort = _sort(sort)
    queryset = Post.objects.filter(topics__id=int(topic_id))
    return _public_ids(queryset, viewer=viewer, kind=f"t{sort}", sort=sort, cursor=cursor, limit=limit)


def feed_circle(
    *, circle_id: int, sort: str = "latest", viewer=None, cursor: str | None = None, limit: int | None = DEFAULT_LIMIT
) -> FeedPage:
    """Public posts of one circle, hot or latest first."""
    sort = _sort(sort)
    queryset = Post.objects.filter(circle_id=int(circle_id))
    return _public_ids(queryset, viewer=viewer, kind=f"c{sort}", sort=sort, cursor=cursor, limit=limit)


def feed_following(*, viewer, cursor: str | None = None, limit: int | None = DEFAULT_LIMIT) -> FeedPage:
    """Posts of the people, topics and circles ``viewer`` follows (and the viewer's own), newest first.

    Private ("only me") posts are not in any feed, the author's own included: they are on the profile."""
    limit = _limit(limit)
    position = decode_cursor("following", cursor)
    viewer_id = _viewer_id(viewer)
    if viewer_id is None:
        return FeedPage(items=[], next_cursor=None)
    sources = feed_sources(user_id=viewer_id)
    blocked = social.blocked_user_ids(user_id=viewer_id)
    authors = [a for a in dict.fromkeys((viewer_id, *sources.authors)) if a not in blocked]
    if connection.vendor == "postgresql":
        rows = _following_rows_postgres(viewer_id, authors, sources, blocked, position, limit + 1)
    else:
        rows = _following_rows_portable(viewer_id, authors, sources, blocked, position, limit + 1)
    return _page("following", "latest", rows, limit, viewer)


def _following_rows_portable(viewer_id, authors, sources, blocked, position, count) -> list:
    """One ORM query (SQLite, the embedded default): the OR of the three sources."""
    mine = Q(author_id__in=authors) & ~Q(visibility=Visibility.PRIVATE)
    others = Q(pk__in=[])
    if sources.topics:
        others |= Q(pk__in=Post.topics.through.objects.filter(topic_id__in=sources.topics).values("post_id"))
    if sources.circles:
        others |= Q(circle_id__in=sources.circles)
    queryset = _published(Post.objects.filter(mine | (others & Q(visibility=Visibility.PUBLIC))))
    if blocked:
        queryset = queryset.exclude(author_id__in=sorted(blocked))
    return list(_ordered(_after(queryset, position, sort="latest"), "latest")[:count])


def _following_rows_postgres(viewer_id, authors, sources, blocked, position, count) -> list:
    """One statement: LATERAL top-N per author and per circle, a walk of the newest posts for topics."""
    post = Post._meta.db_table
    through = Post.topics.through
    link, link_post, link_topic = (
        through._meta.db_table,
        through._meta.get_field("post").column,
        through._meta.get_field("topic").column,
    )
    when = _from_micros(int(position.key)) if position else _FAR_FUTURE
    last_id = position.id if position else _MAX_ID
    after = "p.published_at <= %(when)s AND (p.published_at < %(when)s OR p.id < %(last_id)s)"
    not_blocked = "AND NOT (p.author_id = ANY(%(blocked)s))" if blocked else ""
    public = f"p.status = %(published)s AND p.visibility = %(public)s AND {after} {not_blocked}"
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
        "blocked": sorted(blocked),
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


def feed(*, kind: str, viewer=None, cursor: str | None = None, limit: int | None = DEFAULT_LIMIT) -> FeedPage:
    """One of the home tabs by name: "hot", "following" or "latest"."""
    if kind == "hot":
        return feed_hot(viewer=viewer, cursor=cursor, limit=limit)
    if kind == "following":
        return feed_following(viewer=viewer, cursor=cursor, limit=limit)
    if kind == "latest":
        return feed_latest(viewer=viewer, cursor=cursor, limit=limit)
    raise InvalidInput("invalid_feed", _("There is no such feed."))
