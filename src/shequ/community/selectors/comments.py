"""Comments of a post: top-level comments a page at a time, each with its first replies, in fixed queries.

A page of comments (with authors as nickname and avatar only, and their badges) is cached per post, page and
the post's comment count, so a new or removed comment shows at once; liking a comment drops the post's cached
pages (``comment_pages_forget``). The viewer's own likes are read per request (one query).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.utils.translation import gettext_lazy as _

from shequ.community.error_codes import CommunityErrorCode as Code
from shequ.community.models import Comment, CommentLike, ContentStatus, UserBadge
from shequ.community.selectors.badges import badges_by_user
from shequ.core.errors import NotFound
from shequ.core.prepared import prepared_cursor

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
    liked = comments_liked_by(viewer_id=viewer_id, comment_ids=[c.pk for c in comments])
    return {c.pk: CommentView(comment=c, badges=badges.get(c.author_id, []), liked=c.pk in liked) for c in comments}


def comments_liked_by(*, viewer_id: int | None, comment_ids: list[int]) -> set[int]:
    """Which of these comments the viewer liked. Every post page with comments asks, for each viewer: on
    PostgreSQL one prepared statement (an array parameter, so any number of ids is the same statement)."""
    ids = [int(pk) for pk in comment_ids]
    if viewer_id is None or not ids:
        return set()
    if connection.vendor != "postgresql":
        return set(
            CommentLike.objects.filter(user_id=viewer_id, comment_id__in=ids).values_list("comment_id", flat=True)
        )
    table = CommentLike._meta.db_table
    with prepared_cursor() as cursor:
        cursor.execute(
            f"SELECT comment_id FROM {table} WHERE user_id = %s AND comment_id = ANY(%s::bigint[])",  # noqa: S608
            [int(viewer_id), ids],
        )
        return {row[0] for row in cursor.fetchall()}


_PAGE_KEY = "community:comments:v1:{post_id}:{page}:{size}:{replies}:{count}"
PAGE_TTL = 600


def light_user(user):
    """A stand-in for a User that templates can show (nickname, avatar) and that is safe to cache: no phone,
    no password hash, no e-mail."""
    from shequ.accounts.models import User

    if user is None:
        return None
    return User(pk=user.pk, nickname=user.nickname, avatar=getattr(user.avatar, "name", "") or "")


def _lighten(comment: Comment) -> Comment:
    comment.author = light_user(comment.author)
    if comment.reply_to_id is not None and "reply_to" in comment._state.fields_cache:
        comment.reply_to = light_user(comment.reply_to)
    return comment


def _page_rows(post, page: int, page_size: int, replies_shown: int) -> tuple[list, list, bool, dict]:
    """(top-level comments, their replies, has_next, badges by author): cached, see the module docstring."""
    key = _PAGE_KEY.format(post_id=post.pk, page=page, size=page_size, replies=replies_shown, count=post.comment_count)
    found = cache.get(key)
    if isinstance(found, tuple):
        return found
    rows = load_page_rows(post.pk, page, page_size, replies_shown)
    cache.set(key, rows, PAGE_TTL)
    return rows


def load_page_rows(post_id: int, page: int, page_size: int, replies_shown: int) -> tuple[list, list, bool, dict]:
    """(top-level comments, their replies, has_next, badges by author) from the database, authors lightened."""
    offset = (page - 1) * page_size
    top = list(
        Comment.objects.filter(post_id=post_id, parent__isnull=True, status=ContentStatus.PUBLISHED)
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
    badges = dict(badges_by_user(user_ids={c.author_id for c in top + replies}))
    return [_lighten(c) for c in top], [_lighten(c) for c in replies], has_next, badges


_HTML_KEY = "community:comments-html:v1:{lang}:{auth}:{post_id}:{page}:{size}:{count}"


def comment_html_key(*, lang: str, auth: bool, post_id: int, page: int, page_size: int, comment_count: int) -> str:
    """The key of a page of comments rendered as HTML with slots (``post_render``); dropped with the rows."""
    return _HTML_KEY.format(lang=lang, auth=int(auth), post_id=post_id, page=page, size=page_size, count=comment_count)


def comment_pages_forget(*, post_id: int, comment_count: int, page_size: int) -> None:
    """Drop the cached comment pages of a post, as rows and as HTML (after a comment's likes changed)."""
    from django.conf import settings

    pages = range(1, comment_count // max(1, page_size) + 2)
    keys = [
        _PAGE_KEY.format(post_id=post_id, page=page, size=page_size, replies=REPLIES_SHOWN, count=comment_count)
        for page in pages
    ]
    keys += [
        comment_html_key(
            lang=lang, auth=auth, post_id=post_id, page=page, page_size=page_size, comment_count=comment_count
        )
        for lang, _name in settings.LANGUAGES
        for auth in (False, True)
        for page in pages
    ]
    cache.delete_many(keys)


def comment_page(
    *, post, viewer=None, page: int = 1, page_size: int = 20, replies_shown: int = REPLIES_SHOWN
) -> CommentPage:
    """One page of the post's top-level comments (oldest first), each with its first ``replies_shown`` replies:
    cached (see the module docstring); otherwise five queries whatever the page size (comments, replies,
    badges, viewer's likes; count from the post)."""
    viewer_id = viewer.pk if getattr(viewer, "is_authenticated", False) else None
    page = max(1, min(int(page or 1), 10_000))
    top, replies, has_next, badges = _page_rows(post, page, page_size, replies_shown)
    liked = comments_liked_by(viewer_id=viewer_id, comment_ids=[c.pk for c in top + replies])
    return assemble_page(
        top, replies, has_next, badges, liked=liked, page=page, total=post.comment_count, replies_shown=replies_shown
    )


def assemble_page(top, replies, has_next, badges, *, liked: set[int], page: int, total: int, replies_shown: int):
    """A CommentPage from the rows of ``load_page_rows`` and the viewer's liked comment ids."""
    views = {
        c.pk: CommentView(comment=c, badges=badges.get(c.author_id, []), liked=c.pk in liked) for c in top + replies
    }
    per_parent: dict[int, list[CommentView]] = defaultdict(list)
    for reply in replies:
        if len(per_parent[reply.parent_id]) < replies_shown:
            per_parent[reply.parent_id].append(views[reply.pk])
    items = []
    for comment in top:
        view = views[comment.pk]
        view.replies = per_parent.get(comment.pk, [])
        items.append(view)
    return CommentPage(items=items, page=page, has_next=has_next, total=total)


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
