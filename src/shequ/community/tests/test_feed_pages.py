"""The community home with its tabs, HTMX "load more", the feeds API and community search."""

from __future__ import annotations

import pytest
from django.test import Client

from shequ.community.models import Post, UserFollow
from shequ.community.tests.test_feeds import make_post
from shequ.core.testing import spy_cache_reads

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


def test_the_following_feed_reads_whom_you_follow_with_your_user_row(
    web_client: Client, user, author, monkeypatch, django_capture_on_commit_callbacks
):
    """One cache read for the viewer's user row and their feed's sources (core/request_prefetch.py); a new
    follow still shows on the next page (the follow drops the cached sources)."""
    from shequ.accounts.auth_backend import user_cache_key
    from shequ.community.feeds import sources_key
    from shequ.community.social.services import user_follow

    make_post(author, "关注之后才看到的帖子")
    assert "关注之后才看到的帖子" not in web_client.get("/community/?tab=following").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        user_follow(follower=user, followee_id=author.pk)
    web_client.get("/community/?tab=following")  # the sources are cached again
    reads = spy_cache_reads(monkeypatch)

    html = web_client.get("/community/?tab=following").content.decode()

    assert "关注之后才看到的帖子" in html
    assert [keys for keys in reads if sources_key(user.pk) in keys] == [
        next(keys for keys in reads if user_cache_key(user.pk) in keys)
    ]


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


def _cards(html: str) -> list[str]:
    """The cards of a feed page, by the text of their post."""
    return [chunk.split("</p>")[0] for chunk in html.split('class="post-text clamp">')[1:]]


def test_cached_cards_show_each_viewers_likes_and_fresh_counts(web_client: Client, user, author, make_user):
    from django.template.loader import render_to_string

    from shequ.community.services.posts import post_create
    from shequ.community.services.reactions import post_like_toggle

    post = post_create(author=author, text="卡片缓存 #早餐#")
    first = web_client.get("/community/?tab=latest").content.decode()  # the card is cached now
    assert 'aria-pressed="false"' in first

    post_like_toggle(user=user, post_id=post.pk)
    post_like_toggle(user=make_user(nickname="路人"), post_id=post.pk)

    html = web_client.get("/community/?tab=latest").content.decode()
    card = html.split('data-testid="post-card"')[1]
    assert 'aria-pressed="true"' in card.split("like-count")[0]
    assert 'data-testid="like-count">2<' in card
    assert 'name="csrfmiddlewaretoken"' in card  # the forms still work without JavaScript
    # Filled from the cache, the card is what the template renders for the same post and viewer.
    from shequ.community.selectors.cards import post_cards

    [fresh] = post_cards(post_ids=[post.pk], viewer=user)
    token = card.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    expected = render_to_string("community/_post_card.html", {"card": fresh, "post": fresh, "csrf_token": token})
    assert expected.split('data-testid="post-card"')[1].split("</article>")[0] == card.split("</article>")[0]


def test_privacy_blocks_deletes_and_edits_apply_to_cached_feed_pages_at_once(web_client: Client, user, author):
    from shequ.accounts.services.profile import privacy_update
    from shequ.community.services.posts import post_create, post_delete, post_update

    kept = post_create(author=author, text="一直都在")
    edited = post_create(author=author, text="改之前")
    doomed = post_create(author=author, text="要删掉的")
    for path in ("/community/?tab=hot", "/community/?tab=latest", "/api/v1/feeds/hot"):
        web_client.get(path)  # first pages and cards cached

    post_update(post=edited, user=author, text="改之后")
    post_delete(post=doomed, user=author)
    html = web_client.get("/community/?tab=latest").content.decode()
    assert _cards(html) == ["改之后", "一直都在"]

    privacy_update(user=author, posts_visibility="followers")  # no event: the per-request check must catch it
    assert _cards(web_client.get("/community/?tab=hot").content.decode()) == []
    assert web_client.get("/api/v1/feeds/hot").json()["items"] == []
    UserFollow.objects.create(follower=user, followee=author)
    assert _cards(web_client.get("/community/?tab=hot").content.decode()) == ["改之后", "一直都在"]
    assert kept.pk in [item["id"] for item in web_client.get("/api/v1/feeds/hot").json()["items"]]
