"""Following people and topics, blocking, and the selectors other modules build on."""

import pytest

from shequ.analytics.models import Event
from shequ.community.models import Topic, UserFollow
from shequ.community.social import selectors, services
from shequ.core.errors import Forbidden, InvalidInput, NotFound, RateLimited
from shequ.notifications.models import Notification
from shequ.notifications.rendering import notification_text

pytestmark = pytest.mark.django_db


def test_follow_makes_the_graph_notifies_and_tracks(make_user):
    alice, bob = make_user(nickname="alice"), make_user(nickname="bob")

    assert services.user_follow(follower=alice, followee_id=bob.pk) is True

    assert selectors.following_user_ids(user_id=alice.pk) == [bob.pk]
    assert selectors.follower_user_ids(user_id=bob.pk) == [alice.pk]
    assert selectors.is_following(follower_id=alice.pk, followee_id=bob.pk)
    assert not selectors.is_following(follower_id=bob.pk, followee_id=alice.pk)
    note = Notification.objects.get(user=bob)
    assert note.kind == "follow" and note.link == f"/community/u/{alice.pk}/"
    assert Event.objects.filter(name="user_followed", user_id=alice.pk).exists()


def test_following_twice_changes_nothing_and_notifies_once(make_user):
    alice, bob = make_user(), make_user()
    services.user_follow(follower=alice, followee_id=bob.pk)

    assert services.user_follow(follower=alice, followee_id=bob.pk) is False
    assert UserFollow.objects.count() == 1
    assert Notification.objects.get(user=bob).actor_count == 1


def test_follow_notifications_group_into_one_row(make_user, settings):
    settings.LANGUAGE_CODE = "en"
    star = make_user(nickname="star")
    fans = [make_user(nickname=f"fan{i}") for i in range(13)]
    for fan in fans:
        services.user_follow(follower=fan, followee_id=star.pk)

    row = Notification.objects.get(user=star)
    assert row.actor_count == 13
    from django.utils import translation

    with translation.override("en"):
        assert notification_text(row)[0] == "fan12 and 12 others followed you"


def test_user_followed_event_is_published(make_user, monkeypatch):
    published = []
    monkeypatch.setattr(services, "publish", lambda name, **payload: published.append((name, payload)))
    alice, bob = make_user(), make_user()

    services.user_follow(follower=alice, followee_id=bob.pk)

    assert published == [("user.followed", {"follower_id": alice.pk, "followee_id": bob.pk})]


def test_following_yourself_is_refused(make_user):
    alice = make_user()
    with pytest.raises(InvalidInput) as error:
        services.user_follow(follower=alice, followee_id=alice.pk)
    assert error.value.code == "follow_self"
    assert not UserFollow.objects.exists()


def test_following_nobody_is_404(make_user):
    alice, gone = make_user(), make_user()
    gone.deleted_at = gone.date_joined
    gone.save()
    for bad in (999_999, "abc", gone.pk):
        with pytest.raises(NotFound):
            services.user_follow(follower=alice, followee_id=bad)
    assert not UserFollow.objects.exists()


def test_follow_rate_limit(make_user, monkeypatch):
    monkeypatch.setattr(services, "FOLLOWS_PER_HOUR", 2)
    alice = make_user()
    others = [make_user() for _ in range(3)]
    services.user_follow(follower=alice, followee_id=others[0].pk)
    services.user_follow(follower=alice, followee_id=others[1].pk)

    with pytest.raises(RateLimited):
        services.user_follow(follower=alice, followee_id=others[2].pk)
    assert UserFollow.objects.count() == 2


def test_blocking_removes_follows_both_ways_and_stops_new_ones(make_user):
    alice, bob = make_user(), make_user()
    services.user_follow(follower=alice, followee_id=bob.pk)
    services.user_follow(follower=bob, followee_id=alice.pk)

    assert services.user_block(user=alice, blocked_id=bob.pk) is True

    assert not UserFollow.objects.exists()
    assert selectors.blocked_user_ids(user_id=alice.pk) == {bob.pk}
    assert selectors.blocked_user_ids(user_id=bob.pk) == {alice.pk}
    assert selectors.is_blocked_between(a_id=bob.pk, b_id=alice.pk)
    for follower, followee in ((bob, alice), (alice, bob)):
        with pytest.raises(Forbidden):
            services.user_follow(follower=follower, followee_id=followee.pk)
    assert not UserFollow.objects.exists()

    assert services.user_unblock(user=alice, blocked_id=bob.pk) is True
    assert not selectors.is_blocked_between(a_id=alice.pk, b_id=bob.pk)
    assert services.user_follow(follower=bob, followee_id=alice.pk) is True


def test_blocking_yourself_is_refused(make_user):
    alice = make_user()
    with pytest.raises(InvalidInput):
        services.user_block(user=alice, blocked_id=alice.pk)


def test_unfollow(make_user):
    alice, bob = make_user(), make_user()
    services.user_follow(follower=alice, followee_id=bob.pk)

    assert services.user_unfollow(follower=alice, followee_id=bob.pk) is True
    assert services.user_unfollow(follower=alice, followee_id=bob.pk) is False
    assert selectors.following_user_ids(user_id=alice.pk) == []


def test_topic_follow_counts(make_user):
    alice = make_user()
    topic = Topic.objects.create(name="早餐打卡", slug="zao-can")

    assert services.topic_follow(user=alice, topic_id=topic.pk) is True
    assert services.topic_follow(user=alice, topic_id=topic.pk) is False
    topic.refresh_from_db()
    assert topic.follower_count == 1
    assert selectors.followed_topic_ids(user_id=alice.pk) == [topic.pk]

    assert services.topic_unfollow(user=alice, topic_id=topic.pk) is True
    topic.refresh_from_db()
    assert topic.follower_count == 0
    with pytest.raises(NotFound):
        services.topic_follow(user=alice, topic_id=987654)


def test_joined_circle_ids_reexports_membership(make_user):
    from shequ.community.models import Circle, CircleMembership

    alice = make_user()
    circle = Circle.objects.create(name="烘焙", slug="bake")
    CircleMembership.objects.create(circle=circle, user=alice)

    assert selectors.joined_circle_ids(user_id=alice.pk) == [circle.pk]
