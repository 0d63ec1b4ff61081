"""Posts in search: indexed when published or edited, gone when deleted; only what everyone may see."""

from __future__ import annotations

import pytest

from shequ.community.feeds_search import community_search
from shequ.community.services.posts import post_create, post_delete
from shequ.core.errors import InvalidInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(make_user):
    return make_user(nickname="零食控小林")


def publish(author, text, capture, **kwargs):
    with capture(execute=True):
        return post_create(author=author, text=text, **kwargs)


def test_a_published_post_is_found_and_a_deleted_one_is_not(author, django_capture_on_commit_callbacks):
    post = publish(author, "这款气泡水真的很好喝 #新品尝鲜#", django_capture_on_commit_callbacks)
    publish(author, "今天烤了曲奇", django_capture_on_commit_callbacks)

    found = community_search(q="气泡水")
    assert [card.id for card in found.items] == [post.pk]
    assert found.post_count == 1

    with django_capture_on_commit_callbacks(execute=True):
        post_delete(post=post, user=author)

    assert community_search(q="气泡水").items == []


def test_followers_only_posts_are_not_searchable(author, django_capture_on_commit_callbacks):
    publish(author, "只给粉丝看的酸奶测评", django_capture_on_commit_callbacks, visibility="followers")
    assert community_search(q="酸奶").post_count == 0


def test_search_page_shows_posts_and_links_to_product_search(client, author, django_capture_on_commit_callbacks):
    publish(author, "燕麦牛奶当早餐", django_capture_on_commit_callbacks)

    html = client.get("/community/search/?q=燕麦").content.decode()

    assert "燕麦牛奶当早餐" in html
    assert 'data-testid="search-products-tab"' in html
    assert client.get("/community/search/?q=燕麦&page=abc").status_code == 400


def test_search_api(anon_api, author, django_capture_on_commit_callbacks):
    publish(author, "洗衣液推荐 温和不伤手", django_capture_on_commit_callbacks)

    body = anon_api.api("get", "/feeds/search?q=洗衣液").json()

    assert body["count"] == 1 and body["items"][0]["text"].startswith("洗衣液推荐")
    assert anon_api.api("get", "/feeds/search?q=").status_code == 422


def test_page_numbers_are_checked():
    with pytest.raises(InvalidInput):
        community_search(q="牛奶", page=0)
