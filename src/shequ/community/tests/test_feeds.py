"""Feeds: what each feed shows, in which order, page by page, and at what cost in queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shequ.community import feeds
from shequ.community.hotness import hot_score
from shequ.community.models import Block, Circle, CircleMembership, Post, PostLike, Topic, TopicFollow, UserFollow
from shequ.core.errors import InvalidInput

pytestmark = pytest.mark.django_db

_clock = iter(range(1, 1_000_000))


def make_post(author, text="你好", *, status="published", visibility="public", topic=None, circle=None, likes=0):
    published = timezone.now() - timedelta(hours=1) + timedelta(seconds=next(_clock))
    post = Post.objects.create(
        author=author,
        text=text,
        status=status,
        visibility=visibility,
        circle=circle,
        published_at=None if status == "draft" else published,
        like_count=likes,
        hot_score=hot_score(likes=likes, comments=0, favourites=0, shares=0, published_at=published),
    )
    if topic is not None:
        post.topics.add(topic)
    return post


def ids(page) -> list[int]:
    return [card.id for card in page.items]


def walk(fetch, limit: int) -> list[int]:
    """Every id of a feed, following its cursors."""
    seen, cursor = [], None
    for _ in range(100):
        page = fetch(cursor=cursor, limit=limit)
        seen += ids(page)
        cursor = page.next_cursor
        if cursor is None:
            return seen
    raise AssertionError("the feed never ended")


@pytest.fixture
def people(make_user):
    return {name: make_user(nickname=name) for name in ("viewer", "friend", "stranger", "troll")}


def test_latest_feed_is_newest_first_and_shows_only_published_public_posts(people):
    friend = people["friend"]
    old = make_post(friend, "旧的")
    new = make_post(friend, "新的")
    make_post(friend, "草稿", status="draft")
    make_post(friend, "被隐藏", status="hidden")
    make_post(friend, "删除了", status="deleted")
    make_post(friend, "粉丝可见", visibility="followers")
    make_post(friend, "仅自己", visibility="private")

    page = feeds.feed_latest(viewer=people["viewer"])

    assert ids(page) == [new.pk, old.pk]
    assert page.next_cursor is None


def test_cursor_pages_walk_the_whole_feed_once_even_when_posts_arrive(people):
    posts = [make_post(people["friend"], f"第{n}条") for n in range(7)]
    first = feeds.feed_latest(viewer=None, limit=3)
    newer = make_post(people["friend"], "翻页时新发的")

    rest: list[int] = []
    cursor = first.next_cursor
    while cursor:
        page = feeds.feed_latest(viewer=None, cursor=cursor, limit=3)
        rest += ids(page)
        cursor = page.next_cursor

    assert ids(first) + rest == [p.pk for p in reversed(posts)]
    assert newer.pk not in rest  # new posts appear at the top, never shift the pages below


def test_hot_feed_ranks_by_engagement_and_age(people):
    quiet = make_post(people["friend"], "没人理", likes=0)
    loved = make_post(people["friend"], "很多赞", likes=500)
    newer = make_post(people["friend"], "刚发的", likes=1)

    assert ids(feeds.feed_hot(viewer=None)) == [loved.pk, newer.pk, quiet.pk]
    assert walk(lambda **kw: feeds.feed_hot(viewer=None, **kw), 1) == [loved.pk, newer.pk, quiet.pk]


def test_following_feed_merges_people_topics_circles_and_own_posts(people):
    viewer, friend, stranger = people["viewer"], people["friend"], people["stranger"]
    topic = Topic.objects.create(name="早餐打卡", slug="zao-can")
    circle = Circle.objects.create(name="乳品控", slug="ru-pin")
    UserFollow.objects.create(follower=viewer, followee=friend)
    TopicFollow.objects.create(user=viewer, topic=topic)
    CircleMembership.objects.create(user=viewer, circle=circle)

    from_friend = make_post(friend, "朋友的")
    friends_only = make_post(friend, "粉丝可见", visibility="followers")
    make_post(friend, "朋友的私密", visibility="private")
    in_topic = make_post(stranger, "话题里的", topic=topic)
    in_circle = make_post(stranger, "圈子里的", circle=circle)
    make_post(stranger, "无关的")
    make_post(stranger, "话题里粉丝可见", topic=topic, visibility="followers")
    mine = make_post(viewer, "我自己的")

    shown = walk(lambda **kw: feeds.feed_following(viewer=viewer, **kw), 2)

    assert shown == [mine.pk, in_circle.pk, in_topic.pk, friends_only.pk, from_friend.pk]


def test_blocked_people_disappear_from_every_feed(people):
    viewer, troll = people["viewer"], people["troll"]
    topic = Topic.objects.create(name="零食测评", slug="ling-shi")
    UserFollow.objects.create(follower=viewer, followee=troll)
    TopicFollow.objects.create(user=viewer, topic=topic)
    trolling = make_post(troll, "引战", topic=topic, likes=99)
    fine = make_post(people["friend"], "正常", topic=topic)
    assert trolling.pk in ids(feeds.feed_hot(viewer=viewer))

    Block.objects.create(blocker=viewer, blocked=troll)

    assert ids(feeds.feed_hot(viewer=viewer)) == [fine.pk]
    assert ids(feeds.feed_latest(viewer=viewer)) == [fine.pk]
    assert ids(feeds.feed_following(viewer=viewer)) == [fine.pk]
    assert ids(feeds.feed_topic(topic_id=topic.pk, sort="latest", viewer=viewer)) == [fine.pk]
    # ... and the other way round: the blocked person no longer sees the blocker's posts.
    mine = make_post(viewer, "我的")
    assert mine.pk not in ids(feeds.feed_latest(viewer=troll))


def test_topic_and_circle_feeds(people):
    topic = Topic.objects.create(name="健身餐", slug="jian-shen")
    circle = Circle.objects.create(name="健身饮食团", slug="jian-shen-tuan")
    a = make_post(people["friend"], "a", topic=topic, likes=50)
    b = make_post(people["stranger"], "b", topic=topic)
    c = make_post(people["friend"], "c", circle=circle)
    make_post(people["friend"], "elsewhere")

    assert ids(feeds.feed_topic(topic_id=topic.pk, sort="latest")) == [b.pk, a.pk]
    assert ids(feeds.feed_topic(topic_id=topic.pk, sort="hot")) == [a.pk, b.pk]
    assert ids(feeds.feed_circle(circle_id=circle.pk, sort="latest")) == [c.pk]
    with pytest.raises(InvalidInput):
        feeds.feed_topic(topic_id=topic.pk, sort="random")


def test_a_new_follow_shows_at_once_despite_the_cached_sources(people, django_capture_on_commit_callbacks):
    from shequ.community.social.services import user_follow

    viewer, friend = people["viewer"], people["friend"]
    post = make_post(friend, "你好")
    assert ids(feeds.feed_following(viewer=viewer)) == []  # sources now cached

    with django_capture_on_commit_callbacks(execute=True):
        user_follow(follower=viewer, followee_id=friend.pk)

    assert ids(feeds.feed_following(viewer=viewer)) == [post.pk]


@pytest.mark.parametrize("cursor", ["garbage", "eyJ4IjoxfQ", "WyJob3QiLDEuNSwxXQ", "x" * 300, "WyJsYXRlc3QiLCJhIiwxXQ"])
def test_bad_cursors_are_rejected(cursor):
    with pytest.raises(InvalidInput) as error:
        feeds.feed_latest(viewer=None, cursor=cursor)
    assert error.value.code == "invalid_cursor"


def test_a_cursor_of_one_feed_does_not_open_another(people):
    for _ in range(3):
        make_post(people["friend"])
    cursor = feeds.feed_hot(viewer=None, limit=1).next_cursor
    with pytest.raises(InvalidInput):
        feeds.feed_latest(viewer=None, cursor=cursor)


def _queries(fetch) -> int:
    with CaptureQueriesContext(connection) as captured:
        fetch()
    return len(captured.captured_queries)


@pytest.mark.parametrize("name", ["hot", "latest", "following"])
def test_a_feed_page_costs_the_same_number_of_queries_whatever_its_size(people, name):
    from django.core.cache import cache

    from shequ.catalog.testing import make_product

    viewer, friend = people["viewer"], people["friend"]
    UserFollow.objects.create(follower=viewer, followee=friend)
    topic = Topic.objects.create(name="开箱晒单", slug="kai-xiang")
    TopicFollow.objects.create(user=viewer, topic=topic)
    product = make_product()
    for n in range(30):
        post = make_post(friend, f"第{n}条", topic=topic, likes=n)
        post.product_tags.create(product=product)
    fetch = {"hot": feeds.feed_hot, "latest": feeds.feed_latest, "following": feeds.feed_following}[name]

    counts = {}
    for size in (2, 30):
        cache.clear()
        counts["cold", size] = _queries(lambda size=size: fetch(viewer=viewer, limit=size))
        counts["warm", size] = _queries(lambda size=size: fetch(viewer=viewer, limit=size))

    assert counts["cold", 2] == counts["cold", 30] <= 16
    assert counts["warm", 2] == counts["warm", 30] <= 5  # blocks, ids, the viewer's likes and favourites
    assert len(fetch(viewer=viewer, limit=30).items) == 30


def test_cached_cards_still_show_the_viewers_own_likes(people):
    from shequ.community.models import PostLike

    post = make_post(people["friend"], "点赞看看")
    assert feeds.feed_latest(viewer=people["viewer"]).items[0].liked is False  # the card is now cached

    PostLike.objects.create(post=post, user=people["viewer"])

    assert feeds.feed_latest(viewer=people["viewer"]).items[0].liked is True
    assert feeds.feed_latest(viewer=people["stranger"]).items[0].liked is False


def test_post_states_stay_fresh_once_their_statement_is_prepared(people):
    from shequ.community.feed_state import post_states

    post = make_post(people["friend"], "预备好的查询")
    for _ in range(6):  # past psycopg's prepare threshold on PostgreSQL
        [before] = post_states(post_ids=[post.pk], viewer_id=people["viewer"].pk).values()
    PostLike.objects.create(post=post, user=people["viewer"])
    Post.objects.filter(pk=post.pk).update(like_count=1)
    [after] = post_states(post_ids=[post.pk], viewer_id=people["viewer"].pk).values()

    assert (before.liked, before.like_count) == (False, 0)
    assert (after.liked, after.like_count) == (True, 1)


def test_cards_shared_between_viewers_hold_no_private_data(people):
    from django.core.cache import cache

    from shequ.community.feed_state import post_states

    post = make_post(people["friend"], "公开的")
    feeds.feed_latest(viewer=people["viewer"])
    [state] = post_states(post_ids=[post.pk], viewer_id=None).values()
    cached = cache.get(feeds.card_cache_key(state))

    assert cached.author.nickname == "friend"
    assert not hasattr(cached.author, "phone") and not hasattr(cached.author, "password")


def test_following_feed_follows_unfollows_topic_follows_and_circle_leaves_at_once(people):
    """The cached list of whom I follow must not keep showing someone I just unfollowed (or hide a topic I just
    followed) for the cache's lifetime."""
    from shequ.community.services.circles import circle_join, circle_leave
    from shequ.community.social.services import topic_follow, user_follow, user_unfollow

    viewer, friend = people["viewer"], people["friend"]
    topic = Topic.objects.create(name="早餐打卡", slug="zaocan")
    circle = Circle.objects.create(name="咖啡圈", slug="coffee")
    by_friend = make_post(friend)
    in_topic = make_post(people["stranger"], topic=topic)
    in_circle = make_post(people["stranger"], circle=circle)

    user_follow(follower=viewer, followee_id=friend.pk)
    assert ids(feeds.feed_following(viewer=viewer)) == [by_friend.pk]

    user_unfollow(follower=viewer, followee_id=friend.pk)
    topic_follow(user=viewer, topic_id=topic.pk)
    assert ids(feeds.feed_following(viewer=viewer)) == [in_topic.pk]

    circle_join(user=viewer, circle_id=circle.pk)
    assert set(ids(feeds.feed_following(viewer=viewer))) == {in_topic.pk, in_circle.pk}
    circle_leave(user=viewer, circle_id=circle.pk)
    assert ids(feeds.feed_following(viewer=viewer)) == [in_topic.pk]


