"""Social pages: someone's profile (with a follow button that works in place through HTMX), their followers
and the people they follow, and the follow / block actions (with full-page fallbacks)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shequ.analytics.services import track
from shequ.community.selectors.cards import cards_for_posts
from shequ.community.social import selectors, services
from shequ.core.errors import DomainError, Forbidden
from shequ.core.web import safe_next

POSTS_PER_PAGE = 10
USERS_PER_PAGE = 20


def _post_card_template() -> str:
    """The content module's post card when it exists (so posts look the same everywhere), else ours."""
    return select_template(["community/_post_card.html", "community/social/_post_simple.html"]).template.name


def profile_view(request: HttpRequest, user_id: int) -> HttpResponse:
    profile = selectors.profile_get(user_id=user_id, viewer=request.user)
    page = Paginator(selectors.profile_posts(profile=profile, viewer=request.user), POSTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    viewer_id = request.user.pk if request.user.is_authenticated else None
    cards = cards_for_posts(posts=list(page.object_list), viewer_id=viewer_id)
    context = {"profile": profile, "page": page, "cards": cards, "post_card_template": _post_card_template()}
    if request.htmx and request.GET.get("page"):
        return render(request, "community/social/_profile_posts.html", context)
    track(request.user if request.user.is_authenticated else None, "profile_viewed", {"user_id": profile.user.pk})
    return render(request, "community/social/profile.html", context)


def _follow_list(request: HttpRequest, user_id: int, which: str) -> HttpResponse:
    profile = selectors.profile_get(user_id=user_id, viewer=request.user)
    if not profile.can_see_follows:
        raise Forbidden("follows_private", _("This person keeps their follows private."))
    rows = (
        selectors.follower_list(user_id=profile.user.pk)
        if which == "followers"
        else selectors.following_list(user_id=profile.user.pk)
    )
    page = Paginator(rows, USERS_PER_PAGE).get_page(request.GET.get("page"))
    people = list(page.object_list)
    viewer_id = request.user.pk if request.user.is_authenticated else None
    followed = selectors.following_among(viewer_id=viewer_id, user_ids=[p.pk for p in people])
    context = {
        "profile": profile,
        "page": page,
        "which": which,
        "people": [(p, p.pk in followed) for p in people],
        "viewer_id": viewer_id,
    }
    if request.htmx and request.GET.get("page"):
        return render(request, "community/social/_people.html", context)
    return render(request, "community/social/follow_list.html", context)


def followers_view(request: HttpRequest, user_id: int) -> HttpResponse:
    return _follow_list(request, user_id, "followers")


def following_view(request: HttpRequest, user_id: int) -> HttpResponse:
    return _follow_list(request, user_id, "following")


def _button(request: HttpRequest, user_id: int, *, following: bool, error: str = "", status: int = 200):
    return render(
        request,
        "community/social/_follow_button.html",
        {"target_id": user_id, "following": following, "error": error, "small": request.POST.get("small") == "1"},
        status=status,
    )


@login_required
@require_POST
def follow_view(request: HttpRequest, user_id: int) -> HttpResponse:
    try:
        services.user_follow(follower=request.user, followee_id=user_id)
    except DomainError as exc:
        if request.htmx:
            return _button(request, user_id, following=False, error=str(exc.message), status=exc.status)
        messages.error(request, exc.message)
    else:
        if request.htmx:
            return _button(request, user_id, following=True)
        messages.success(request, _("Followed."))
    return redirect(safe_next(request, reverse("community:profile", args=[user_id])))


@login_required
@require_POST
def unfollow_view(request: HttpRequest, user_id: int) -> HttpResponse:
    try:
        services.user_unfollow(follower=request.user, followee_id=user_id)
    except DomainError as exc:
        if request.htmx:
            return _button(request, user_id, following=True, error=str(exc.message), status=exc.status)
        messages.error(request, exc.message)
    else:
        if request.htmx:
            return _button(request, user_id, following=False)
    return redirect(safe_next(request, reverse("community:profile", args=[user_id])))


@login_required
@require_POST
def block_view(request: HttpRequest, user_id: int) -> HttpResponse:
    try:
        services.user_block(user=request.user, blocked_id=user_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Blocked. They can no longer follow you, message you or see your profile."))
    return redirect(safe_next(request, reverse("community:profile", args=[user_id])))


@login_required
@require_POST
def unblock_view(request: HttpRequest, user_id: int) -> HttpResponse:
    try:
        services.user_unblock(user=request.user, blocked_id=user_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Unblocked."))
    return redirect(safe_next(request, reverse("community:profile", args=[user_id])))


@login_required
def blocked_list_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.blocked_list(user_id=request.user.pk), USERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "community/social/blocked.html", {"page": page})


@login_required
@require_POST
def topic_follow_view(request: HttpRequest, topic_id: int) -> HttpResponse:
    following = request.POST.get("action") != "unfollow"
    error = ""
    status = 200
    try:
        if following:
            services.topic_follow(user=request.user, topic_id=topic_id)
        else:
            services.topic_unfollow(user=request.user, topic_id=topic_id)
    except DomainError as exc:
        error, status, following = str(exc.message), exc.status, not following
    if request.htmx:
        return render(
            request,
            "community/social/_topic_follow_button.html",
            {"topic_id": topic_id, "following": following, "error": error},
            status=status,
        )
    if error:
        messages.error(request, error)
    return redirect(safe_next(request, "/community/"))
