"""Who may see a post, and the permission-checked fetch every page and endpoint goes through.

A post is visible to a viewer when it is published, nobody of the two blocked the other, and the stricter of
the post's own visibility and the author's privacy setting ("posts visible to") allows it: everyone,
followers (the viewer follows the author), or only the author. Authors always see their own posts,
drafts and posts hidden by moderation included; deleted posts are gone for everybody.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from shequ.community.error_codes import CommunityErrorCode as Code
from shequ.community.models import ContentStatus, Post, PostRevision, Visibility
from shequ.community.social import selectors as social
from shequ.core.errors import NotFound

_STRICTNESS = {Visibility.PUBLIC: 0, Visibility.FOLLOWERS: 1, Visibility.PRIVATE: 2}


def post_not_found() -> NotFound:
    return NotFound(Code.POST_NOT_FOUND, _("This post does not exist or is not visible to you."))


def author_posts_visibility(post: Post) -> str:
    """The author's "posts visible to" privacy setting (loaded with the post via ``author__privacy``)."""
    try:
        return post.author.privacy.posts_visibility
    except ObjectDoesNotExist:  # no privacy row yet: the default, everyone
        return Visibility.PUBLIC


def effective_visibility(post: Post) -> str:
    """The stricter of the post's visibility and its author's privacy setting."""
    own = post.visibility if post.visibility in _STRICTNESS else Visibility.PRIVATE
    author = author_posts_visibility(post)
    author = author if author in _STRICTNESS else Visibility.PUBLIC
    return own if _STRICTNESS[own] >= _STRICTNESS[author] else author


def _viewer_id(viewer) -> int | None:
    if viewer is None:
        return None
    if isinstance(viewer, int):
        return viewer
    return viewer.pk if getattr(viewer, "is_authenticated", False) else None


def post_visible_to(*, post: Post, viewer) -> bool:
    """May ``viewer`` (a user, a user id, AnonymousUser or None) see ``post``?"""
    viewer_id = _viewer_id(viewer)
    if post.status == ContentStatus.DELETED:
        return False
    if viewer_id is not None and viewer_id == post.author_id:
        return True
    if post.status != ContentStatus.PUBLISHED:
        return False
    if viewer_id is not None and social.is_blocked_between(a_id=viewer_id, b_id=post.author_id):
        return False
    visibility = effective_visibility(post)
    if visibility == Visibility.PUBLIC:
        return True
    if visibility == Visibility.FOLLOWERS and viewer_id is not None:
        return social.is_following(follower_id=viewer_id, followee_id=post.author_id)
    return False


def post_base_queryset() -> QuerySet[Post]:
    return Post.objects.select_related("author", "author__privacy", "circle")


def access_post_for_viewer(*, post_id: int | str, viewer) -> Post:
    """The post with its author (and author's privacy) and circle, or NotFound if the viewer may not see it."""
    try:
        pk = int(post_id)
    except (TypeError, ValueError):
        raise post_not_found() from None
    post = post_base_queryset().filter(pk=pk).first()
    if post is None or not post_visible_to(post=post, viewer=viewer):
        raise post_not_found()
    return post


def access_post_for_author(*, post_id: int | str, user) -> Post:
    """One of the user's own posts (not deleted), or NotFound."""
    try:
        pk = int(post_id)
    except (TypeError, ValueError):
        raise post_not_found() from None
    post = post_base_queryset().filter(pk=pk, author_id=user.pk).exclude(status=ContentStatus.DELETED).first()
    if post is None:
        raise post_not_found()
    return post


def drafts_for_user(*, user) -> QuerySet[Post]:
    """The user's drafts, last edited first."""
    return Post.objects.filter(author_id=user.pk, status=ContentStatus.DRAFT).order_by("-updated_at", "-id")


def revisions_for_post(*, post: Post) -> QuerySet[PostRevision]:
    """The post's earlier texts, newest first."""
    return PostRevision.objects.filter(post=post).order_by("-created_at", "-id")


def post_counters(*, post_id: int) -> dict[str, int]:
    """The post's current like/comment/favourite/share counts."""
    row = (
        Post.objects.filter(pk=post_id).values("like_count", "comment_count", "favourite_count", "share_count").first()
    )
    if row is None:
        raise post_not_found()
    return row
