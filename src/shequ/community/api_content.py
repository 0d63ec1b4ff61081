"""Community content API v1 (/api/v1/community): posts, comments, likes, favourites, shares, topics, circles.

Reads work without logging in (what you see follows the same visibility rules as the pages); writes need a
bearer token or the web session. Errors are ``{"code", "message"}`` with a 4xx status.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Query, Router, Status, UploadedFile

from shequ.accounts.api_auth import optional_user_auth, user_auth
from shequ.community.models import Comment, Post
from shequ.community.schemas_content import (
    CircleOut,
    CommentIn,
    CommentOut,
    CommentPageOut,
    ErrorOut,
    FavouriteOut,
    HideIn,
    LikeOut,
    PostCreateIn,
    PostOut,
    PostPageOut,
    PostUpdateIn,
    RevisionOut,
    ShareIn,
    ShareOut,
    TopicOut,
)
from shequ.community.selectors import cards, circles, comments, detail, favourites, posts, topics
from shequ.community.selectors.comments import CommentView
from shequ.community.services import circles as circle_services
from shequ.community.services import comments as comment_services
from shequ.community.services import posts as post_services
from shequ.community.services import reactions, shares

router = Router(tags=["community"], auth=optional_user_auth)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}
PAGE_SIZE = 20


def _author(user, badges) -> dict:
    try:
        avatar = user.avatar.url if user.avatar else ""
    except ValueError:
        avatar = ""
    return {
        "id": user.pk,
        "nickname": user.nickname,
        "avatar_url": avatar,
        "badges": [{"kind": b.kind, "label": b.label} for b in badges or ()],
    }


def _circle(circle, role=None) -> dict | None:
    if circle is None:
        return None
    return {
        "id": circle.pk,
        "name": circle.name,
        "slug": circle.slug,
        "description": circle.description,
        "is_official": circle.is_official,
        "member_count": circle.member_count,
        "post_count": circle.post_count,
        "role": role,
    }


def _post_out(card: cards.PostCard) -> dict:
    return {
        "id": card.id,
        "url": card.url,
        "author": _author(card.author, card.badges),
        "text": card.text,
        "text_html": card.text_html,
        "status": card.status,
        "visibility": card.visibility,
        "published_at": card.published_at,
        "edited_at": card.edited_at,
        "images": [{"thumbnail_url": thumb, "url": full} for thumb, full in card.images],
        "products": [
            {"id": p.id, "slug": p.slug, "name": p.name, "url": p.url, "thumb_url": p.thumb_url} for p in card.products
        ],
        "topics": card.topics,
        "circle": _circle(card.circle),
        "video_url": card.video_url,
        "video_file_url": card.video_file_url,
        "like_count": card.like_count,
        "comment_count": card.comment_count,
        "favourite_count": card.favourite_count,
        "share_count": card.share_count,
        "view_count": card.view_count,
        "hot_score": card.hot_score,
        "liked": card.liked,
        "favourited": card.favourited,
    }


def _card_for(post: Post, user) -> cards.PostCard:
    return cards.cards_for_posts(posts=[post], viewer_id=user.pk if user.is_authenticated else None)[0]


def _comment_out(view: CommentView) -> dict:
    c: Comment = view.comment
    return {
        "id": c.pk,
        "post_id": c.post_id,
        "author": _author(c.author, view.badges),
        "text": c.text,
        "text_html": c.text_html,
        "reply_to": _author(c.reply_to, ()) if c.reply_to_id and c.reply_to else None,
        "parent_id": c.parent_id,
        "like_count": c.like_count,
        "reply_count": c.reply_count,
        "liked": view.liked,
        "created_at": c.created_at,
        "replies": [_comment_out(r) for r in view.replies],
    }


# --- posts -----------------------------------------------------------------------------------------------


@router.post("/posts", auth=user_auth, response={201: PostOut, **ERRORS}, summary="Write a post")
def post_create(
    request: HttpRequest,
    payload: Form[PostCreateIn],
    images: list[UploadedFile] = File(None),  # noqa: B008 - ninja's idiom
    video: UploadedFile | None = File(None),  # noqa: B008
):
    """Multipart: ``text`` (≤ 5,000 characters, #topics# and @mentions are linked), up to 9 ``images``
    (JPEG/PNG/WebP/GIF ≤ 10 MB; stored re-encoded without EXIF), a ``video`` file (MP4/WebM ≤ 50 MB) or a
    ``video_url``, ``product_ids`` (comma-separated, on-sale products), ``circle_id`` (a circle you joined),
    ``visibility`` (public/followers/private), ``draft``."""
    post = post_services.post_create(
        author=request.user,
        text=payload.text,
        images=images or [],
        video=video,
        video_url=payload.video_url,
        product_ids=payload.product_id_list(),
        circle_id=payload.circle_id,
        visibility=payload.visibility,
        draft=payload.draft,
    )
    post = posts.access_post_for_author(post_id=post.pk, user=request.user)
    return Status(201, _post_out(_card_for(post, request.user)))


@router.get("/posts/{post_id}", response={200: PostOut, **ERRORS}, summary="One post")
def post_get(request: HttpRequest, post_id: int):
    post = posts.access_post_for_viewer(post_id=post_id, viewer=request.user)
    post_services.post_view_record(post=post, viewer=request.user, via="api")
    return _post_out(_card_for(post, request.user))


@router.patch("/posts/{post_id}", auth=user_auth, response={200: PostOut, **ERRORS}, summary="Edit my post")
def post_update(request: HttpRequest, post_id: int, payload: PostUpdateIn):
    """Change text, visibility, products or video link; the text before the edit is kept in the history."""
    post = posts.access_post_for_author(post_id=post_id, user=request.user)
    post_services.post_update(
        post=post,
        user=request.user,
        text=payload.text,
        visibility=payload.visibility,
        video_url=payload.video_url,
        product_ids=payload.product_ids,
        remove_image_ids=payload.remove_image_ids,
    )
    post = posts.access_post_for_author(post_id=post_id, user=request.user)
    return _post_out(_card_for(post, request.user))


@router.post("/posts/{post_id}/publish", auth=user_auth, response={200: PostOut, **ERRORS}, summary="Publish my draft")
def post_publish(request: HttpRequest, post_id: int):
    post = posts.access_post_for_author(post_id=post_id, user=request.user)
    post_services.post_publish(post=post, user=request.user)
    post = posts.access_post_for_author(post_id=post_id, user=request.user)
    return _post_out(_card_for(post, request.user))


@router.delete("/posts/{post_id}", auth=user_auth, response={204: None, **ERRORS}, summary="Delete my post")
def post_delete(request: HttpRequest, post_id: int):
    post = posts.access_post_for_author(post_id=post_id, user=request.user)
    post_services.post_delete(post=post, user=request.user)
    return Status(204, None)


@router.post(
    "/posts/{post_id}/hide", auth=user_auth, response={204: None, **ERRORS}, summary="Hide a post (moderators)"
)
def post_hide(request: HttpRequest, post_id: int, payload: HideIn):
    post = posts.access_post_for_viewer(post_id=post_id, viewer=request.user)
    post_services.post_hide(post=post, moderator=request.user, reason=payload.reason)
    return Status(204, None)


@router.get("/posts/{post_id}/revisions", response={200: list[RevisionOut], **ERRORS}, summary="Edit history")
def post_revisions(request: HttpRequest, post_id: int):
    post = posts.access_post_for_viewer(post_id=post_id, viewer=request.user)
    return list(posts.revisions_for_post(post=post)[:50])


@router.get("/me/drafts", auth=user_auth, response={200: list[PostOut], **ERRORS}, summary="My drafts")
def my_drafts(request: HttpRequest):
    drafts = list(posts.post_base_queryset().filter(pk__in=posts.drafts_for_user(user=request.user).values("pk")[:50]))
    drafts.sort(key=lambda p: p.updated_at, reverse=True)
    return [_post_out(card) for card in cards.cards_for_posts(posts=drafts, viewer_id=request.user.pk)]


@router.get("/me/favourites", auth=user_auth, response={200: PostPageOut, **ERRORS}, summary="My saved posts")
def my_favourites(request: HttpRequest, page: int = Query(1, ge=1, le=10_000)):
    ids = favourites.favourite_post_ids(user=request.user, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    items = cards.post_cards(post_ids=ids[:PAGE_SIZE], viewer=request.user)
    return {"items": [_post_out(c) for c in items], "page": page, "has_next": len(ids) > PAGE_SIZE}


# --- reactions and shares --------------------------------------------------------------------------------


@router.post("/posts/{post_id}/like", auth=user_auth, response={200: LikeOut, **ERRORS}, summary="Like / unlike")
def post_like(request: HttpRequest, post_id: int):
    liked = reactions.post_like_toggle(user=request.user, post_id=post_id)
    return {"liked": liked, "like_count": posts.post_counters(post_id=post_id)["like_count"]}


@router.post(
    "/posts/{post_id}/favourite", auth=user_auth, response={200: FavouriteOut, **ERRORS}, summary="Save / unsave"
)
def post_favourite(request: HttpRequest, post_id: int):
    saved = reactions.favourite_toggle(user=request.user, post_id=post_id)
    return {"favourited": saved, "favourite_count": posts.post_counters(post_id=post_id)["favourite_count"]}


@router.post("/posts/{post_id}/share", auth=user_auth, response={201: ShareOut, **ERRORS}, summary="Share link")
def post_share(request: HttpRequest, post_id: int, payload: ShareIn):
    """A link of your own for this post: visits through it are attributed to you."""
    link = shares.share_create(user=request.user, post_id=post_id, channel=payload.channel)
    return Status(
        201, {"code": link.code, "url": request.build_absolute_uri(reverse("community:share", args=[link.code]))}
    )


# --- comments --------------------------------------------------------------------------------------------


@router.get("/posts/{post_id}/comments", response={200: CommentPageOut, **ERRORS}, summary="Comments of a post")
def comment_list(request: HttpRequest, post_id: int, page: int = Query(1, ge=1, le=10_000)):
    data = detail.post_detail(post_id=post_id, viewer=request.user, page=page)
    found = data.comments
    return {
        "items": [_comment_out(v) for v in found.items],
        "page": found.page,
        "has_next": found.has_next,
        "total": found.total,
    }


@router.post("/posts/{post_id}/comments", auth=user_auth, response={201: CommentOut, **ERRORS}, summary="Comment")
def comment_create(request: HttpRequest, post_id: int, payload: CommentIn):
    """Comment on a post, or reply to one of its comments with ``reply_to_id``."""
    comment = comment_services.comment_create(
        user=request.user, post_id=post_id, text=payload.text, reply_to_id=payload.reply_to_id
    )
    return Status(201, _comment_out(comments.comment_view(comment_id=comment.pk, viewer=request.user)))


@router.delete("/comments/{comment_id}", auth=user_auth, response={204: None, **ERRORS}, summary="Delete a comment")
def comment_delete(request: HttpRequest, comment_id: int):
    comment_services.comment_delete(user=request.user, comment_id=comment_id)
    return Status(204, None)


@router.post("/comments/{comment_id}/like", auth=user_auth, response={200: LikeOut, **ERRORS}, summary="Like a comment")
def comment_like(request: HttpRequest, comment_id: int):
    liked = reactions.comment_like_toggle(user=request.user, comment_id=comment_id)
    return {"liked": liked, "like_count": comments.comment_get(comment_id=comment_id).like_count}


# --- topics and circles ----------------------------------------------------------------------------------


@router.get("/topics", response={200: list[TopicOut], **ERRORS}, summary="Topics")
def topic_list(request: HttpRequest, q: str = Query("", max_length=30)):
    return list(topics.topic_list(q=q))


@router.get("/topics/{key}", response={200: TopicOut, **ERRORS}, summary="One topic")
def topic_get(request: HttpRequest, key: str):
    return topics.topic_get(key=key)


@router.get("/circles", response={200: list[CircleOut], **ERRORS}, summary="Circles")
def circle_list(request: HttpRequest):
    joined = set(circles.joined_circle_ids(user_id=request.user.pk)) if request.user.is_authenticated else set()
    return [_circle(c, "member" if c.pk in joined else None) for c in circles.circle_list()]


@router.get("/circles/{key}", response={200: CircleOut, **ERRORS}, summary="One circle")
def circle_get(request: HttpRequest, key: str):
    circle = circles.circle_get(key=key)
    role = circles.circle_role(circle_id=circle.pk, user_id=request.user.pk if request.user.is_authenticated else None)
    return _circle(circle, role)


@router.post("/circles/{key}/join", auth=user_auth, response={200: CircleOut, **ERRORS}, summary="Join a circle")
def circle_join(request: HttpRequest, key: str):
    circle = circle_services.circle_join(user=request.user, circle_id=circles.circle_get(key=key).pk)
    return _circle(circle, circles.circle_role(circle_id=circle.pk, user_id=request.user.pk))


@router.post("/circles/{key}/leave", auth=user_auth, response={200: CircleOut, **ERRORS}, summary="Leave a circle")
def circle_leave(request: HttpRequest, key: str):
    circle = circle_services.circle_leave(user=request.user, circle_id=circles.circle_get(key=key).pk)
    return _circle(circle, None)
