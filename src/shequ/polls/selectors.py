"""Reads for the poll pages and API: a poll with its options and what this viewer may see (results only after
voting or after the poll closed, as the poll says)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.core.errors import NotFound
from shequ.polls.models import Poll, PollBallot, PollOption, ResultsVisibility


@dataclass
class OptionView:
    id: int
    text: str
    product_id: int | None
    votes: int | None  # None while results are hidden
    percent: int | None
    chosen: bool


@dataclass
class PollView:
    poll: Poll
    options: list[OptionView]
    closed: bool
    voted: bool
    show_results: bool
    can_vote: bool


def poll_list(*, official_only: bool = False) -> QuerySet[Poll]:
    """Active polls, newest first, with their options."""
    rows = Poll.objects.filter(is_active=True)
    if official_only:
        rows = rows.filter(is_official=True)
    return rows.prefetch_related(Prefetch("options", queryset=PollOption.objects.order_by("position", "id"))).order_by(
        "-created_at", "-id"
    )


def poll_get(*, poll_id: int) -> Poll:
    poll = (
        Poll.objects.filter(pk=poll_id, is_active=True)
        .prefetch_related(Prefetch("options", queryset=PollOption.objects.order_by("position", "id")))
        .first()
        if 0 < poll_id < 2**63
        else None
    )
    if poll is None:
        raise NotFound("poll_not_found", _("This poll does not exist."))
    return poll


def my_choices(*, user, poll_ids: list[int]) -> dict[int, set[int]]:
    """poll id → the option ids this person chose (one query; empty for visitors)."""
    if user is None or not user.is_authenticated or not poll_ids:
        return {}
    through = PollBallot.options.through
    found: dict[int, set[int]] = {
        pid: set()
        for pid in PollBallot.objects.filter(user=user, poll_id__in=poll_ids).values_list("poll_id", flat=True)
    }
    for poll_id, option_id in through.objects.filter(
        pollballot__user=user, pollballot__poll_id__in=poll_ids
    ).values_list("pollballot__poll_id", "polloption_id"):
        found.setdefault(poll_id, set()).add(option_id)
    return found


def poll_view(poll: Poll, *, chosen: set[int] | None, now=None) -> PollView:
    """What a viewer sees of a poll; ``chosen`` is their ballot's options (None when they have not voted)."""
    closed = poll.is_closed(now or timezone.now())
    voted = chosen is not None
    show = closed or (voted and poll.results_visibility == ResultsVisibility.AFTER_VOTE)
    total = sum(option.vote_count for option in poll.options.all())
    options = [
        OptionView(
            id=option.pk,
            text=option.text,
            product_id=option.product_id,
            votes=option.vote_count if show else None,
            percent=(round(100 * option.vote_count / total) if total else 0) if show else None,
            chosen=bool(chosen and option.pk in chosen),
        )
        for option in poll.options.all()
    ]
    return PollView(
        poll=poll, options=options, closed=closed, voted=voted, show_results=show, can_vote=not closed and not voted
    )


def poll_views(polls: list[Poll], *, user) -> list[PollView]:
    choices = my_choices(user=user, poll_ids=[p.pk for p in polls])
    now = timezone.now()
    return [poll_view(poll, chosen=choices.get(poll.pk), now=now) for poll in polls]
