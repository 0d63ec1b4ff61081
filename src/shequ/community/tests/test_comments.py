"""Comments: one level of replies, notifications, and refusals that store nothing."""

from __future__ import annotations

import pytest

from shequ.community.models import Comment, Post
from shequ.community.services.comments import comment_create, comment_delete
from shequ.community.services.posts import post_delete, post_hide
from shequ.community.social.services import user_block
from shequ.core.errors import Forbidden, InvalidInput, NotFound
from shequ.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_replies_stay_one_level_deep_and_name_whom_they_answer(author, reader, make_user, make_post, events):
    post = make_post()
    third = make_user(nickname="老王")
    top = comment_create(user=reader, post_id=post.pk, text="看起来好好吃")
    reply = comment_create(user=author, post_id=post.pk, text="谢谢!", reply_to_id=top.pk)
    reply_to_reply = comment_create(user=third, post_id=post.pk, text="同意", reply_to_id=reply.pk)

    assert reply.parent_id == top.pk and reply.reply_to_id is None
    assert reply_to_reply.parent_id == top.pk and reply_to_reply.reply_to_id == author.pk
    top.refresh_from_db()
    post.refresh_from_db()
    assert top.reply_count == 2 and post.comment_count == 3
    assert events[-1] == ("comment.created", {"comment_id": reply_to_reply.pk, "post_id": post.pk, "user_id": third.pk})


def test_the_author_and_the_person_answered_are_notified_grouped(author, reader, make_user, make_post):
    post = make_post()
    other = make_user(nickname="老王")
    first = comment_create(user=reader, post_id=post.pk, text="第一")
    comment_create(user=other, post_id=post.pk, text="第二")

    told = Notification.objects.get(user=author, kind="comment")
    assert told.actor_count == 2 and told.group_key == f"comment:post:{post.pk}"

    comment_create(user=other, post_id=post.pk, text="回复你", reply_to_id=first.pk)
    assert Notification.objects.get(user=reader, kind="reply").actor_ids == [other.pk]
    # the post's author is not told twice for their own reply
    comment_create(user=author, post_id=post.pk, text="我自己", reply_to_id=first.pk)
    assert Notification.objects.get(user=author, kind="comment").actor_count == 2


def test_mentions_in_comments_notify(author, reader, make_user, make_post):
    post = make_post()
    friend = make_user(nickname="老王")
    comment_create(user=reader, post_id=post.pk, text="@老王 快来看")
    assert Notification.objects.get(user=friend, kind="mention")


@pytest.mark.parametrize("how", ["deleted", "hidden", "draft"])
def test_commenting_on_a_deleted_hidden_or_draft_post_is_refused(how, author, reader, operator, make_post):
    post = make_post(draft=how == "draft")
    if how == "deleted":
        post_delete(post=post, user=author)
    elif how == "hidden":
        post_hide(post=post, moderator=operator, reason="违规")

    with pytest.raises(NotFound) as exc:
        comment_create(user=reader, post_id=post.pk, text="还能评论吗")

    assert exc.value.status == 404
    assert not Comment.objects.exists()


def test_blocked_people_cannot_comment(author, reader, make_post):
    post = make_post()
    user_block(user=author, blocked_id=reader.pk)
    with pytest.raises((Forbidden, NotFound)):
        comment_create(user=reader, post_id=post.pk, text="你好")
    assert not Comment.objects.exists()


def test_empty_huge_and_html_comments(reader, make_post):
    post = make_post()
    with pytest.raises(InvalidInput) as exc:
        comment_create(user=reader, post_id=post.pk, text="   ")
    assert exc.value.code == "comment_empty"
    with pytest.raises(InvalidInput) as exc:
        comment_create(user=reader, post_id=post.pk, text="长" * 1001)
    assert exc.value.code == "comment_too_long"
    assert not Comment.objects.exists()

    comment = comment_create(user=reader, post_id=post.pk, text="<script>steal()</script><b>好</b>")
    assert comment.text == "好" and "<b>" not in comment.text_html


def test_a_reply_to_a_comment_of_another_post_is_refused(reader, make_post):
    one, two = make_post("一"), make_post("二")
    elsewhere = comment_create(user=reader, post_id=one.pk, text="在一")
    with pytest.raises(InvalidInput) as exc:
        comment_create(user=reader, post_id=two.pk, text="在二", reply_to_id=elsewhere.pk)
    assert exc.value.code == "reply_invalid"
    with pytest.raises(InvalidInput):
        comment_create(user=reader, post_id=two.pk, text="在二", reply_to_id=999_999)
    assert Comment.objects.count() == 1


def test_deleting_a_thread_takes_its_replies_and_counts_along(author, reader, make_user, make_post):
    post = make_post()
    top = comment_create(user=reader, post_id=post.pk, text="顶")
    comment_create(user=author, post_id=post.pk, text="回", reply_to_id=top.pk)
    comment_create(user=reader, post_id=post.pk, text="另一条")
    stranger = make_user(nickname="路人")
    with pytest.raises(Forbidden):
        comment_delete(user=stranger, comment_id=top.pk)

    comment_delete(user=reader, comment_id=top.pk)

    assert Post.objects.get(pk=post.pk).comment_count == 1
    assert Comment.objects.filter(status="published").count() == 1
