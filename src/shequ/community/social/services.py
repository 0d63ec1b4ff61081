"""Writes of the social graph: follow and unfollow people and topics, block and unblock.

Following someone is idempotent (following twice changes nothing and notifies once); blocking removes the
follows in both directions, and while a block stands neither side can follow (or message) the other.
Follow notifications collapse into one inbox row per day ("A and 12 others followed you").
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from shequ.accounts.selectors import users_by_ids
from shequ.analytics.services import track
from shequ.community.feeds import feed_sources_invalidate
from shequ.community.models import Block, Topic, TopicFollow, UserFollow
from shequ.community.social import selectors
from shequ.core import ratelimit
from shequ.core.domain_events import publish
from shequ.core.errors import Forbidden, InvalidInput, NotFound, RateLimited
from shequ.notifications.services import notify

FOLLOWS_PER_HOUR = 120
BLOCKS_PER_HOUR = 60


def _user_id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound("user_not_found", _("This person does not exist.")) from None


def _live_user(user_id: int):
    found = users_by_ids(ids=[user_id]).get(user_id)
    if found is None or found.deleted_at is not None:
        raise NotFound("user_not_found", _("This person does not exist."))
    return found


def _rate_limit(kind: str, user_id: int, limit: int) -> None:
    result = ratelimit.hit(f"social:{kind}:{user_id}", limit=limit, window=3600)
    if not result.allowed:
        raise RateLimited(
            "social_rate_limited", _("You are doing that too often. Try again later."), retry_after=result.retry_after
        )


def user_follow(*, follower, followee_id: int) -> bool:
    """Follow someone. Returns True when a new follow was made (False when already following)."""
    followee_id = _user_id(followee_id)
    if followee_id == follower.pk:
        raise InvalidInput("follow_self", _("You cannot follow yourself."))
    followee = _live_user(followee_id)
    if selectors.is_blocked_between(a_id=follower.pk, b_id=followee_id):
        raise Forbidden("user_blocked", _("You cannot follow this person."))
    if selectors.is_following(follower_id=follower.pk, followee_id=followee_id):
        return False
    _rate_limit("follow", follower.pk, FOLLOWS_PER_HOUR)
    try:
        with transaction.atomic():
            UserFollow.objects.create(follower_id=follower.pk, followee_id=followee_id)
            day = timezone.localdate().isoformat()
            name = follower.nickname
            notify(
                user=followee_id,
                kind="follow",
                title=_("%(actor)s followed you") % {"actor": name},
                link=f"/community/u/{follower.pk}/",
                data={
                    "actor_id": follower.pk,
                    "actor_name": name,
                    "i18n": {"title": gettext_noop("%(actor)s followed you"), "params": {"actor": name}},
                },
                group_key=f"follow:{day}",
                actor_id=follower.pk,
            )
            publish("user.followed", follower_id=follower.pk, followee_id=followee_id)
    except IntegrityError:  # a concurrent request made the same follow first
        return False
    track(follower, "user_followed", {"followee_id": followee.pk})
    return True


def user_unfollow(*, follower, followee_id: int) -> bool:
    """Stop following someone. Returns True when there was a follow to remove."""
    followee_id = _user_id(followee_id)
    with transaction.atomic():
        deleted, _count = UserFollow.objects.filter(follower_id=follower.pk, followee_id=followee_id).delete()
    if deleted:
        feed_sources_invalidate(user_id=follower.pk)
        track(follower, "user_unfollowed", {"followee_id": followee_id})
    return bool(deleted)


def _topic(topic_id) -> Topic:
    try:
        pk = int(topic_id)
    except (TypeError, ValueError):
        pk = 0
    topic = Topic.objects.filter(pk=pk).only("id", "name").first() if pk > 0 else None
    if topic is None:
        raise NotFound("topic_not_found", _("This topic does not exist."))
    return topic


def topic_follow(*, user, topic_id: int) -> bool:
    """Follow a topic; its posts join my following feed. True when newly followed."""
    topic = _topic(topic_id)
    _rate_limit("follow", user.pk, FOLLOWS_PER_HOUR)
    try:
        with transaction.atomic():
            _follow, created = TopicFollow.objects.get_or_create(user_id=user.pk, topic_id=topic.pk)
            if created:
                Topic.objects.filter(pk=topic.pk).update(follower_count=F("follower_count") + 1)
    except IntegrityError:
        return False
    if created:
        feed_sources_invalidate(user_id=user.pk)
        track(user, "topic_followed", {"topic_id": topic.pk})
    return created


def topic_unfollow(*, user, topic_id: int) -> bool:
    topic = _topic(topic_id)
    with transaction.atomic():
        deleted, _count = TopicFollow.objects.filter(user_id=user.pk, topic_id=topic.pk).delete()
        if deleted:
            Topic.objects.filter(pk=topic.pk, follower_count__gt=0).update(follower_count=F("follower_count") - 1)
    if deleted:
        feed_sources_invalidate(user_id=user.pk)
        track(user, "topic_unfollowed", {"topic_id": topic.pk})
    return bool(deleted)


def user_block(*, user, blocked_id: int) -> bool:
    """Block someone: the follows between us go (both ways), and they can no longer follow or message me
    nor see my profile. True when newly blocked."""
    blocked_id = _user_id(blocked_id)
    if blocked_id == user.pk:
        raise InvalidInput("block_self", _("You cannot block yourself."))
    _live_user(blocked_id)
    if selectors.has_blocked(blocker_id=user.pk, blocked_id=blocked_id):
        return False
    _rate_limit("block", user.pk, BLOCKS_PER_HOUR)
    try:
        with transaction.atomic():
            Block.objects.create(blocker_id=user.pk, blocked_id=blocked_id)
            UserFollow.objects.filter(follower_id=user.pk, followee_id=blocked_id).delete()
            UserFollow.objects.filter(follower_id=blocked_id, followee_id=user.pk).delete()
    except IntegrityError:
        return False
    feed_sources_invalidate(user_id=user.pk)
    feed_sources_invalidate(user_id=blocked_id)
    track(user, "user_blocked", {"blocked_id": blocked_id})
    return True


def user_unblock(*, user, blocked_id: int) -> bool:
    blocked_id = _user_id(blocked_id)
    with transaction.atomic():
        deleted, _count = Block.objects.filter(blocker_id=user.pk, blocked_id=blocked_id).delete()
    if deleted:
        feed_sources_invalidate(user_id=user.pk)
        feed_sources_invalidate(user_id=blocked_id)
        track(user, "user_unblocked", {"blocked_id": blocked_id})
    return bool(deleted)
