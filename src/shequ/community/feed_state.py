"""Who may see which feed post, and what changes by the second, read fresh for every page in ONE query.

Feeds cache what a card *looks like* (text, photos, products, topics, author line; see feed_render.py) and
the id lists of the busiest pages, but never *who may see it* or the counters: for the posts of a page, one
indexed statement reads each post's status, visibility, author's "posts visible to" setting, version
(``updated_at``), its four counters, and for the viewer whether either blocked the author, whether the viewer
follows the author, and whether they liked or saved the post. So a deletion, a hide, a block, a privacy change
or an edit to a post's visibility applies to the very next page, whatever the caches hold, and counters are
exact. About 20 primary-key and unique-index probes: well under a millisecond on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from shequ.accounts.models import PrivacySettings
from shequ.community.models import (
    Block,
    CircleMembership,
    CircleRole,
    ContentStatus,
    Favourite,
    Post,
    PostLike,
    UserFollow,
    Visibility,
)
from shequ.core.prepared import prepared_cursor

_STRICTNESS = {Visibility.PUBLIC: 0, Visibility.FOLLOWERS: 1, Visibility.PRIVATE: 2}


class PostState(NamedTuple):
    """Read-only, and a tuple so that a page of twenty costs microseconds to build (a frozen dataclass sets
    each field through object.__setattr__)."""

    id: int
    author_id: int
    status: str
    visibility: str
    author_setting: str  # the author's "posts visible to" privacy setting
    version: str  # changes whenever the post row is saved (edit, publish, hide, delete, feature)
    like_count: int
    comment_count: int
    favourite_count: int
    share_count: int
    view_count: int
    blocked: bool  # the viewer and the author, either direction
    follows: bool  # the viewer follows the author
    liked: bool
    favourited: bool
    moderates: bool = False  # the viewer moderates the post's circle (read only when asked: the post page)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _version(value) -> str:
    """A compact token of ``updated_at``: microseconds since the epoch (a datetime; naive UTC on SQLite), or the
    digits of the stored text."""
    if isinstance(value, datetime):  # naive on SQLite, where Django stores UTC
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return str((aware - _EPOCH) // _MICROSECOND)
    return "".join(ch for ch in str(value) if ch.isdigit())


def _sql(count: int, *, moderator: bool = False) -> str:
    post, like, favourite = Post._meta.db_table, PostLike._meta.db_table, Favourite._meta.db_table
    block, follow, privacy = Block._meta.db_table, UserFollow._meta.db_table, PrivacySettings._meta.db_table
    marks = ", ".join(["%s"] * count)
    moderates = (
        f", EXISTS (SELECT 1 FROM {CircleMembership._meta.db_table} m WHERE m.circle_id = p.circle_id "  # noqa: S608 - names from the models
        f"AND m.user_id = %s AND m.role = '{CircleRole.MODERATOR.value}')"
        if moderator
        else ""
    )
    return (
        f"SELECT p.id, p.author_id, p.status, p.visibility, COALESCE(pr.posts_visibility, 'public'), p.updated_at, "  # noqa: S608 - names from the models, values are parameters
        "p.like_count, p.comment_count, p.favourite_count, p.share_count, p.view_count, "
        f"EXISTS (SELECT 1 FROM {block} b WHERE (b.blocker_id = %s AND b.blocked_id = p.author_id) "
        "OR (b.blocker_id = p.author_id AND b.blocked_id = %s)), "
        f"EXISTS (SELECT 1 FROM {follow} f WHERE f.follower_id = %s AND f.followee_id = p.author_id), "
        f"EXISTS (SELECT 1 FROM {like} l WHERE l.post_id = p.id AND l.user_id = %s), "
        f"EXISTS (SELECT 1 FROM {favourite} v WHERE v.post_id = p.id AND v.user_id = %s)"
        f"{moderates} FROM {post} p LEFT JOIN {privacy} pr ON pr.user_id = p.author_id WHERE p.id IN ({marks})"
    )


def post_states(*, post_ids: list[int], viewer_id: int | None, with_moderator: bool = False) -> dict[int, PostState]:
    """The current state of these posts for this viewer (anonymous: ``None``), in one query; with
    ``with_moderator`` also whether the viewer moderates each post's circle (the post page's hide form)."""
    ids = list(dict.fromkeys(int(i) for i in post_ids))
    if not ids:
        return {}
    who = int(viewer_id or 0)  # no user has id 0: every viewer-related EXISTS is false
    params = [who] * (6 if with_moderator else 5)
    with prepared_cursor() as cursor:
        cursor.execute(_sql(len(ids), moderator=with_moderator), [*params, *ids])
        rows = cursor.fetchall()
    return {
        row[0]: PostState(
            id=row[0],
            author_id=row[1],
            status=row[2],
            visibility=row[3],
            author_setting=row[4],
            version=_version(row[5]),
            like_count=row[6],
            comment_count=row[7],
            favourite_count=row[8],
            share_count=row[9],
            view_count=row[10],
            blocked=bool(row[11]),
            follows=bool(row[12]),
            liked=bool(row[13]),
            favourited=bool(row[14]),
            moderates=bool(row[15]) if with_moderator else False,
        )
        for row in rows
    }


def visible_in_feed(state: PostState, *, viewer_id: int | None) -> bool:
    """May this viewer see this post in a feed? Published only; "only me" posts are never in a feed (the
    author's own are on their profile); otherwise the stricter of the post's visibility and the author's
    setting decides, as on the post page (``selectors.posts.post_visible_to``)."""
    if state.status != ContentStatus.PUBLISHED or state.visibility == Visibility.PRIVATE:
        return False
    if viewer_id is not None and state.author_id == viewer_id:
        return True
    if state.blocked:
        return False
    own = _STRICTNESS.get(state.visibility, 2)
    author = _STRICTNESS.get(state.author_setting, 0)
    strictest = max(own, author)
    if strictest == 0:
        return True
    return strictest == 1 and viewer_id is not None and state.follows


def visible_on_page(state: PostState, *, viewer_id: int | None) -> bool:
    """May this viewer open the post's page? The rules of ``selectors.posts.post_visible_to``: deleted posts
    are gone for everybody; authors see their own drafts and hidden posts; others need it published, no block
    either way, and the stricter of the post's visibility and the author's setting to let them in."""
    if state.status == ContentStatus.DELETED:
        return False
    if viewer_id is not None and state.author_id == viewer_id:
        return True
    if state.status != ContentStatus.PUBLISHED or state.blocked:
        return False
    strictest = max(_STRICTNESS.get(state.visibility, 2), _STRICTNESS.get(state.author_setting, 0))
    return strictest == 0 or (strictest == 1 and viewer_id is not None and state.follows)
