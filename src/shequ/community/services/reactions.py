"""Likes on posts and comments, and favourites (saved posts). Toggles: a second tap undoes the first.

Counters move with F() in the same transaction as the like row (the unique constraint makes a double tap
from two devices count once); the post's hot score is recomputed in SQL right after.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from shequ.analytics.services import track
from shequ.community.conf import community_setting
from shequ.community.error_codes import CommunityErrorCode as Code
from shequ.community.models import Comment, CommentLike, ContentStatus, Favourite, Post, PostLike
from shequ.community.selectors.comments import comment_get, comment_pages_forget
from shequ.community.selectors.posts import access_post_for_viewer
from shequ.community.services.common import excerpt, notify_user
from shequ.community.services.posts import post_hot_score_refresh
from shequ.core.errors import Conflict

POST_LIKED_TITLE = gettext_noop("%(actor)s liked your post")
COMMENT_LIKED_TITLE = gettext_noop("%(actor)s liked your comment")


def _published_post(*, user, post_id) -> Post:
    post = access_post_for_viewer(post_id=post_id, viewer=user)
    if post.status != ContentStatus.PUBLISHED:
        raise Conflict(Code.NOT_PUBLISHED, _("This post is not published."))
    return post


def _toggle(model, *, lookup: dict) -> bool:
    """Delete the row if it exists (→ False) or create it (→ True); race-safe on the unique constraint."""
    deleted, _ = model.objects.filter(**lookup).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            model.objects.create(**lookup)
    except IntegrityError:  # the same person's other tap won the race: it is liked
        return True
    return True


def _bump(model, pk: int, field: str, delta: int) -> None:
    if delta > 0:
        model.objects.filter(pk=pk).update(**{field: F(field) + 1})
    else:
        model.objects.filter(pk=pk, **{f"{field}__gt": 0}).update(**{field: F(field) - 1})


def post_like_toggle(*, user, post_id) -> bool:
    """Like (or unlike) a post; returns whether it is liked now. The author is notified of likes (grouped)."""
    post = _published_post(user=user, post_id=post_id)
    with transaction.atomic():
        liked = _toggle(PostLike, lookup={"post_id": post.pk, "user_id": user.pk})
        _bump(Post, post.pk, "like_count", 1 if liked else -1)
        post_hot_score_refresh(post_id=post.pk, published_at=post.published_at)
        if liked and post.author_id != user.pk:
            notify_user(
                user_id=post.author_id,
                kind="like",
                title_msgid=POST_LIKED_TITLE,
                params={"actor": user.nickname, "post_id": post.pk},
                body=excerpt(post.text),
                link=reverse("community:post", args=[post.pk]),
                group_key=f"like:post:{post.pk}",
                actor_id=user.pk,
            )
        track(user, "post_liked" if liked else "post_unliked", {"post_id": post.pk, "author_id": post.author_id})
    return liked


def comment_like_toggle(*, user, comment_id) -> bool:
    """Like (or unlike) a comment on a post the person can see."""
    comment: Comment = comment_get(comment_id=comment_id)
    post = _published_post(user=user, post_id=comment.post_id)
    with transaction.atomic():
        liked = _toggle(CommentLike, lookup={"comment_id": comment.pk, "user_id": user.pk})
        _bump(Comment, comment.pk, "like_count", 1 if liked else -1)
        if liked and comment.author_id != user.pk:
            notify_user(
                user_id=comment.author_id,
                kind="like",
                title_msgid=COMMENT_LIKED_TITLE,
                params={"actor": user.nickname, "post_id": post.pk, "comment_id": comment.pk},
                body=excerpt(comment.text),
                link=reverse("community:post", args=[post.pk]) + f"#c{comment.pk}",
                group_key=f"like:comment:{comment.pk}",
                actor_id=user.pk,
            )
        track(user, "comment_liked" if liked else "comment_unliked", {"comment_id": comment.pk, "post_id": post.pk})

    def forget() -> None:  # the post page caches its comment pages (with their like counts)
        comment_pages_forget(
            post_id=post.pk, comment_count=post.comment_count, page_size=community_setting("COMMENTS_PAGE_SIZE")
        )

    forget()
    transaction.on_commit(forget)  # again once committed, in case a page view re-cached the old count meanwhile
    return liked


def favourite_toggle(*, user, post_id) -> bool:
    """Save (or unsave) a post to the person's favourites; returns whether it is saved now."""
    post = _published_post(user=user, post_id=post_id)
    with transaction.atomic():
        saved = _toggle(Favourite, lookup={"post_id": post.pk, "user_id": user.pk})
        _bump(Post, post.pk, "favourite_count", 1 if saved else -1)
        post_hot_score_refresh(post_id=post.pk, published_at=post.published_at)
        track(user, "post_favourited" if saved else "post_unfavourited", {"post_id": post.pk})
    return saved
