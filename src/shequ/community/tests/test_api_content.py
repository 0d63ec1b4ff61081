"""Community content API: posts CRUD, comments, likes, favourites, shares, topics, circles; bad input."""

from __future__ import annotations

import pytest

from shequ.community.models import Circle, Comment, Post
from shequ.community.services.posts import post_hide
from shequ.community.tests.conftest import photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def author_api(author, api_for):
    return api_for(author)


@pytest.fixture
def reader_api(reader, api_for):
    return api_for(reader)


def test_create_read_edit_delete_a_post(author_api, reader_api, anon_api, product, media_root):
    response = author_api.post(
        "/api/v1/community/posts",
        {"text": "早餐 #早餐打卡#", "product_ids": str(product.pk), "images": [photo(width=64, height=64)]},
        headers={"Authorization": f"Bearer {author_api.token}"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    post_id = body["id"]
    assert body["products"][0]["slug"] == "organic-milk" and len(body["images"]) == 1
    assert body["topics"][0]["name"] == "早餐打卡" and "topic-link" in body["text_html"]

    assert anon_api.api("GET", f"/community/posts/{post_id}").json()["text"] == "早餐 #早餐打卡#"

    edited = author_api.api("PATCH", f"/community/posts/{post_id}", json={"text": "早餐(改)", "product_ids": []})
    assert edited.status_code == 200 and edited.json()["products"] == [] and edited.json()["edited_at"]
    revisions = anon_api.api("GET", f"/community/posts/{post_id}/revisions").json()
    assert [r["text"] for r in revisions] == ["早餐 #早餐打卡#"]

    # somebody else's post: as if it did not exist
    assert reader_api.api("PATCH", f"/community/posts/{post_id}", json={"text": "改别人的"}).status_code == 404
    assert reader_api.api("DELETE", f"/community/posts/{post_id}").status_code == 404

    assert author_api.api("DELETE", f"/community/posts/{post_id}").status_code == 204
    response = anon_api.api("GET", f"/community/posts/{post_id}")
    assert response.status_code == 404 and response.json()["code"] == "post_not_found"


def test_writes_need_a_login(anon_api, make_post):
    post = make_post()
    assert anon_api.post("/api/v1/community/posts", {"text": "匿名"}).status_code == 401
    assert anon_api.api("POST", f"/community/posts/{post.pk}/like").status_code == 401
    assert anon_api.api("POST", f"/community/posts/{post.pk}/comments", json={"text": "hi"}).status_code == 401


def test_bad_input_is_a_clear_4xx_and_stores_nothing(author_api, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    auth = {"Authorization": f"Bearer {author_api.token}"}
    huge = author_api.post("/api/v1/community/posts", {"text": "长" * 6000}, headers=auth)
    assert huge.status_code == 400 and huge.json()["code"] == "text_too_long"
    fake = SimpleUploadedFile("x.jpg", b"GIF89a-not-really", content_type="image/jpeg")
    bad = author_api.post("/api/v1/community/posts", {"text": "图", "images": [fake]}, headers=auth)
    assert bad.status_code == 400 and bad.json()["code"] == "image_invalid"
    wrong = author_api.post("/api/v1/community/posts", {"text": "图", "visibility": "everyone"}, headers=auth)
    assert wrong.status_code == 400 and wrong.json()["code"] == "visibility_invalid"
    assert not Post.objects.exists()


def test_drafts_and_publishing(author_api, reader_api):
    auth = {"Authorization": f"Bearer {author_api.token}"}
    draft = author_api.post("/api/v1/community/posts", {"text": "草稿", "draft": "true"}, headers=auth).json()
    assert draft["status"] == "draft"
    assert [p["id"] for p in author_api.api("GET", "/community/me/drafts").json()] == [draft["id"]]
    assert reader_api.api("GET", f"/community/posts/{draft['id']}").status_code == 404

    published = author_api.api("POST", f"/community/posts/{draft['id']}/publish")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert author_api.api("GET", "/community/me/drafts").json() == []


def test_comments_likes_favourites_shares(reader_api, author_api, make_post):
    post = make_post()
    created = reader_api.api("POST", f"/community/posts/{post.pk}/comments", json={"text": "<b>真香</b>"})
    assert created.status_code == 201 and created.json()["text"] == "真香"
    reply = author_api.api(
        "POST", f"/community/posts/{post.pk}/comments", json={"text": "谢谢", "reply_to_id": created.json()["id"]}
    )
    assert reply.json()["parent_id"] == created.json()["id"]

    listing = reader_api.api("GET", f"/community/posts/{post.pk}/comments").json()
    assert listing["total"] == 2 and listing["items"][0]["replies"][0]["text"] == "谢谢"

    assert reader_api.api("POST", f"/community/posts/{post.pk}/like").json() == {"liked": True, "like_count": 1}
    assert reader_api.api("POST", f"/community/posts/{post.pk}/like").json() == {"liked": False, "like_count": 0}
    assert reader_api.api("POST", f"/community/posts/{post.pk}/favourite").json()["favourited"] is True
    saved = reader_api.api("GET", "/community/me/favourites").json()
    assert [p["id"] for p in saved["items"]] == [post.pk]
    liked = reader_api.api("POST", f"/community/comments/{reply.json()['id']}/like").json()
    assert liked == {"liked": True, "like_count": 1}

    share = reader_api.api("POST", f"/community/posts/{post.pk}/share", json={"channel": "weibo"})
    assert share.status_code == 201 and "/community/s/" in share.json()["url"]

    # a comment only its author (or the post's author) may delete
    other_comment = created.json()["id"]
    assert author_api.api("DELETE", f"/community/comments/{other_comment}").status_code == 204
    assert Comment.objects.filter(status="published").count() == 0


def test_commenting_on_a_hidden_post_is_404_and_stores_nothing(reader_api, operator, make_post):
    post = make_post()
    post_hide(post=post, moderator=operator, reason="spam")
    response = reader_api.api("POST", f"/community/posts/{post.pk}/comments", json={"text": "还在吗"})
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_topics_and_circles(reader_api, anon_api, make_post):
    make_post("#早餐打卡# 一")
    topics = anon_api.api("GET", "/community/topics", data={"q": "早餐"}).json()
    assert [t["name"] for t in topics] == ["早餐打卡"] and topics[0]["post_count"] == 1
    assert anon_api.api("GET", f"/community/topics/{topics[0]['slug']}").json()["id"] == topics[0]["id"]
    assert anon_api.api("GET", "/community/topics/nope").status_code == 404

    Circle.objects.create(name="烘焙圈", slug="baking")
    joined = reader_api.api("POST", "/community/circles/baking/join").json()
    assert joined["member_count"] == 1 and joined["role"] == "member"
    assert reader_api.api("GET", "/community/circles").json()[0]["role"] == "member"
    left = reader_api.api("POST", "/community/circles/baking/leave").json()
    assert left["member_count"] == 0 and left["role"] is None
