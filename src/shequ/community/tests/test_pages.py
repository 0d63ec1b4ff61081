"""The community pages: post page (fixed queries, escaped text), HTMX actions with full-page fallbacks,
compose with photos and products, topic, circles, drafts, favourites, share links."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from shequ.analytics.models import Event
from shequ.community.models import Circle, Comment, Post, Topic, UserBadge
from shequ.community.services.circles import circle_join, circle_moderator_set
from shequ.community.services.comments import comment_create
from shequ.community.services.reactions import favourite_toggle
from shequ.community.services.shares import share_create
from shequ.community.tests.conftest import photo

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _with_comments(post, people, count: int):
    for n in range(count):
        top = comment_create(user=people[n % len(people)], post_id=post.pk, text=f"评论{n}")
        comment_create(user=people[(n + 1) % len(people)], post_id=post.pk, text=f"回复{n}", reply_to_id=top.pk)


def test_the_post_page_makes_the_same_number_of_queries_for_2_or_20_comments(
    author, reader, make_user, make_post, product, media_root, settings, django_assert_max_num_queries
):
    settings.SHEQU_COMMUNITY = {"COMMENTS_PER_MINUTE": 1000}
    people = [reader, *[make_user(nickname=f"读者{n}") for n in range(4)]]
    for person in people:
        UserBadge.objects.create(user=person, kind="kol")
    small = make_post("少量评论 #早餐#", images=[photo(width=50, height=50)], product_ids=[product.pk])
    big = make_post("大量评论 #早餐#", images=[photo(width=50, height=50)], product_ids=[product.pk])
    _with_comments(small, people, 1)
    _with_comments(big, people, 20)
    client = _client(reader)
    client.get("/community/")  # the session
    from django.core.cache import cache

    counts = {}
    for state in ("cold", "warm"):
        if state == "cold":
            cache.clear()
        # cold: session + user, the post's state (visibility, counters, likes, circle moderator: one query), the
        # post (+author, circle), images, products (2), topics, badges, comments, replies, comment badges,
        # comment likes, and two analytics rows (inline in tests); warm: session + user, the state, comment
        # likes and the rows (the post and its comments are cached HTML)
        for name, post in (("small", small), ("big", big)):
            with django_assert_max_num_queries(15 if state == "cold" else 6) as queries:
                response = client.get(f"/community/p/{post.pk}/")
            assert response.status_code == 200
            counts[state, name] = len(queries)
    assert counts["cold", "small"] == counts["cold", "big"]
    assert counts["warm", "small"] == counts["warm", "big"] < counts["cold", "big"]
    assert response.content.decode().count('data-testid="comment"') == 40


def test_post_text_and_comments_are_escaped_on_the_page(author, reader, make_post):
    post = make_post('好喝 #早餐# 1 < 2 & "引号"')
    Comment.objects.create(post=post, author=reader, text="<script>alert(1)</script>", text_html="&lt;script&gt;")
    comment_create(user=reader, post_id=post.pk, text='<img src=x onerror="alert(1)">真香')

    html = Client().get(f"/community/p/{post.pk}/").content.decode()

    assert "<script>alert" not in html and "onerror" not in html
    assert "1 &lt; 2 &amp; &quot;引号&quot;" in html
    assert f'href="{reverse("community:topic", args=[Topic.objects.get().slug])}"' in html
    assert "真香" in html


def test_anyone_can_read_a_public_post_but_not_a_private_one(author, make_post):
    public, private = make_post("公开"), make_post("私密", visibility="private")
    assert Client().get(f"/community/p/{public.pk}/").status_code == 200
    assert Client().get(f"/community/p/{private.pk}/").status_code == 404
    assert _client(author).get(f"/community/p/{private.pk}/").status_code == 200
    assert Event.objects.filter(name="post_viewed").count() == 2


def test_like_with_htmx_swaps_the_button_and_without_redirects(reader, make_post):
    post = make_post()
    client = _client(reader)

    response = client.post(f"/community/p/{post.pk}/like/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'aria-pressed="true"' in body and '<span data-testid="like-count">1</span>' in body
    assert "<html" not in body

    response = client.post(f"/community/p/{post.pk}/like/")
    assert response.status_code == 302 and response["Location"] == f"/community/p/{post.pk}/"
    assert Post.objects.get(pk=post.pk).like_count == 0


def test_favourite_and_share_buttons(reader, make_post):
    post = make_post()
    client = _client(reader)
    response = client.post(f"/community/p/{post.pk}/favourite/", headers={"HX-Request": "true"})
    assert 'aria-pressed="true"' in response.content.decode()

    response = client.post(f"/community/p/{post.pk}/share/", {"channel": "wechat"}, headers={"HX-Request": "true"})
    assert "/community/s/" in response.content.decode()


def test_comment_with_htmx_and_the_errors_it_shows(reader, make_post):
    post = make_post()
    client = _client(reader)

    response = client.post(f"/community/p/{post.pk}/comments/", {"text": "好吃!"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "好吃!" in response.content.decode()

    response = client.post(f"/community/p/{post.pk}/comments/", {"text": "x" * 1001}, headers={"HX-Request": "true"})
    assert response.status_code == 400 and 'class="errorlist' in response.content.decode()
    assert Comment.objects.count() == 1

    response = client.post(f"/community/p/{post.pk}/comments/", {"text": "没有JS"})
    assert response.status_code == 302
    assert Comment.objects.count() == 2


def test_commenting_on_a_deleted_post_page_is_a_404(author, reader, make_post):
    post = make_post()
    _client(author).post(f"/community/p/{post.pk}/delete/")
    response = _client(reader).post(f"/community/p/{post.pk}/comments/", {"text": "还在吗"})
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_compose_with_a_photo_and_a_product(author, product, media_root):
    client = _client(author)
    assert client.get("/community/compose/").status_code == 200
    picker = client.get("/community/compose/products/", {"q": "牛奶"})
    assert f'value="{product.pk}"' in picker.content.decode()

    response = client.post(
        "/community/compose/",
        {
            "text": "晒单 #早餐#",
            "visibility": "public",
            "product_ids": [product.pk],
            "images": [photo(width=100, height=80)],
        },
    )

    post = Post.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/community/p/{post.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "/p/organic-milk/?from=post-" in page
    assert post.images.count() == 1


def test_compose_errors_keep_the_form_and_store_nothing(author, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = _client(author).post(
        "/community/compose/",
        {"text": "坏图", "visibility": "public", "images": [SimpleUploadedFile("x.png", b"nope")]},
    )
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode() and "x.png" in response.content.decode()
    assert not Post.objects.exists()


def test_drafts_edit_publish_and_history(author, reader):
    client = _client(author)
    client.post("/community/compose/", {"text": "草稿一", "visibility": "public", "save_draft": "1"})
    draft = Post.objects.get()
    assert "草稿一" in client.get("/community/me/drafts/").content.decode()
    assert _client(reader).get(f"/community/p/{draft.pk}/").status_code == 404

    client.post(f"/community/p/{draft.pk}/edit/", {"text": "改好了", "visibility": "public", "publish": "1"})
    draft.refresh_from_db()
    assert draft.status == "published" and draft.text == "改好了"

    client.post(f"/community/p/{draft.pk}/edit/", {"text": "又改了", "visibility": "public"})
    history = Client().get(f"/community/p/{draft.pk}/history/").content.decode()
    assert "改好了" in history and "又改了" in history
    assert _client(reader).get(f"/community/p/{draft.pk}/edit/").status_code == 404


def test_favourites_page_lists_saved_posts(reader, make_post):
    saved = make_post("收藏这个")
    make_post("没收藏")
    favourite_toggle(user=reader, post_id=saved.pk)
    html = _client(reader).get("/community/me/favourites/").content.decode()
    assert "收藏这个" in html and "没收藏" not in html


def test_share_link_redirects_and_remembers_the_sharer(reader, make_post):
    post = make_post()
    link = share_create(user=reader, post_id=post.pk)
    client = Client()
    response = client.get(f"/community/s/{link.code}/")
    assert response.status_code == 302 and response["Location"] == f"/community/p/{post.pk}/"
    assert client.session["share_ref"] == link.code
    assert Client().get("/community/s/unknown/").status_code == 404


def test_topic_page_shows_the_challenge_and_its_posts(author, make_post):
    post = make_post("参加挑战 #七天早餐#")
    topic = Topic.objects.get(name="七天早餐")
    topic.is_challenge, topic.prize = True, "价值 ¥199 礼盒"
    topic.save()

    html = Client().get(reverse("community:topic", args=[topic.slug])).content.decode()

    assert "价值 ¥199 礼盒" in html and f'data-post-id="{post.pk}"' in html


def test_circles_join_leave_and_moderators_hide_posts(author, reader, operator, make_post):
    circle = Circle.objects.create(name="烘焙圈", slug="baking")
    client = _client(reader)
    response = client.post("/community/circles/baking/join/", headers={"HX-Request": "true"})
    assert 'data-testid="circle-leave"' in response.content.decode()
    assert Circle.objects.get(pk=circle.pk).member_count == 1
    assert "烘焙圈" in Client().get("/community/circles/").content.decode()

    circle_join(user=author, circle_id=circle.pk)
    post = make_post("圈内帖", circle_id=circle.pk)
    assert f'data-post-id="{post.pk}"' in Client().get("/community/circles/baking/").content.decode()

    assert client.post(f"/community/p/{post.pk}/hide/", {"reason": "跑题"}).status_code == 403
    circle_moderator_set(operator=operator, circle_id=circle.pk, user_id=reader.pk)
    assert 'data-testid="hide-form"' in client.get(f"/community/p/{post.pk}/").content.decode()
    client.post(f"/community/p/{post.pk}/hide/", {"reason": "跑题"})
    assert Post.objects.get(pk=post.pk).status == "hidden"

    client.post("/community/circles/baking/join/", {"action": "leave"})
    assert Circle.objects.get(pk=circle.pk).member_count == 1


def test_badges_show_next_to_the_author(author, make_post):
    UserBadge.objects.create(user=author, kind="official")
    UserBadge.objects.create(user=author, kind="expert", label="营养师")
    post = make_post()
    html = Client().get(f"/community/p/{post.pk}/").content.decode()
    assert 'data-testid="badge-official"' in html and "营养师" in html


def test_the_cached_post_page_shows_edits_comment_likes_and_privacy_changes_at_once(author, reader, make_post):
    from shequ.accounts.services.profile import privacy_update
    from shequ.community.services.posts import post_update
    from shequ.community.services.reactions import comment_like_toggle

    post = make_post("改之前")
    comment = comment_create(user=reader, post_id=post.pk, text="沙发")
    client = _client(reader)
    assert "改之前" in client.get(f"/community/p/{post.pk}/").content.decode()  # post and comments cached

    post_update(post=post, user=author, text="改之后")
    comment_like_toggle(user=author, comment_id=comment.pk)
    html = client.get(f"/community/p/{post.pk}/").content.decode()
    assert "改之后" in html and "改之前" not in html
    assert Comment.objects.get(pk=comment.pk).like_count == 1
    like_form = html.split(f'id="c{comment.pk}"')[1].split("</form>")[0]
    assert "♡ 1</button>" in like_form

    privacy_update(user=author, posts_visibility="followers")
    assert client.get(f"/community/p/{post.pk}/").status_code == 404
    assert _client(author).get(f"/community/p/{post.pk}/").status_code == 200


def _content(html: str) -> str:
    """The post page's body (article and comments), CSRF tokens and the view count blanked (they change from one
    render to the next)."""
    import re

    body = html[html.index("<article") : html.index("</section>") + len("</section>")]
    return re.sub(r"\d+ 次浏览", "N 次浏览", re.sub(r"[A-Za-z0-9]{64}", "TOKEN", body))


def test_the_post_page_from_the_cache_is_the_page_the_templates_render_for_every_viewer(
    author, reader, operator, make_user, make_post, product, media_root, settings
):
    """The cached, slot-filled post page shows each viewer exactly what the templates would: their likes,
    favourites, delete buttons for their own comments (all of them for the post's author and for staff), the
    author's tools, the moderator's hide form, and nothing of that to others."""
    from django.template.loader import render_to_string

    from shequ.community.forms import CommentForm
    from shequ.community.selectors.detail import post_detail
    from shequ.community.services.reactions import comment_like_toggle, post_like_toggle

    settings.SHEQU_COMMUNITY = {"COMMENTS_PER_MINUTE": 1000}
    circle = Circle.objects.create(name="早餐圈", slug="zaocan")
    moderator = make_user(nickname="版主")
    circle_join(user=author, circle_id=circle.pk)
    circle_moderator_set(operator=operator, circle_id=circle.pk, user_id=moderator.pk)
    post = make_post("圈里 #早餐#", images=[photo(width=50, height=50)], product_ids=[product.pk], circle_id=circle.pk)
    UserBadge.objects.create(user=reader, kind="kol")
    _with_comments(post, [reader, author, moderator], 4)
    first = Comment.objects.filter(post=post, parent__isnull=True).order_by("id").first()
    comment_like_toggle(user=reader, comment_id=first.pk)
    post_like_toggle(user=reader, post_id=post.pk)
    favourite_toggle(user=moderator, post_id=post.pk)

    for viewer in (None, reader, author, moderator, operator):
        client = _client(viewer) if viewer else Client()
        for _ in range(2):  # cold, then from the cache
            response = client.get(f"/community/p/{post.pk}/")
            assert response.status_code == 200
            data = post_detail(post_id=post.pk, viewer=response.wsgi_request.user)
            plain = render_to_string(
                "community/post_detail.html",
                {"detail": data, "post": data.post, "card": data.card, "comment_form": CommentForm()},
                request=response.wsgi_request,
            )
            assert _content(response.content.decode()) == _content(plain)
    page = _content(_client(reader).get(f"/community/p/{post.pk}/").content.decode())
    assert page.count('aria-pressed="true"') == 2  # the reader's post like and comment like
    assert page.count('data-testid="hide-form"') == 0
    assert 'data-testid="hide-form"' in _client(moderator).get(f"/community/p/{post.pk}/").content.decode()


def test_more_comments_with_htmx_come_from_the_cache_with_the_viewers_own_likes(author, reader, make_post, settings):
    from shequ.community.services.reactions import comment_like_toggle

    settings.SHEQU_COMMUNITY = {"COMMENTS_PER_MINUTE": 1000, "COMMENTS_PAGE_SIZE": 2}
    post = make_post("很多评论")
    made = [comment_create(user=reader, post_id=post.pk, text=f"第{n}条") for n in range(5)]
    comment_like_toggle(user=author, comment_id=made[3].pk)
    client = _client(author)

    first = client.get(f"/community/p/{post.pk}/").content.decode()
    assert "第0条" in first and "第2条" not in first and 'id="comments-more"' in first
    for _ in range(2):  # cold, then from the cache
        more = client.get(
            f"/community/p/{post.pk}/?page=2", headers={"HX-Request": "true", "HX-Target": "comments-more"}
        ).content.decode()
        assert "<html" not in more
        assert "第2条" in more and "第3条" in more and "第4条" not in more and "?page=3" in more
        assert more.count('aria-pressed="true"') == 1  # the author liked the 4th comment
        assert more.count('data-testid="comment-like"') == 2 and more.count(">删除</button>") == 2  # their post
    assert _client(reader).get(f"/community/p/{post.pk}/?page=2").content.decode().count('aria-pressed="true"') == 0


def test_post_page_views_are_counted_and_written_to_the_post_every_ten(author, reader, make_post):
    from shequ.community.services.posts import VIEW_FLUSH

    post = make_post("数一数看过的人")
    client = _client(reader)
    for _ in range(VIEW_FLUSH - 1):
        assert client.get(f"/community/p/{post.pk}/").status_code == 200
    post.refresh_from_db()
    assert post.view_count == 0

    client.get(f"/community/p/{post.pk}/")
    post.refresh_from_db()
    assert post.view_count == VIEW_FLUSH
    assert Event.objects.filter(name="post_viewed", properties__post_id=post.pk).count() == VIEW_FLUSH
