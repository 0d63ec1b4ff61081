"""Each source's recent post ids in the cache, merged in Python for the first page of the following feed.

The following feed's first page used to be one PostgreSQL statement with a LATERAL index scan per followed
author, circle and topic: 2–4 ms of database time for people following 100+ accounts, on every page view (a
per-viewer cache only helped when the same person came back within seconds). Instead, for every author, topic
and circle the newest ``LIST_SIZE`` candidate posts are kept in the cache as ``(id, published µs)`` tuples,
newest first (packed as int64 pairs):

* author: published posts but "only me" ones (followers-only posts are candidates: ``feed_state`` decides);
* topic, circle: published public posts.

A first page is one ``get_many`` of the viewer's sources and a k-way merge (``heapq.merge``). Lists missing
from the cache (first use, eviction, a flush) are rebuilt in ONE query per kind of source for all the missing
ones and stored for ``LIST_TTL``. When a post is published, edited or removed, the lists of its author, circle
and topics are dropped (``recent_forget``, from ``feeds_handlers``), so it appears in (or leaves) followers'
feeds on their next page view; correctness does not depend on the lists anyway: every candidate goes through
the fresh per-request check of ``feed_state`` (status, visibility, blocks, privacy).

Later pages (with a cursor) still use the database query in ``feeds`` (they reach past the lists' ends).
"""

from __future__ import annotations

import heapq
import sys
from array import array
from collections.abc import Iterable, Iterator

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from shequ.community.models import ContentStatus, Post, Visibility

LIST_SIZE = 61  # the largest first page asks for MAX_LIMIT + SLACK + 1 candidates
LIST_TTL = 3600  # seconds; changes drop the lists at once, the TTL only frees memory of idle sources
_KEY = "feeds:recent:v3:{kind}:{pk}"
KINDS = ("author", "topic", "circle")


def _key(kind: str, pk: int) -> str:
    return _KEY.format(kind=kind, pk=int(pk))


def _to_micros(value) -> int:
    from shequ.community.feeds import _to_micros

    return _to_micros(value)


def _pack(rows: Iterable[tuple[int, int]]) -> bytes:
    """``(id, µs)`` rows as the stored format: big-endian int64 pairs (published µs, id), newest first, the
    bytes PostgreSQL's ``int8send`` builds (so a rebuild on PostgreSQL returns the lists ready to store)."""
    ordered = sorted(rows, key=lambda r: (r[1], r[0]), reverse=True)
    values = array("q", [value for pk, micros in ordered for value in (micros, pk)])
    if sys.byteorder == "little":
        values.byteswap()
    return values.tobytes()


def _unpack(data: bytes) -> Iterator[tuple[int, int]]:
    """The (published µs, id) pairs of a stored list, lazily: a merge only reads the heads of the lists."""
    values = array("q")
    values.frombytes(data)
    if sys.byteorder == "little":
        values.byteswap()
    return zip(values[0::2], values[1::2], strict=True)


# Raw bytes in Redis (one MGET, no pickling): the lists are read on every following page view. Other cache
# backends (tests, the embedded default) store the bytes through Django's API.


def _redis():
    backend = caches["default"]
    return backend if isinstance(backend, RedisCache) else None


def _get_many(keys: list[str]) -> dict[str, bytes]:
    redis = _redis()
    if redis is None:
        return cache.get_many(keys)
    full = [redis.make_key(key) for key in keys]
    values = redis._cache.get_client(full[0]).mget(full)
    return {key: value for key, value in zip(keys, values, strict=True) if value is not None}


def _set_many(values: dict[str, bytes]) -> None:
    redis = _redis()
    if redis is None:
        cache.set_many(values, LIST_TTL)
        return
    pipe = redis._cache.get_client(write=True).pipeline(transaction=False)
    for key, value in values.items():
        pipe.set(redis.make_key(key), value, ex=LIST_TTL)
    pipe.execute()


def topic_link_columns() -> tuple[str, str, str]:
    """The post–topic link table and its post and topic columns, for the raw feed statements."""
    through = Post.topics.through
    return (
        through._meta.db_table,
        through._meta.get_field("post").column,
        through._meta.get_field("topic").column,
    )


