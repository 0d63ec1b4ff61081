"""API v1 of the polls module: ROUTERS lists (mount prefix, router) pairs that config.api mounts."""

from __future__ import annotations

from dataclasses import asdict

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Status
from ninja.pagination import paginate

from shequ.accounts.api_auth import optional_user_auth, user_auth
from shequ.core.errors import Forbidden
from shequ.core.pagination import PageNumberPagination
from shequ.polls import selectors, services
from shequ.polls.schemas import ErrorOut, PollCreateIn, PollOut, VoteIn

router = Router(tags=["polls"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _out(view: selectors.PollView) -> dict:
    poll = view.poll
    return {
        "id": poll.pk,
        "question": poll.question,
        "description": poll.description,
        "is_official": poll.is_official,
        "multiple": poll.multiple,
        "max_choices": poll.max_choices,
        "closes_at": poll.closes_at,
        "results_visibility": poll.results_visibility,
        "ballot_count": poll.ballot_count,
        "closed": view.closed,
        "voted": view.voted,
        "show_results": view.show_results,
        "can_vote": view.can_vote,
        "options": [asdict(option) for option in view.options],
        "product_ids": sorted(p.pk for p in poll.products.all()),
        "post_id": poll.post_id,
    }


def _one(request: HttpRequest, poll_id: int) -> dict:
    poll = selectors.poll_get(poll_id=poll_id)
    return _out(selectors.poll_views([poll], user=request.user)[0])


@router.get("", response={200: list[PollOut], **ERRORS}, auth=optional_user_auth, summary="Polls")
@paginate(PageNumberPagination)
def poll_list(request: HttpRequest, official: bool = False):
    polls = list(selectors.poll_list(official_only=official).prefetch_related("products")[:200])
    return [_out(view) for view in selectors.poll_views(polls, user=request.user)]


@router.get("/{poll_id}", response={200: PollOut, **ERRORS}, auth=optional_user_auth, summary="One poll")
def poll_detail(request: HttpRequest, poll_id: int):
    """Results (votes, percent) are null until you voted (or until the poll closes, if it says so)."""
    return _one(request, poll_id)


@router.post("/{poll_id}/vote", response={200: PollOut, **ERRORS}, auth=user_auth, summary="Vote")
def poll_vote(request: HttpRequest, poll_id: int, payload: VoteIn):
    """One ballot per person: voting again is 409 ``already_voted``; a closed poll is 409 ``poll_closed``."""
    services.poll_vote(user=request.user, poll_id=poll_id, option_ids=payload.option_ids)
    return _one(request, poll_id)


@router.post("", response={201: PollOut, **ERRORS}, auth=user_auth, summary="Create a poll (operators)")
def poll_create(request: HttpRequest, payload: PollCreateIn):
    if not request.user.is_staff:
        raise Forbidden("operators_only", _("Only operators can create polls here."))
    poll = services.poll_create(
        author=request.user,
        question=payload.question,
        description=payload.description,
        options=[(option.text, option.product_id) for option in payload.options],
        multiple=payload.multiple,
        max_choices=payload.max_choices,
        closes_at=payload.closes_at,
        results_visibility=payload.results_visibility,
        is_official=payload.is_official,
        product_ids=payload.product_ids,
    )
    return Status(201, _one(request, poll.pk))


ROUTERS = [("/polls", router)]
