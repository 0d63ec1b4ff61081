"""What can be reported, and how moderation reaches it.

Each target type knows how to *find* its object (to check it exists, snapshot its text and know its author)
and how to *hide* it — always through the owning app's own service (posts: ``post_hide``; reviews:
``review_hide``; …), never by writing another app's tables. A type whose owning app offers no hide service
can still be reported and resolved; the operator then acts in that app's admin.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from shequ.core.errors import Conflict

TARGET_TYPES = ("post", "comment", "user", "review", "answer", "message")


@dataclass(frozen=True)
class Target:
    type: str
    id: int
    author_id: int | None
    excerpt: str
    url: str
    obj: object = None


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _excerpt(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= 300 else text[:299] + "…"


def _find(label: str, pk: int, **filters):
    try:
        model = apps.get_model(label)
    except LookupError:
        return None
    return model.objects.filter(pk=pk, **filters).first()


def _post(pk: int) -> Target | None:
    post = _find("community.Post", pk)
    if post is None or post.status in ("deleted", "draft"):
        return None
    return Target("post", pk, post.author_id, _excerpt(post.text), _url("community:post", pk), post)


def _comment(pk: int) -> Target | None:
    comment = _find("community.Comment", pk)
    if comment is None or comment.status == "deleted":
        return None
    return Target(
        "comment", pk, comment.author_id, _excerpt(comment.text), _url("community:post", comment.post_id), comment
    )


def _user(pk: int) -> Target | None:
    user = _find("accounts.User", pk, deleted_at__isnull=True)
    if user is None:
        return None
    return Target("user", pk, pk, _excerpt(f"{user.nickname} {user.bio}"), _url("community:profile", pk), user)


def _review(pk: int) -> Target | None:
    review = _find("reviews.Review", pk)
    if review is None or getattr(review, "status", "") == "deleted":
        return None
    text = getattr(review, "text", "") or getattr(review, "content", "")
    return Target("review", pk, review.user_id, _excerpt(text), "", review)


def _answer(pk: int) -> Target | None:
    answer = _find("reviews.Answer", pk)
    if answer is None or getattr(answer, "status", "") == "deleted":
        return None
    return Target("answer", pk, answer.user_id, _excerpt(getattr(answer, "text", "")), "", answer)


def _message(pk: int) -> Target | None:
    from shequ.messaging.models import Message

    message = Message.objects.filter(pk=pk).first()
    if message is None:
        return None
    return Target("message", pk, message.sender_id, _excerpt(message.text), "", message)


FINDERS: dict[str, Callable[[int], Target | None]] = {
    "post": _post,
    "comment": _comment,
    "user": _user,
    "review": _review,
    "answer": _answer,
    "message": _message,
}


def target_find(*, target_type: str, target_id: int) -> Target | None:
    finder = FINDERS.get(target_type)
    return finder(target_id) if finder else None


def _hide_post(target: Target, moderator, reason: str) -> None:
    from shequ.community.services.posts import post_hide

    post_hide(post=target.obj, moderator=moderator, reason=reason)


def _hide_comment(target: Target, moderator, reason: str) -> None:
    from shequ.community.services import comments

    hide = getattr(comments, "comment_hide", None)
    if hide is None:
        raise _unsupported()
    hide(comment=target.obj, moderator=moderator)


def _hide_review(target: Target, moderator, reason: str) -> None:
    from shequ.reviews.services.reviews import review_hide

    review_hide(review=target.obj, moderator=moderator, reason=reason)


def _hide_answer(target: Target, moderator, reason: str) -> None:
    from shequ.reviews.services.qa import answer_remove

    answer_remove(answer=target.obj, actor=moderator, by="moderation")


def _hide_message(target: Target, moderator, reason: str) -> None:
    from shequ.messaging.services import message_remove

    message_remove(message=target.obj, moderator=moderator, reason=reason)


def _unsupported() -> Conflict:
    return Conflict(
        "hide_unsupported", _("This kind of content cannot be hidden from here; act on it in its own admin page.")
    )


HIDERS: dict[str, Callable[[Target, object, str], None]] = {
    "post": _hide_post,
    "comment": _hide_comment,
    "review": _hide_review,
    "answer": _hide_answer,
    "message": _hide_message,
}


def target_hide(*, target: Target, moderator, reason: str) -> None:
    """Hide the reported object through its owning app's service."""
    hider = HIDERS.get(target.type)
    if hider is None:
        raise _unsupported()
    hider(target, moderator, reason)
