"""The post page from cached HTML with slots, so a warm page costs a query, a cache read and string joins.

The post page's budget is p95 ≤ 50 ms with 32 clients on two cores: about 2 ms of CPU per request. Rendering
the article and a page of comments with the template engine costs 3–6 ms, so, as for the feed cards
(``feed_render``):

* The article (``_post_article.html``: author line, text, photos, products, topics, and the comments section's
  frame) is rendered once per post version, language and "logged in or not", with ``slots``: markers where the
  per-viewer parts go. Cached ``PAGE_TTL`` seconds; an edit, publish, hide or delete changes the version.
* A page of comments (``_comment_list.html``) is rendered once per post, page, comment count, language and
  logged in or not, with a marker for each comment's like button and delete form. A new or removed comment
  changes the count (a new key); liking a comment drops the post's pages (``comment_pages_forget``).
* Per request the markers are filled by string joins: the relative times, the view count, the post's
  like/favourite/share footer and the comments' like buttons from *stencils* (the real partial rendered once per
  process and language with sentinel values and checked against a real render, as in ``feed_render``), the
  comment delete forms for whoever may delete, the author's and moderators' tools (rendered with the template,
  only for them), and the CSRF token.

What is fresh on every request, in ONE query (``feed_state.post_states`` with the circle-moderator flag): may
the viewer see the post, its counters and views, the viewer's like, favourite, follow and moderator role. The
viewer's comment likes are one more query when the page has comments. If a template change breaks a stencil,
``post_page`` returns ``None`` and the view renders the page the plain way (``selectors.detail``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import truncatechars
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from shequ.community.conf import community_setting
from shequ.community.feed_render import _ago
from shequ.community.feed_state import PostState, post_states, visible_on_page
from shequ.community.models import ContentStatus, Post
from shequ.community.selectors.comments import (
    REPLIES_SHOWN,
    assemble_page,
    comment_html_key,
    comments_liked_by,
    load_page_rows,
)
from shequ.community.selectors.detail import load_post
from shequ.community.selectors.posts import post_not_found
from shequ.community.services.posts import VIEW_COUNTER_SECONDS, post_view_record, view_counter_key
from shequ.community.templatetags.community import compact_count
from shequ.core.cache import get_many_and_incr
from shequ.core.layout_stencil import csrf_token, placeholder, render_stencilled
from shequ.core.templatetags.chrome import render_once

PAGE_TTL = 600
_PAGE_KEY = "community:page-html:v1:{lang}:{auth}:{pk}:{version}"
_SLOT = re.compile(r"<!--post-slot:([\w:.-]+)-->")
_CSRF = "POSTCSRFSENTINEL7f3a"
_SLOTS = {
    name: mark_safe(f"<!--post-slot:{name}-->")  # noqa: S308 - constants
    for name in ("views", "actions", "tools", "ctitle", "comments")
}


def _split(html: str) -> tuple[str, ...]:
    """``html`` split at the slot markers (the CSRF sentinel is one): text at even positions, slot names odd."""
    return tuple(_SLOT.split(html.replace(_CSRF, "<!--post-slot:csrf-->")))


@dataclass(frozen=True)
class _Someone:
    """The viewer of a shared rendering: only "logged in or not"; everything personal is a slot."""

    is_authenticated: bool
    pk: None = None
    id: None = None
    is_staff: bool = False


# --- stencils -------------------------------------------------------------------------------------------------


class _Stencil:
    """A partial rendered with sentinel values, as static text and named holes (see ``feed_render``)."""

    def __init__(self, render_: Callable[..., str], sentinels: dict[str, object]) -> None:
        html = render_(**sentinels)
        values = sorted((str(v) for v in sentinels.values()), key=len, reverse=True)
        by_value = {str(value): name for name, value in sentinels.items()}
        pattern = "(" + "|".join(re.escape(value) for value in values) + ")"
        self.pieces = [by_value.get(p, p) if n % 2 else p for n, p in enumerate(re.split(pattern, html))]

    def fill(self, values: dict[str, str]) -> str:
        return "".join(values[piece] if n % 2 else piece for n, piece in enumerate(self.pieces))


def _post_url(pk: int) -> str:
    return reverse("community:post", args=[pk])


def _render_actions(*, auth, liked, favourited, is_author, id, likes, favourites, shares, csrf) -> str:
    card = SimpleNamespace(
        id=id, liked=liked, favourited=favourited, like_count=likes, favourite_count=favourites, share_count=shares
    )
    context = {
        "user": _Someone(auth),
        "card": card,
        "post": SimpleNamespace(pk=id),
        "detail": SimpleNamespace(is_author=is_author),
        "request": SimpleNamespace(path=_post_url(id)),
        "csrf_token": csrf,
    }
    return render_to_string("community/_post_detail_actions.html", context)


def _render_comment_like(*, liked, id, likes, csrf) -> str:
    context = {"c": SimpleNamespace(pk=id, like_count=likes), "liked": liked, "csrf_token": csrf}
    return render_to_string("community/_comment_like.html", context)


def _render_comment_delete(*, id, csrf) -> str:
    return render_to_string("community/_comment_delete.html", {"c": SimpleNamespace(pk=id), "csrf_token": csrf})


_SENTINELS = {"id": 8765432109, "likes": 901, "favourites": 903, "shares": 904, "csrf": "POSTSTENCILCSRF"}
_PROBE = {"id": 4711, "likes": 1234, "favourites": 0, "shares": 56789, "csrf": "probe&token"}
_ACTION_VARIANTS = [(False, False, False, False)] + [
    (True, liked, favourited, author) for liked in (False, True) for favourited in (False, True) for author in (0, 1)
]


def _formatted(values: dict[str, object]) -> dict[str, str]:
    return {
        name: escape(value) if name == "csrf" else (str(value) if name == "id" else compact_count(value))
        for name, value in values.items()
    }


def _build(render_, variant: dict, fields: tuple[str, ...]) -> _Stencil | None:
    sentinels = {name: _SENTINELS[name] for name in fields}
    probe = {name: _PROBE[name] for name in fields}
    stencil = _Stencil(lambda **values: render_(**variant, **values), sentinels)
    return stencil if stencil.fill(_formatted(probe)) == render_(**variant, **probe) else None


_stencils: dict[str, dict | None] = {}


def _stencils_for_language() -> dict | None:
    """The stencils of the active language, built once per process; ``None`` if one does not reproduce its
    template exactly (the page is then rendered the plain way)."""
    lang = get_language() or ""
    if lang not in _stencils:
        built: dict = {}
        for auth, liked, favourited, author in _ACTION_VARIANTS:
            variant = {"auth": auth, "liked": liked, "favourited": favourited, "is_author": bool(author)}
            built["actions", auth, liked, favourited, bool(author)] = _build(
                _render_actions, variant, ("id", "likes", "favourites", "shares", "csrf")
            )
        for liked in (False, True):
            built["clike", liked] = _build(_render_comment_like, {"liked": liked}, ("id", "likes", "csrf"))
        built["cdel"] = _build(_render_comment_delete, {}, ("id", "csrf"))
        _stencils[lang] = built if all(built.values()) else None
    return _stencils[lang]


def _comments_title(count: int) -> str:
    return render_once(
        ("comments-title", get_language() or "", count),
        lambda: render_to_string("community/_comments_title.html", {"total": count}),
    )


# --- the shared renderings ------------------------------------------------------------------------------------


def _article(state: PostState, auth: bool) -> tuple[str, tuple[str, ...]]:
    """(page title, article split at its slots) for this version of the post."""
    post, card = load_post(state.id)
    context = {
        "post": post,
        "card": card,
        "slots": _SLOTS,
        "time_slots": True,
        "user": _Someone(auth),
        "request": SimpleNamespace(path=_post_url(post.pk)),
        "csrf_token": _CSRF,
    }
    html = render_to_string("community/_post_article.html", context)
    return truncatechars(post.text, 30) or gettext("Post"), _split(html)


def _comments(state: PostState, auth: bool, page: int, size: int) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """(ids of the comments shown, the page of comments split at its slots)."""
    if state.comment_count == 0 and page == 1:  # most posts: nothing to ask the database
        top, replies, has_next, badges = [], [], False, {}
    else:
        top, replies, has_next, badges = load_page_rows(state.id, page, size, REPLIES_SHOWN)
    comments = assemble_page(
        top, replies, has_next, badges, liked=set(), page=page, total=state.comment_count, replies_shown=REPLIES_SHOWN
    )
    context = {
        "detail": SimpleNamespace(comments=comments),
        "post": SimpleNamespace(pk=state.id, author_id=state.author_id),
        "slots": _SLOTS,
        "time_slots": True,
        "user": _Someone(auth),
        "csrf_token": _CSRF,
    }
    html = render_to_string("community/_comment_list.html", context)
    return tuple(c.pk for c in top + replies), _split(html)


# --- per request ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageBody:
    title: str
    body: SafeString


def _fill(parts: tuple[str, ...], fixed: dict[str, str], slot: Callable[[str, list[str]], str]) -> str:
    out = []
    for n, piece in enumerate(parts):
        if not n % 2:
            out.append(piece)
        elif piece in fixed:
            out.append(fixed[piece])
        else:
            kind, *args = piece.split(":")
            out.append(slot(kind, args))
    return "".join(out)


def post_page(request: HttpRequest, post_id: int, page: int) -> HttpResponse | None:
    """The post page (or, for HTMX "more comments", a page of comments); ``None`` if the stencils do not match
    the templates (the caller renders it the plain way). NotFound when the viewer may not see the post."""
    stencils = _stencils_for_language()
    if stencils is None:
        return None
    viewer = request.user
    viewer_id = viewer.pk if getattr(viewer, "is_authenticated", False) else None
    state = post_states(post_ids=[int(post_id)], viewer_id=viewer_id, with_moderator=True).get(int(post_id))
    if state is None or not visible_on_page(state, viewer_id=viewer_id):
        raise post_not_found()
    more_only = bool(request.htmx and request.htmx.target == "comments-more")
    published = state.status == ContentStatus.PUBLISHED
    if more_only and not published:
        return None
    auth = viewer_id is not None
    lang = get_language() or ""
    size = community_setting("COMMENTS_PAGE_SIZE")
    page = max(1, min(int(page or 1), 10_000))
    article_key = _PAGE_KEY.format(lang=lang, auth=int(auth), pk=state.id, version=state.version)
    comments_key = comment_html_key(
        lang=lang, auth=auth, post_id=state.id, page=page, page_size=size, comment_count=state.comment_count
    )
    keys = ([] if more_only else [article_key]) + ([comments_key] if published else [])
    # The cached parts and this view's count in one round trip (the view is recorded below).
    found, views = get_many_and_incr(keys, view_counter_key(state.id), timeout=VIEW_COUNTER_SECONDS)
    fresh: dict[str, object] = {}
    article = found.get(article_key)
    if not more_only and not isinstance(article, tuple):
        article = fresh[article_key] = _article(state, auth)
    comments = found.get(comments_key)
    if published and not isinstance(comments, tuple):
        comments = fresh[comments_key] = _comments(state, auth, page, size)
    if fresh:
        cache.set_many(fresh, PAGE_TTL)

    csrf = escape(csrf_token(request))
    is_staff = bool(getattr(viewer, "is_staff", False))
    liked = comments_liked_by(viewer_id=viewer_id, comment_ids=comments[0]) if comments else set()

    def comment_slot(kind: str, args: list[str]) -> str:
        if kind == "ago":
            return _ago(float(args[0]))
        if kind == "clike":
            pk = int(args[0])
            values = {"id": args[0], "likes": compact_count(int(args[1])), "csrf": csrf}
            return stencils["clike", pk in liked].fill(values)
        if kind == "cdel":
            author = int(args[1])
            if viewer_id is not None and (viewer_id in (author, state.author_id) or is_staff):
                return stencils["cdel"].fill({"id": args[0], "csrf": csrf})
            return ""
        return ""

    comments_html = _fill(comments[1], {"csrf": csrf}, comment_slot) if comments else ""
    post_view_record(post=Post(pk=state.id, author_id=state.author_id), viewer=viewer, counted=views)
    if more_only:
        return HttpResponse(comments_html)

    is_author = viewer_id is not None and viewer_id == state.author_id
    can_moderate = viewer_id is not None and (is_staff or state.moderates)
    values = {
        "id": str(state.id),
        "likes": compact_count(state.like_count),
        "favourites": compact_count(state.favourite_count),
        "shares": compact_count(state.share_count),
        "csrf": csrf,
    }
    if auth:
        actions = stencils["actions", True, state.liked, state.favourited, is_author].fill(values)
    else:
        actions = stencils["actions", False, False, False, False].fill(values)
    tools = ""
    if is_author or (can_moderate and published):
        tools = render_to_string(
            "community/_post_detail_tools.html",
            {
                "post": SimpleNamespace(pk=state.id, status=state.status),
                "detail": SimpleNamespace(is_author=is_author, can_moderate=can_moderate),
                "csrf_token": csrf_token(request),
            },
        )
    fixed = {
        "csrf": csrf,
        "views": compact_count(state.view_count),
        "actions": actions,
        "tools": tools,
        "ctitle": _comments_title(state.comment_count),
        "comments": comments_html,
    }
    title, parts = article
    body = _fill(parts, fixed, comment_slot)
    # The body is the template engine's output (escaped) and escaped or template-rendered slot values.
    stencil = PageBody(placeholder("title"), mark_safe(placeholder("body")))  # noqa: S308 - letters and digits
    page = render_stencilled(
        request,
        "community/post_detail.html",
        kind="post",
        context={"page": stencil},
        fills={"title": conditional_escape(title), "body": body},
    )
    if page is not None:
        return page
    return render(request, "community/post_detail.html", {"page": PageBody(title, mark_safe(body))})  # noqa: S308
