"""The community home with its tabs, HTMX "load more", the feeds API and community search."""

from __future__ import annotations

import pytest
from django.test import Client

from shequ.community.models import Post, UserFollow
from shequ.community.tests.test_feeds import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(make_user):
    return make_user(nickname="早起的小鹿")


def test_home_shows_the_hot_tab_with_cards(client: Client, author):
    make_post(author, "今天的早餐：全麦面包+牛奶", likes=3)

    response = client.get("/community/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="feed-tab-hot"' in html and 'aria-current="page"' in html
    assert "全麦面包" in html


def test_load_more_returns_the_next_cards_and_a_new_button(client: Client, author):
    posts = [make_post(author, f"帖子{n}号") for n in range(25)]
    first = client.get("/community/?tab=latest").content.decode()
    assert "帖子24号" in first and "帖子4号" not in first
    more = first.split('data-testid="feed-more"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")

    fragment = client.get(more, headers={"HX-Request": "true"})

    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert "<html" not in html  # just the cards
    assert "帖子4号" in html and "帖子0号" in html and "帖子24号" not in html
    assert 'data-testid="feed-more"' not in html  # that was the last page
    assert Post.objects.count() == len(posts)


def test_following_tab_asks_visitors_to_log_in(client: Client):
    html = client.get("/community/?tab=following").content.decode()
    assert 'data-testid="feed-login"' in html


def test_following_tab_shows_followed_people(web_client: Client, user, author):
    UserFollow.objects.create(follower=user, followee=author)
    make_post(author, "关注的人发的帖子")

    html = web_client.get("/community/?tab=following").content.decode()

    assert "关注的人发的帖子" in html


def test_a_broken_cursor_is_a_400_page_not_a_500(client: Client):
    response = client.get("/community/?tab=hot&cursor=%%%not-a-cursor")
    assert response.status_code == 400


def test_feeds_api_pages_with_cursors(anon_api, author):
    for n in range(5):
        make_post(author, f"第{n}条", likes=n)

    first = anon_api.api("get", "/feeds/hot?limit=3").json()
    second = anon_api.api("get", f"/feeds/hot?limit=3&cursor={first['next_cursor']}").json()

    assert [item["text"] for item in first["items"]] == ["第4条", "第3条", "第2条"]
    assert [item["text"] for item in second["items"]] == ["第1条", "第0条"]
    assert second["next_cursor"] is None
    assert first["items"][0]["author"]["nickname"] == "早起的小鹿"


def test_feeds_api_following_needs_a_login_and_rejects_bad_input(anon_api, user_api):
    assert anon_api.api("get", "/feeds/following").status_code == 401
    bad = user_api.api("get", "/feeds/following?cursor=bm9wZQ")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_cursor"
    assert user_api.api("get", "/feeds/latest?limit=500").status_code == 422
    assert user_api.api("get", "/feeds/topics/1?sort=random").status_code == 422


def test_feed_views_are_tracked(client: Client, author, settings):
    from shequ.analytics.models import Event
    from shequ.analytics.services import flush

    settings.SHEQU_ANALYTICS = {**settings.SHEQU_ANALYTICS, "WRITE_MODE": "inline"}
    make_post(author, "hello")
    client.get("/community/?tab=latest")
    flush()
    event = Event.objects.filter(name="feed_view").latest("id")
    assert event.properties["feed"] == "latest" and event.properties["count"] == 1
