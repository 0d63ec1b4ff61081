"""Reactions of the feeds and of search to community events (registered from CommunityConfig.ready()).

Idempotent: dropping a cache entry or re-indexing a post twice leaves the same state.
"""

from __future__ import annotations

from shequ.core.domain_events import subscribe


@subscribe("user.followed")
def following_changed(*, follower_id: int, followee_id: int, **_: object) -> None:
    """A new follow shows in the follower's following feed at once, not when the cached sources expire."""
    from shequ.community.feeds import feed_sources_invalidate

    feed_sources_invalidate(user_id=int(follower_id))


def _post_changed(post_id: int) -> None:
    """Cards are keyed by the post's version (nothing to drop); the cached first pages of hot and latest, and
    the recent-post lists of the post's author, circle and topics (the following feed's first pages) are dropped,
    so a new post is on top at once (a removed one is filtered per viewer anyway)."""
    from shequ.community.feed_lists import recent_forget
    from shequ.community.feeds import feed_top_forget
    from shequ.community.search_documents import posts_changed

    feed_top_forget()
    recent_forget(post_id=int(post_id))
    posts_changed([int(post_id)])


@subscribe("post.published")
def post_published(*, post_id: int, user_id: int | None = None, **_: object) -> None:
    _post_changed(post_id)


@subscribe("post.updated")
def post_updated(*, post_id: int, user_id: int | None = None, **_: object) -> None:
    _post_changed(post_id)


@subscribe("post.removed")
def post_removed(*, post_id: int, user_id: int | None = None, **_: object) -> None:
    _post_changed(post_id)