def _load_postgres(kind: str, ids: list[int]) -> dict[int, bytes]:
    post = Post._meta.db_table
    link, link_post, link_topic = topic_link_columns()
    order = "ORDER BY p.published_at DESC, p.id DESC LIMIT %(size)s"
    where = {
        # exactly the conditions of the partial indexes, so each is an index scan that stops after LIST_SIZE rows
        "author": "p.author_id = s.id AND p.status = %(published)s AND p.visibility <> %(private)s",
        "circle": "p.circle_id = s.id AND p.status = %(published)s AND p.visibility = %(public)s",
        "topic": f"p.status = %(published)s AND p.visibility = %(public)s AND EXISTS (SELECT 1 FROM {link} t "  # noqa: S608 - names from the models
        f"WHERE t.{link_post} = p.id AND t.{link_topic} = s.id)",
    }[kind]
    # Each source's list comes back as one bytea, already in the stored format (``_pack``): no rows, datetimes
    # or tuples to build in Python for thousands of posts.
    packed = (
        "COALESCE((SELECT string_agg(int8send(x.m) || int8send(x.id), ''::bytea ORDER BY x.m DESC, x.id DESC) "
        "FROM (SELECT p.id, (EXTRACT(EPOCH FROM p.published_at) * 1000000)::bigint AS m FROM {post} p "
        "WHERE {where} {order}) x), ''::bytea)"
    )
    if kind == "topic":
        # One branch per topic with the topic's id as a literal (client-side binding), so the planner picks per
        # topic: walk the newest public posts for a big topic, read the topic's links for a small one. (A
        # LATERAL over all topics gets one generic plan: a 100 ms walk for a topic with 0.05 % of the posts.)
        sql = " UNION ALL ".join(
            f"SELECT {int(pk)}, " + packed.format(post=post, where=where.replace("s.id", str(int(pk))), order=order)
            for pk in ids
        )
    else:
        one = packed.format(post=post, where=where, order=order)
        sql = f"SELECT s.id, {one} FROM unnest(%(ids)s::bigint[]) s(id)"  # noqa: S608 - names from the models
    params = {
        "ids": ids,
        "size": LIST_SIZE,
        "published": ContentStatus.PUBLISHED,
        "private": Visibility.PRIVATE,
        "public": Visibility.PUBLIC,
    }
    with connection.cursor() as db:
        db.execute(sql, params)
        return {int(source): bytes(data) for source, data in db.fetchall()}


def _load_portable(kind: str, ids: list[int]) -> dict[int, bytes]:
    """One ORM query with a window function (SQLite, the embedded default)."""
    if kind == "topic":
        queryset = Post.topics.through.objects.filter(
            topic_id__in=ids, post__status=ContentStatus.PUBLISHED, post__visibility=Visibility.PUBLIC
        )
        source, pk, published = "topic_id", "post_id", "post__published_at"
    else:
        field = "author_id" if kind == "author" else "circle_id"
        visible = ~Q(visibility=Visibility.PRIVATE) if kind == "author" else Q(visibility=Visibility.PUBLIC)
        queryset = Post.objects.filter(visible, **{f"{field}__in": ids}, status=ContentStatus.PUBLISHED)
        source, pk, published = field, "id", "published_at"
    rank = Window(RowNumber(), partition_by=[F(source)], order_by=[F(published).desc(), F(pk).desc()])
    rows: dict[int, list] = {int(pk): [] for pk in ids}
    for owner, post_id, when in (
        queryset.annotate(rank=rank).filter(rank__lte=LIST_SIZE).values_list(source, pk, published)
    ):
        rows[int(owner)].append((int(post_id), _to_micros(when)))
    return {owner: _pack(found) for owner, found in rows.items()}


def recent_rows(wanted: dict[str, list[int]]) -> dict[str, dict[int, Iterator[tuple[int, int]]]]:
    """For each kind ("author", "topic", "circle") and source id: its newest candidates as ``(published µs,
    id)``, newest first (lazy: read once). One MGET; what is missing is rebuilt (one query per kind) and
    stored."""
    keys = {(kind, int(pk)): _key(kind, pk) for kind, ids in wanted.items() for pk in ids}
    found = _get_many(list(keys.values())) if keys else {}
    out: dict[str, dict[int, Iterator]] = {kind: {} for kind in KINDS}
    missing: dict[str, list[int]] = {}
    for (kind, pk), key in keys.items():
        data = found.get(key)
        if isinstance(data, bytes) and len(data) % 16 == 0:
            out[kind][pk] = _unpack(data)
        else:
            missing.setdefault(kind, []).append(pk)
    fresh = {}
    for kind, ids in missing.items():
        load = _load_postgres if connection.vendor == "postgresql" else _load_portable
        for pk, packed in load(kind, ids).items():
            fresh[_key(kind, pk)] = packed
            out[kind][pk] = _unpack(packed)
    if fresh:
        _set_many(fresh)
    return out


def merged(lists: Iterable[Iterator[tuple[int, int]]], count: int) -> list[tuple[int, int]]:
    """The newest ``count`` distinct posts, as ``(id, published µs)``, of several newest-first lists of
    ``recent_rows`` (a post can be in several: its author's, its circle's, its topics')."""
    out: list[tuple[int, int]] = []
    seen: set[int] = set()
    for micros, pk in heapq.merge(*lists, reverse=True):
        if pk not in seen:
            seen.add(pk)
            out.append((pk, micros))
            if len(out) == count:
                break
    return out


def recent_forget(*, post_id: int) -> None:
    """Drop the lists a post is in (its author's, its circle's, its topics'), after it was published, edited or
    removed: they are rebuilt from the database on the next read."""
    row = Post.objects.filter(pk=post_id).values_list("author_id", "circle_id").first()
    if row is None:
        return
    author_id, circle_id = row
    topics = Post.topics.through.objects.filter(post_id=post_id).values_list("topic_id", flat=True)
    keys = [_key("author", author_id), *(_key("topic", pk) for pk in topics)]
    if circle_id:
        keys.append(_key("circle", circle_id))
    cache.delete_many(keys)
