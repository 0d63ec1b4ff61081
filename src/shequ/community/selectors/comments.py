"""Comments of a post: top-level comments a page at a time, each with its first replies, in fixed queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from shequ.community.error_codes import CommunityErrorCode as Code
from shequ.community.models import Comment, CommentLike, ContentStatus, UserBadge
from shequ.community.selectors.badges import badges_by_user
from shequ.core.errors import NotFound

REPLIES_SHOWN = 3


@dataclass
class CommentView:
    comment: Comment
    badges: list[UserBadge] = field(default_factory=list)
    liked: bool = False
    replies: list[CommentView] = field(default_factory=list)

    @property
    def more_replies(self) -> int:
        return max(0, self.comment.reply_count - len(self.replies))


@dataclass
class CommentPage:
    items: list[CommentView]
    page: int
    has_next: bool
    total: int


def comment_not_found() -> NotFound:
    return NotFound(Code.COMMENT_NOT_FOUND, _("This comment does not exist or was removed."))


def _decorate(comments: list[Comment], *, viewer_id: int | None) -> dict[int, CommentView]:
    badges = badges_by_user(user_ids={c.author_id for c in comments})
    liked: set[int] = set()
    if viewer_id is not None and comments:
        liked = set(
            CommentLike.objects.filter(user_id=viewer_id, comment_id__in=[c.pk for c in comments]).values_list(
                "comment_id", flat=True
            )
        )
    return {c.pk: CommentView(comment=c, badges=badges.get(c.author_id, []), liked=c.pk in liked) for c in comments}


def comment_page(
    *, post, viewer=None, page: int = 1, page_size: int = 20, replies_shown: int = REPLIES_SHOWN
) -> CommentPage:
    """One page of the post's top-level comments (oldest first), each with its first ``replies_shown`` replies;
    five queries whatever the page size (comments, replies, badges, viewer's likes; count from the post)."""
    viewer_id = viewer.pk if getattr(viewer, "is_authenticated", False) else None
    page = max(1, min(int(page or 1), 10_000))
    offset = (page - 1) * page_size
    top = list(
        Comment.objects.filter(post_id=post.pk, parent__isnull=True, status=ContentStatus.PUBLISHED)
        .select_related("author")
        .order_by("created_at", "id")[offset : offset + page_size + 1]
    )
    has_next = len(top) > page_size
    top = top[:page_size]
    replies: list[Comment] = []
    if top and replies_shown:
        # Bounded: at most replies_shown per parent are kept, and the query itself is capped.
        replies = list(
            Comment.objects.filter(parent_id__in=[c.pk for c in top], status=ContentStatus.PUBLISHED)
            .select_related("author", "reply_to")
            .order_by("created_at", "id")[: page_size * 20]
        )
    views = _decorate(top + replies, viewer_id=viewer_id)
    per_parent: dict[int, list[CommentView]] = defaultdict(list)
    for reply in replies:
        if len(per_parent[reply.parent_id]) < replies_shown:
            per_parent[reply.parent_id].append(views[reply.pk])
    items = []
    for comment in top:
        view = views[comment.pk]
        view.replies = per_parent.get(comment.pk, [])
        items.append(view)
    return CommentPage(items=items, page=page, has_next=has_next, total=post.comment_count)


def reply_list(*, parent: Comment, viewer=None, limit: int = 200) -> list[CommentView]:
    """All (up to ``limit``) replies under a top-level comment, oldest first."""
    viewer_id = viewer.pk if getattr(viewer, "is_authenticated", False) else None
    replies = list(
        Comment.objects.filter(parent_id=parent.pk, status=ContentStatus.PUBLISHED)
        .select_related("author", "reply_to")
        .order_by("created_at", "id")[:limit]
    )
    views = _decorate(replies, viewer_id=viewer_id)
    return [views[r.pk] for r in replies]


def comment_get(*, comment_id: int | str) -> Comment:
    """A published comment with its post, or NotFound (the caller checks the post's visibility)."""
    try:
        pk = int(comment_id)
    except (TypeError, ValueError):
        raise comment_not_found() from None
    comment = Comment.objects.select_related("post", "author").filter(pk=pk, status=ContentStatus.PUBLISHED).first()
    if comment is None:
        raise comment_not_found()
    return comment


def comment_view(*, comment_id: int, viewer=None) -> CommentView:
    """One comment with author, person answered, badges and the viewer's like."""
    comment = Comment.objects.select_related("author", "reply_to").filter(pk=comment_id).first()
    if comment is None:
        raise comment_not_found()
    viewer_id = viewer.pk if getattr(viewer, "is_authenticated", False) else None
    return _decorate([comment], viewer_id=viewer_id)[comment.pk]
