"""Comments: on a post the person can see, one level of replies (a reply to a reply joins the same thread
and names whom it answers), mentions, notifications to the post's author and to the person answered.

Refused, storing nothing: empty or too long text, a post that is deleted, hidden, a draft or not visible
(404), an author who blocked the commenter or was blocked by them (403), too many comments a minute (429).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from shequ.analytics.services import track
from shequ.community.conf import community_setting
from shequ.community.error_codes import CommunityErrorCode as Code
from shequ.community.markup import render_html
from shequ.community.models import Comment, ContentStatus, Post
from shequ.community.selectors.comments import comment_get
from shequ.community.selectors.posts import access_post_for_viewer, post_not_found
from shequ.community.services.common import excerpt, notify_user, rate_limit, text_checked
from shequ.community.services.posts import mentioned_users, post_hot_score_refresh
from shequ.community.social import selectors as social
from shequ.core.domain_events import publish
from shequ.core.errors import Forbidden, InvalidInput, NotFound

COMMENT_TITLE = gettext_noop("%(actor)s commented on your post")
REPLY_TITLE = gettext_noop("%(actor)s replied to your comment")
COMMENT_MENTION_TITLE = gettext_noop("%(actor)s mentioned you in a comment")


def comment_create(*, user, post_id, text: str, reply_to_id=None) -> Comment:
    """Comment on a post, or reply to one of its comments (``reply_to_id``: the comment answered)."""
    post = access_post_for_viewer(post_id=post_id, viewer=user)
    if post.status != ContentStatus.PUBLISHED:
        raise post_not_found()
    if social.is_blocked_between(a_id=user.pk, b_id=post.author_id):
        raise Forbidden(Code.BLOCKED, _("You cannot comment on this post."))
    clean = text_checked(text, field="text", max_setting="COMMENT_MAX_CHARS", too_long_code=Code.COMMENT_TOO_LONG)
    if not clean:
        raise InvalidInput(Code.COMMENT_EMPTY, _("Write a comment first."), details={"field": "text"})
    parent = answered = None
    if reply_to_id not in (None, "", 0):
        try:
            answered = comment_get(comment_id=reply_to_id)
        except NotFound:
            answered = None
        if answered is None or answered.post_id != post.pk:
            raise InvalidInput(
                Code.REPLY_INVALID, _("The comment you reply to no longer exists."), details={"field": "reply_to_id"}
            )
        parent = answered if answered.parent_id is None else Comment(pk=answered.parent_id)
    rate_limit(user_id=user.pk, action="comment", limit=community_setting("COMMENTS_PER_MINUTE"), window=60)
    mentioned = mentioned_users(clean, author=user)
    with transaction.atomic():
        comment = Comment.objects.create(
            post_id=post.pk,
            author=user,
            parent_id=parent.pk if parent else None,
            reply_to_id=answered.author_id if answered and answered.parent_id is not None else None,
            text=clean,
            text_html=render_html(clean, mentions={u.nickname.lower(): u.pk for u in mentioned}),
        )
        Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
        if parent:
            Comment.objects.filter(pk=parent.pk).update(reply_count=F("reply_count") + 1)
        post_hot_score_refresh(post_id=post.pk, published_at=post.published_at)
        _notify(post=post, comment=comment, answered=answered, mentioned=mentioned, actor=user)
        publish("comment.created", comment_id=comment.pk, post_id=post.pk, user_id=user.pk)
        track(
            user,
            "comment_created",
            {"comment_id": comment.pk, "post_id": post.pk, "reply": answered is not None, "length": len(clean)},
        )
    return comment


def _notify(*, post: Post, comment: Comment, answered: Comment | None, mentioned: list, actor) -> None:
    link = reverse("community:post", args=[post.pk]) + f"#c{comment.pk}"
    told = {actor.pk}
    if answered is not None and answered.author_id not in told:
        notify_user(
            user_id=answered.author_id,
            kind="reply",
            title_msgid=REPLY_TITLE,
            params={"actor": actor.nickname, "post_id": post.pk, "comment_id": comment.pk},
            body=excerpt(comment.text, 80),
            link=link,
            group_key=f"reply:comment:{answered.pk}",
            actor_id=actor.pk,
        )
        told.add(answered.author_id)
    if post.author_id not in told:
        notify_user(
            user_id=post.author_id,
            kind="comment",
            title_msgid=COMMENT_TITLE,
            params={"actor": actor.nickname, "post_id": post.pk, "comment_id": comment.pk},
            body=excerpt(comment.text, 80),
            link=link,
            group_key=f"comment:post:{post.pk}",
            actor_id=actor.pk,
        )
        told.add(post.author_id)
    blocked = social.blocked_user_ids(user_id=actor.pk) if mentioned else set()
    for user in mentioned:
        if user.pk in told or user.pk in blocked:
            continue
        notify_user(
            user_id=user.pk,
            kind="mention",
            title_msgid=COMMENT_MENTION_TITLE,
            params={"actor": actor.nickname, "post_id": post.pk, "comment_id": comment.pk},
            body=excerpt(comment.text, 80),
            link=link,
            group_key=f"mention:comment:{comment.pk}",
            actor_id=actor.pk,
        )
        told.add(user.pk)


def comment_delete(*, user, comment_id) -> None:
    """Delete a comment: its author, the post's author or an operator may."""
    comment = comment_get(comment_id=comment_id)
    if user.pk not in (comment.author_id, comment.post.author_id) and not user.is_staff:
        raise Forbidden(Code.NOT_AUTHOR, _("Only the author can do this."))
    _remove(comment, status=ContentStatus.DELETED)
    track(user, "comment_deleted", {"comment_id": comment.pk, "post_id": comment.post_id})


def comment_hide(*, comment: Comment, moderator) -> None:
    """Operators (admin): hide a comment."""
    if not moderator.is_staff:
        raise Forbidden(Code.NOT_MODERATOR, _("Only moderators can hide comments."))
    _remove(comment, status=ContentStatus.HIDDEN)


def _remove(comment: Comment, *, status: str) -> None:
    with transaction.atomic():
        changed = Comment.objects.filter(pk=comment.pk, status=ContentStatus.PUBLISHED).update(status=status)
        if not changed:
            return
        # The replies under a removed top-level comment disappear with it.
        gone = 1
        if comment.parent_id is None:
            gone += Comment.objects.filter(parent_id=comment.pk, status=ContentStatus.PUBLISHED).update(status=status)
        else:
            Comment.objects.filter(pk=comment.parent_id, reply_count__gt=0).update(reply_count=F("reply_count") - 1)
        Post.objects.filter(pk=comment.post_id, comment_count__gte=gone).update(comment_count=F("comment_count") - gone)
        post = Post.objects.only("published_at").get(pk=comment.post_id)
        post_hot_score_refresh(post_id=comment.post_id, published_at=post.published_at)
