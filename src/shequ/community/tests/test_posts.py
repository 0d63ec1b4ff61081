"""Writing posts: photos, video, products, topics, mentions, drafts, edits, deletion, visibility."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shequ.accounts.models import PrivacySettings
from shequ.analytics.models import Event
from shequ.catalog.testing import make_product
from shequ.community.models import Circle, ContentStatus, Post, PostImage, Topic
from shequ.community.selectors.posts import access_post_for_viewer, post_visible_to
from shequ.community.services.circles import circle_join
from shequ.community.services.posts import post_create, post_delete, post_hide, post_publish, post_update
from shequ.community.social.services import user_block, user_follow
from shequ.community.tests.conftest import photo
from shequ.core.errors import Forbidden, InvalidInput, NotFound, RateLimited
from shequ.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_post_with_photos_products_topics_and_mentions(author, reader, product, media_root, events):
    post = post_create(
        author=author,
        text="新品试喝 #早餐打卡# 推荐给 @小明 #低脂#",
        images=[photo("a.jpg"), photo("b.jpg", width=800, height=600)],
        product_ids=[product.pk],
    )

    assert post.status == ContentStatus.PUBLISHED and post.published_at is not None
    assert sorted(t.name for t in post.topics.all()) == ["低脂", "早餐打卡"]
    assert Topic.objects.get(name="早餐打卡").post_count == 1
    assert list(post.product_tags.values_list("product_id", flat=True)) == [product.pk]
    assert list(post.mentions.all()) == [reader]
    assert f'<a class="mention" href="/community/u/{reader.pk}/">@小明</a>' in post.text_html
    assert "topic-link" in post.text_html
    mention = Notification.objects.get(user=reader)
    assert mention.kind == "mention" and mention.link == f"/community/p/{post.pk}/"
    assert events == [
        (
            "post.published",
            {
                "post_id": post.pk,
                "user_id": author.pk,
                "image_count": 2,
                "product_ids": [product.pk],
                "circle_id": None,
            },
        )
    ]
    assert Event.objects.filter(name="post_published", user_id=author.pk).exists()
    assert post.hot_score > 0


def test_photos_are_resized_re_encoded_and_lose_their_exif(author, media_root):
    post = post_create(author=author, text="看图", images=[photo("gps.jpg", width=3000, height=2000)])

    stored = post.images.get()
    with Image.open(stored.image.path) as image:
        assert max(image.size) == 1440
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
    with Image.open(stored.thumbnail.path) as thumb:
        assert thumb.size == (480, 480)
    assert (stored.width, stored.height) == (1440, 960)


def test_a_file_that_is_not_a_picture_stores_nothing(author, media_root):
    fake = SimpleUploadedFile("evil.jpg", b"<?php echo 1; ?>" * 10, content_type="image/jpeg")

    with pytest.raises(InvalidInput) as exc:
        post_create(author=author, text="看图 #不该出现#", images=[photo(), fake])

    assert exc.value.code == "image_invalid" and exc.value.status == 400
    assert not Post.objects.exists() and not PostImage.objects.exists() and not Topic.objects.exists()
    assert not any(media_root.rglob("*.jpg"))


def test_a_picture_that_is_too_big_is_refused(author, settings, media_root):
    settings.SHEQU_COMMUNITY = {"MAX_IMAGE_BYTES": 10_000}

    with pytest.raises(InvalidInput) as exc:
        post_create(author=author, text="大图", images=[photo(width=1200, height=1200, exif=False)])

    assert exc.value.code == "image_too_large"
    assert not Post.objects.exists()


def test_at_most_nine_photos(author, media_root):
    with pytest.raises(InvalidInput) as exc:
        post_create(author=author, text="十张", images=[photo(width=10, height=10) for _ in range(10)])
    assert exc.value.code == "too_many_images"
    assert not Post.objects.exists()


def test_huge_text_is_refused_with_a_clear_error(author):
    with pytest.raises(InvalidInput) as exc:
        post_create(author=author, text="好" * 5001)
    assert exc.value.code == "text_too_long" and exc.value.details["max_length"] == 5000
    with pytest.raises(InvalidInput):
        post_create(author=author, text="<b>" * 100_000)
    assert not Post.objects.exists()


def test_html_in_a_post_is_sanitised(author):
    post = post_create(author=author, text='<script>alert("x")</script>好喝<img src=x onerror=alert(1)>')
    assert post.text == "好喝"
    assert "<script" not in post.text_html and "onerror" not in post.text_html


def test_a_post_of_only_markup_is_empty_and_refused(author):
    with pytest.raises(InvalidInput) as exc:
        post_create(author=author, text="<script>alert(1)</script>")
    assert exc.value.code == "text_required"


def test_products_must_exist_and_be_on_sale(author):
    hidden = make_product("下架商品", status="off_sale")
    with pytest.raises(InvalidInput) as exc:
        post_create(author=author, text="推荐", product_ids=[hidden.pk])
    assert exc.value.code == "product_invalid"
    with pytest.raises(InvalidInput):
        post_create(author=author, text="推荐", product_ids=["abc"])
    assert not Post.objects.exists()


def test_video_link_must_be_a_web_link_and_uploads_must_be_videos(author, media_root):
    with pytest.raises(InvalidInput) as exc:
        post_create(author=author, text="视频", video_url="javascript:alert(1)")
    assert exc.value.code == "video_url_invalid"
    with pytest.raises(InvalidInput) as exc:
        post_create(author=author, text="视频", video=SimpleUploadedFile("v.mp4", b"not a video at all"))
    assert exc.value.code == "video_invalid"
    mp4 = SimpleUploadedFile("v.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64, content_type="video/mp4")
    post = post_create(author=author, text="视频", video=mp4, video_url="https://v.example.com/1")
    assert post.video_file.name.endswith(".mp4") and post.video_url == "https://v.example.com/1"


def test_drafts_are_private_until_published(author, reader, events):
    draft = post_create(author=author, text="还没写完 #早餐打卡#", draft=True)

    assert draft.status == ContentStatus.DRAFT and draft.published_at is None
    assert Topic.objects.get(name="早餐打卡").post_count == 0
    assert events == []
    assert post_visible_to(post=draft, viewer=author) and not post_visible_to(post=draft, viewer=reader)

    published = post_publish(post=draft, user=author)

    assert published.status == ContentStatus.PUBLISHED and published.published_at is not None
    assert Topic.objects.get(name="早餐打卡").post_count == 1
    assert [name for name, _ in events] == ["post.published"]
    with pytest.raises(InvalidInput):
        post_publish(post=published, user=author)


def test_editing_keeps_the_old_text_and_moves_topic_counts(author, reader, make_user, make_post):
    post = make_post("第一版 #早餐打卡#")
    friend = make_user(nickname="老王")

    post = post_update(post=post, user=author, text="第二版 #午餐# @老王 @小明")

    assert [r.text for r in post.revisions.all()] == ["第一版 #早餐打卡#"]
    assert post.edited_at is not None
    assert Topic.objects.get(name="早餐打卡").post_count == 0
    assert Topic.objects.get(name="午餐").post_count == 1
    assert set(Notification.objects.filter(kind="mention").values_list("user_id", flat=True)) == {friend.pk, reader.pk}

    post_update(post=post, user=author, text="第三版 @老王 @小明")
    assert Notification.objects.filter(kind="mention").count() == 2  # nobody is told twice
    with pytest.raises(Forbidden):
        post_update(post=post, user=reader, text="改你的")


def test_deleting_is_soft_and_hides_the_post_from_everyone(author, reader, make_post, events):
    post = make_post()
    post_delete(post=post, user=author)

    post.refresh_from_db()
    assert post.status == ContentStatus.DELETED
    assert Topic.objects.get(name="早餐打卡").post_count == 0
    assert events[-1] == ("post.removed", {"post_id": post.pk, "user_id": author.pk, "by": "author"})
    for viewer in (author, reader, None):
        with pytest.raises(NotFound):
            access_post_for_viewer(post_id=post.pk, viewer=viewer)
    with pytest.raises(Forbidden):
        post_delete(post=make_post(), user=reader)


def test_visibility_follows_the_post_and_the_authors_privacy(author, reader, make_user, make_post):
    stranger = make_user(nickname="路人甲")
    user_follow(follower=reader, followee_id=author.pk)
    followers_only = make_post("粉丝可见", visibility="followers")
    private = make_post("自己可见", visibility="private")
    public = make_post("公开")

    assert post_visible_to(post=followers_only, viewer=reader)
    assert not post_visible_to(post=followers_only, viewer=stranger)
    assert not post_visible_to(post=followers_only, viewer=None)
    assert not post_visible_to(post=private, viewer=reader) and post_visible_to(post=private, viewer=author)

    PrivacySettings.objects.update_or_create(user=author, defaults={"posts_visibility": "followers"})
    public = access_post_for_viewer(post_id=public.pk, viewer=reader)  # reloads the author's privacy
    assert post_visible_to(post=public, viewer=reader)
    with pytest.raises(NotFound):
        access_post_for_viewer(post_id=public.pk, viewer=stranger)


def test_blocked_people_do_not_see_each_others_posts(author, reader, make_post):
    post = make_post()
    user_block(user=author, blocked_id=reader.pk)
    with pytest.raises(NotFound):
        access_post_for_viewer(post_id=post.pk, viewer=reader)


def test_circle_posts_need_membership(author, make_post):
    circle = Circle.objects.create(name="烘焙圈", slug="baking")
    with pytest.raises(Forbidden) as exc:
        make_post("圈子里的第一帖", circle_id=circle.pk)
    assert exc.value.code == "circle_membership_required"

    circle_join(user=author, circle_id=circle.pk)
    post = make_post("圈子里的第一帖", circle_id=circle.pk)
    circle.refresh_from_db()
    assert post.circle_id == circle.pk and circle.post_count == 1


def test_hidden_posts_are_invisible_and_the_author_is_told(author, reader, operator, make_post, events):
    post = make_post()
    post_hide(post=post, moderator=operator, reason="广告")

    post.refresh_from_db()
    assert post.status == ContentStatus.HIDDEN and post.hidden_reason == "广告"
    with pytest.raises(NotFound):
        access_post_for_viewer(post_id=post.pk, viewer=reader)
    assert Notification.objects.get(user=author, kind="moderation")
    assert events[-1] == ("post.removed", {"post_id": post.pk, "user_id": author.pk, "by": "moderation"})
    with pytest.raises(Forbidden):
        post_hide(post=make_post(), moderator=reader, reason="不喜欢")


def test_posting_is_rate_limited(author, settings):
    settings.SHEQU_COMMUNITY = {"POSTS_PER_HOUR": 2}
    post_create(author=author, text="一")
    post_create(author=author, text="二")
    with pytest.raises(RateLimited) as exc:
        post_create(author=author, text="三")
    assert exc.value.status == 429
    assert Post.objects.count() == 2
