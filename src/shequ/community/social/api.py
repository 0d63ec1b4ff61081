"""Social graph API (/api/v1/social): profiles, follow lists, follow / unfollow people and topics, blocks."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from ninja.pagination import paginate

from shequ.accounts.api_auth import optional_user_auth, user_auth
from shequ.accounts.schemas import ErrorOut
from shequ.community.social import selectors, services
from shequ.core.errors import Forbidden
from shequ.core.pagination import PageNumberPagination

router = Router(tags=["community"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}


class BadgeOut(Schema):
    kind: str
    label: str


class PersonOut(Schema):
    id: int
    nickname: str
    avatar_url: str

    @staticmethod
    def resolve_avatar_url(obj) -> str:
        return obj.avatar.url if obj.avatar else ""


class ProfileOut(Schema):
    id: int
    nickname: str
    avatar_url: str
    bio: str
    badges: list[BadgeOut]
    follower_count: int
    following_count: int
    post_count: int
    is_self: bool
    is_following: bool
    follows_you: bool
    blocked_by_you: bool
    can_see_posts: bool
    can_see_follows: bool
    can_message: bool


class FollowOut(Schema):
    following: bool
    changed: bool


class BlockOut(Schema):
    blocked: bool
    changed: bool


def _profile_out(profile: selectors.Profile) -> dict:
    user = profile.user
    return {
        "id": user.pk,
        "nickname": user.nickname,
        "avatar_url": user.avatar.url if user.avatar else "",
        "bio": user.bio,
        "badges": [{"kind": b.kind, "label": b.label} for b in profile.badges],
        "follower_count": profile.follower_count,
        "following_count": profile.following_count,
        "post_count": profile.post_count,
        "is_self": profile.is_self,
        "is_following": profile.is_following,
        "follows_you": profile.follows_viewer,
        "blocked_by_you": profile.viewer_blocked,
        "can_see_posts": profile.can_see_posts,
        "can_see_follows": profile.can_see_follows,
        "can_message": profile.can_message,
    }


@router.get("/users/{user_id}", response={200: ProfileOut, **ERRORS}, auth=optional_user_auth)
def profile_detail(request: HttpRequest, user_id: int):
    """Someone's profile as you may see it (404 if they do not exist or blocked you)."""
    return _profile_out(selectors.profile_get(user_id=user_id, viewer=request.user))


def _visible_follows(request: HttpRequest, user_id: int) -> selectors.Profile:
    profile = selectors.profile_get(user_id=user_id, viewer=request.user)
    if not profile.can_see_follows:
        raise Forbidden("follows_private", _("This person keeps their follows private."))
    return profile


@router.get("/users/{user_id}/followers", response={200: list[PersonOut], **ERRORS}, auth=optional_user_auth)
@paginate(PageNumberPagination)
def followers(request: HttpRequest, user_id: int):
    """People following this person, most recent first (403 when their privacy settings hide it)."""
    return selectors.follower_list(user_id=_visible_follows(request, user_id).user.pk)


@router.get("/users/{user_id}/following", response={200: list[PersonOut], **ERRORS}, auth=optional_user_auth)
@paginate(PageNumberPagination)
def following(request: HttpRequest, user_id: int):
    """People this person follows, most recent first."""
    return selectors.following_list(user_id=_visible_follows(request, user_id).user.pk)


@router.post("/users/{user_id}/follow", response={200: FollowOut, **ERRORS}, auth=user_auth)
def follow(request: HttpRequest, user_id: int):
    """Follow someone (idempotent). 400 for yourself, 403 when a block stands between you, 429 when too fast."""
    changed = services.user_follow(follower=request.user, followee_id=user_id)
    return {"following": True, "changed": changed}


@router.delete("/users/{user_id}/follow", response={200: FollowOut, **ERRORS}, auth=user_auth)
def unfollow(request: HttpRequest, user_id: int):
    changed = services.user_unfollow(follower=request.user, followee_id=user_id)
    return {"following": False, "changed": changed}


@router.post("/users/{user_id}/block", response={200: BlockOut, **ERRORS}, auth=user_auth)
def block(request: HttpRequest, user_id: int):
    """Block someone: follows between you are removed both ways; they can no longer follow or message you."""
    changed = services.user_block(user=request.user, blocked_id=user_id)
    return {"blocked": True, "changed": changed}


@router.delete("/users/{user_id}/block", response={200: BlockOut, **ERRORS}, auth=user_auth)
def unblock(request: HttpRequest, user_id: int):
    changed = services.user_unblock(user=request.user, blocked_id=user_id)
    return {"blocked": False, "changed": changed}


@router.get("/me/blocked", response={200: list[PersonOut], **ERRORS}, auth=user_auth)
@paginate(PageNumberPagination)
def my_blocked(request: HttpRequest):
    return selectors.blocked_list(user_id=request.user.pk)


@router.post("/topics/{topic_id}/follow", response={200: FollowOut, **ERRORS}, auth=user_auth)
def topic_follow(request: HttpRequest, topic_id: int):
    changed = services.topic_follow(user=request.user, topic_id=topic_id)
    return {"following": True, "changed": changed}


@router.delete("/topics/{topic_id}/follow", response={200: FollowOut, **ERRORS}, auth=user_auth)
def topic_unfollow(request: HttpRequest, topic_id: int):
    changed = services.topic_unfollow(user=request.user, topic_id=topic_id)
    return {"following": False, "changed": changed}
