"""Reads of the social graph: who follows whom, which topics and circles a person follows, and blocks.

These are the binding contract other modules (feeds, messaging, content visibility) build on; each is one
indexed query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from shequ.community.models import (
    Block,
    CircleMembership,
    ContentStatus,
    Post,
    TopicFollow,
    UserBadge,
    UserFollow,
    Visibility,
)
from shequ.core.errors import NotFound


def following_user_ids(*, user_id: int) -> list[int]:
    """The people ``user_id`` follows, most recently followed first."""
    return list(
        UserFollow.objects.filter(follower_id=user_id)
        .order_by("-created_at", "-id")
        .values_list("followee_id", flat=True)
    )


def follower_user_ids(*, user_id: int) -> list[int]:
    """The people following ``user_id``, most recent first."""
    return list(
        UserFollow.objects.filter(followee_id=user_id)
        .order_by("-created_at", "-id")
        .values_list("follower_id", flat=True)
    )


def followed_topic_ids(*, user_id: int) -> list[int]:
    return list(
        TopicFollow.objects.filter(user_id=user_id).order_by("-created_at", "-id").values_list("topic_id", flat=True)
    )


def joined_circle_ids(*, user_id: int) -> list[int]:
    """Circle membership is owned by the content module; this re-exports its selector."""
    try:
        from shequ.community.selectors.circles import joined_circle_ids as content_joined_circle_ids
    except ImportError:  # the content module's selector has not landed: same read, same order
        return list(
            CircleMembership.objects.filter(user_id=user_id)
            .order_by("-joined_at", "-id")
            .values_list("circle_id", flat=True)
        )
    return content_joined_circle_ids(user_id=user_id)


def is_following(*, follower_id: int, followee_id: int) -> bool:
    if not follower_id or not followee_id or follower_id == followee_id:
        return False
    return UserFollow.objects.filter(follower_id=follower_id, followee_id=followee_id).exists()


def is_following_topic(*, user_id: int, topic_id: int) -> bool:
    return TopicFollow.objects.filter(user_id=user_id, topic_id=topic_id).exists()


def blocked_user_ids(*, user_id: int) -> set[int]:
    """Both directions: the people ``user_id`` blocked and the people who blocked ``user_id``."""
    if not user_id:
        return set()
    ids: set[int] = set()
    for blocker_id, blocked_id in Block.objects.filter(Q(blocker_id=user_id) | Q(blocked_id=user_id)).values_list(
        "blocker_id", "blocked_id"
    ):
        ids.add(blocked_id if blocker_id == user_id else blocker_id)
    return ids


def has_blocked(*, blocker_id: int, blocked_id: int) -> bool:
    """One direction only: did ``blocker_id`` block ``blocked_id``."""
    return Block.objects.filter(blocker_id=blocker_id, blocked_id=blocked_id).exists()


def is_blocked_between(*, a_id: int, b_id: int) -> bool:
    """True when either of the two blocked the other."""
    if not a_id or not b_id or a_id == b_id:
        return False
    return Block.objects.filter(Q(blocker_id=a_id, blocked_id=b_id) | Q(blocker_id=b_id, blocked_id=a_id)).exists()


# --- profile pages and follow lists --------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """What a viewer may see of someone's profile, computed in a fixed number of queries."""

    user: Any
    badges: list
    follower_count: int
    following_count: int
    post_count: int
    is_self: bool
    is_following: bool
    follows_viewer: bool
    viewer_blocked: bool
    can_see_posts: bool
    can_see_follows: bool
    can_message: bool


def _audience_allows(setting: str, *, is_self: bool, is_follower: bool) -> bool:
    if is_self or setting == "public":
        return True
    if setting == "followers":
        return is_follower
    return False


