"""Likes, favourites, shares: toggles, counters, hot score, grouped notifications, attribution."""

from __future__ import annotations

import pytest

from shequ.analytics.models import Event
from shequ.community.hotness import hot_score
from shequ.community.models import CommentLike, Post, PostLike, ShareLink
from shequ.community.services.comments import comment_create
from shequ.community.services.posts import post_delete
from shequ.community.services.reactions import comment_like_toggle, favourite_toggle, post_like_toggle
from shequ.community.services.shares import share_create, share_visit
from shequ.core.errors import NotFound
from shequ.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_like_toggles_and_counts(author, reader, make_post):
    post = make_post()
    assert post_like_toggle(user=reader, post_id=post.pk) is True
    assert Post.objects.get(pk=post.pk).like_count == 1
    assert post_like_toggle(user=reader, post_id=post.pk) is False
    assert Post.objects.get(pk=post.pk).like_count == 0
    assert not PostLike.objects.exists()
    assert Event.objects.filter(name="post_liked", user_id=reader.pk).count() == 1
    assert Event.objects.filter(name="post_unliked", user_id=reader.pk).count() == 1


def test_likes_are_grouped_into_one_notification(author, make_user, make_post):
    post = make_post()
    likers = [make_user(nickname=f"粉丝{n}") for n in range(3)]
    for liker in likers:
        post_like_toggle(user=liker, post_id=post.pk)
    post_like_toggle(user=author, post_id=post.pk)  # liking your own post tells nobody

    notification = Notification.objects.get(user=author, kind="like")
    assert notification.actor_count == 3
    assert notification.actor_ids == [likers[2].pk, likers[1].pk, likers[0].pk]
    assert notification.data["i18n"]["title"] == "%(actor)s liked your post"


def test_hot_score_follows_engagement(author, reader, make_user, make_post):
    post = make_post()
    before = Post.objects.get(pk=post.pk).hot_score
    post_like_toggle(user=reader, post_id=post.pk)
    favourite_toggle(user=reader, post_id=post.pk)
    comment_create(user=reader, post_id=post.pk, text="赞")
    share_create(user=reader, post_id=post.pk)

    post = Post.objects.get(pk=post.pk)
    assert post.hot_score > before
    assert post.hot_score == pytest.approx(
        hot_score(likes=1, comments=1, favourites=1, shares=1, published_at=post.published_at)
    )


def test_favourites_toggle(reader, make_post):
    post = make_post()
    assert favourite_toggle(user=reader, post_id=post.pk) is True
    assert Post.objects.get(pk=post.pk).favourite_count == 1
    assert favourite_toggle(user=reader, post_id=post.pk) is False
    assert Post.objects.get(pk=post.pk).favourite_count == 0


def test_comment_likes(author, reader, make_post):
    post = make_post()
    comment = comment_create(user=author, post_id=post.pk, text="欢迎评论")
    assert comment_like_toggle(user=reader, comment_id=comment.pk) is True
    assert CommentLike.objects.count() == 1
    assert Notification.objects.get(user=author, kind="like").group_key == f"like:comment:{comment.pk}"


def test_deleted_posts_cannot_be_liked(author, reader, make_post):
    post = make_post()
    post_delete(post=post, user=author)
    with pytest.raises(NotFound):
        post_like_toggle(user=reader, post_id=post.pk)
    assert not PostLike.objects.exists()


def test_share_links_attribute_visits_to_the_sharer(author, reader, make_user, make_post):
    post = make_post()
    link = share_create(user=reader, post_id=post.pk, channel="wechat")
    visitor = make_user(nickname="访客")

    visited = share_visit(code=link.code, visitor=visitor)

    assert visited.post_id == post.pk
    assert ShareLink.objects.get(pk=link.pk).clicks == 1
    assert Post.objects.get(pk=post.pk).share_count == 1
    event = Event.objects.get(name="share_link_visited")
    assert event.user_id == visitor.pk
    assert event.properties["sharer_id"] == reader.pk and event.properties["code"] == link.code
    with pytest.raises(NotFound):
        share_visit(code="nope", visitor=visitor)