def test_a_followees_new_post_and_its_removal_reach_followers_feeds_at_once(people, django_capture_on_commit_callbacks):
    from shequ.community.services.posts import post_create, post_delete

    viewer, friend = people["viewer"], people["friend"]
    topic = Topic.objects.create(name="早餐打卡", slug="zao-can")
    UserFollow.objects.create(follower=viewer, followee=friend)
    TopicFollow.objects.create(user=viewer, topic=topic)
    old = make_post(friend, "旧的")
    assert ids(feeds.feed_following(viewer=viewer)) == [old.pk]  # the friend's and the topic's lists are cached

    with django_capture_on_commit_callbacks(execute=True):
        new = post_create(author=friend, text="新的")
        in_topic = post_create(author=people["stranger"], text="话题 #早餐打卡#")
    assert in_topic.topics.filter(pk=topic.pk).exists()
    assert ids(feeds.feed_following(viewer=viewer)) == [in_topic.pk, new.pk, old.pk]

    with django_capture_on_commit_callbacks(execute=True):
        post_delete(post=new, user=friend)
    assert ids(feeds.feed_following(viewer=viewer)) == [in_topic.pk, old.pk]


def test_the_recent_post_lists_are_rebuilt_after_a_cache_flush(people):
    from django.core.cache import cache

    viewer, friend = people["viewer"], people["friend"]
    circle = Circle.objects.create(name="乳品控", slug="ru-pin")
    UserFollow.objects.create(follower=viewer, followee=friend)
    CircleMembership.objects.create(user=viewer, circle=circle)
    first = [make_post(friend, "朋友的").pk, make_post(people["stranger"], "圈子里的", circle=circle).pk]
    assert ids(feeds.feed_following(viewer=viewer)) == first[::-1]

    cache.clear()
    later = make_post(friend, "清空后")  # written behind the feeds' back: only a rebuild from the database shows it
    assert ids(feeds.feed_following(viewer=viewer)) == [later.pk, *first[::-1]]
    assert ids(feeds.feed_following(viewer=viewer)) == [later.pk, *first[::-1]]  # and from the rebuilt lists