def profile_get(*, user_id, viewer) -> Profile:
    """Someone's profile as ``viewer`` (possibly anonymous) may see it. 404 for unknown or deleted people and
    for people who blocked the viewer (to them, the blocker does not exist)."""
    from shequ.accounts.models import PrivacySettings, User

    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        pk = 0
    user = (
        User.objects.filter(pk=pk, is_active=True, deleted_at__isnull=True)
        .only("id", "nickname", "avatar", "bio", "date_joined", "deleted_at", "is_active")
        .first()
        if pk > 0
        else None
    )
    if user is None:
        raise NotFound("user_not_found", _("This person does not exist."))
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    is_self = viewer_id == user.pk
    is_following_flag = follows_viewer = viewer_blocked = False
    if viewer_id and not is_self:
        relations = set(
            UserFollow.objects.filter(
                Q(follower_id=viewer_id, followee_id=user.pk) | Q(follower_id=user.pk, followee_id=viewer_id)
            ).values_list("follower_id", flat=True)
        )
        is_following_flag, follows_viewer = viewer_id in relations, user.pk in relations
        blocks = set(
            Block.objects.filter(
                Q(blocker_id=viewer_id, blocked_id=user.pk) | Q(blocker_id=user.pk, blocked_id=viewer_id)
            ).values_list("blocker_id", flat=True)
        )
        if user.pk in blocks:
            raise NotFound("user_not_found", _("This person does not exist."))
        viewer_blocked = viewer_id in blocks
    privacy = PrivacySettings.objects.filter(user_id=user.pk).first()
    posts_setting = privacy.posts_visibility if privacy else "public"
    follows_setting = privacy.follows_visibility if privacy else "public"
    messages_setting = privacy.messages_from if privacy else "everyone"
    can_see_posts = not viewer_blocked and _audience_allows(
        posts_setting, is_self=is_self, is_follower=is_following_flag
    )
    can_see_follows = not viewer_blocked and _audience_allows(
        follows_setting, is_self=is_self, is_follower=is_following_flag
    )
    can_message = (
        bool(viewer_id)
        and not is_self
        and not viewer_blocked
        and (messages_setting == "everyone" or (messages_setting == "following" and follows_viewer))
    )
    # Two index-only counts (a single filtered aggregate would scan the whole follow table).
    follower_count = UserFollow.objects.filter(followee_id=user.pk).count()
    following_count = UserFollow.objects.filter(follower_id=user.pk).count()
    post_count = Post.objects.filter(author_id=user.pk, status=ContentStatus.PUBLISHED).count()
    badges = list(UserBadge.objects.filter(user_id=user.pk).order_by("kind"))
    return Profile(
        user=user,
        badges=badges,
        follower_count=follower_count,
        following_count=following_count,
        post_count=post_count,
        is_self=is_self,
        is_following=is_following_flag,
        follows_viewer=follows_viewer,
        viewer_blocked=viewer_blocked,
        can_see_posts=can_see_posts,
        can_see_follows=can_see_follows,
        can_message=can_message,
    )


def profile_posts(*, profile: Profile, viewer) -> QuerySet[Post]:
    """The profile's published posts the viewer may see, newest first (empty when the author's privacy
    settings hide their posts from this viewer). Post visibility: public to all, followers to followers,
    private to the author only. Rows come with author and circle loaded, ready for the content module's
    ``cards_for_posts``."""
    if not profile.can_see_posts:
        return Post.objects.none()
    allowed = [Visibility.PUBLIC]
    if profile.is_self:
        allowed = [Visibility.PUBLIC, Visibility.FOLLOWERS, Visibility.PRIVATE]
    elif profile.is_following:
        allowed = [Visibility.PUBLIC, Visibility.FOLLOWERS]
    return (
        Post.objects.select_related("author", "author__privacy", "circle")
        .filter(author_id=profile.user.pk, status=ContentStatus.PUBLISHED, visibility__in=allowed)
        .order_by("-published_at", "-id")
    )


def follower_list(*, user_id: int) -> QuerySet:
    """People following ``user_id``, most recent first (as User rows ready for display)."""
    from shequ.accounts.models import User

    return (
        User.objects.filter(following_links__followee_id=user_id, deleted_at__isnull=True)
        .only("id", "nickname", "avatar", "bio")
        .order_by("-following_links__created_at", "-following_links__id")
    )


def following_list(*, user_id: int) -> QuerySet:
    """People ``user_id`` follows, most recent first."""
    from shequ.accounts.models import User

    return (
        User.objects.filter(follower_links__follower_id=user_id, deleted_at__isnull=True)
        .only("id", "nickname", "avatar", "bio")
        .order_by("-follower_links__created_at", "-follower_links__id")
    )


def following_among(*, viewer_id: int | None, user_ids: list[int]) -> set[int]:
    """Which of ``user_ids`` the viewer follows (one query, for follow buttons on a list)."""
    if not viewer_id or not user_ids:
        return set()
    return set(
        UserFollow.objects.filter(follower_id=viewer_id, followee_id__in=user_ids).values_list("followee_id", flat=True)
    )


def blocked_list(*, user_id: int) -> QuerySet:
    """The people I blocked, most recent first."""
    from shequ.accounts.models import User

    return (
        User.objects.filter(blocked_by__blocker_id=user_id)
        .only("id", "nickname", "avatar")
        .order_by("-blocked_by__created_at", "-blocked_by__id")
    )
