"""Polls: operators (or a post's author) create them; people vote once (the ballot's unique constraint holds
under races, and a second vote is a clear 409); results are counted on the options as votes come in."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.analytics.services import track
from shequ.core.domain_events import publish
from shequ.core.errors import Conflict, InvalidInput, NotFound
from shequ.polls.models import Poll, PollBallot, PollOption, ResultsVisibility
from shequ.reviews.text import plain_text

MAX_OPTIONS = 10


def poll_create(
    *,
    author,
    question: str,
    options: Sequence[str | tuple[str, int | None]],
    description: str = "",
    multiple: bool = False,
    max_choices: int = 1,
    closes_at: datetime | None = None,
    results_visibility: str = ResultsVisibility.AFTER_VOTE,
    is_official: bool = False,
    product_ids: Iterable[int] = (),
    post_id: int | None = None,
) -> Poll:
    """Create a poll with 2–10 options (text, or (text, product id) for product-decision polls)."""
    question = plain_text(question, field="question", max_length=200, required=True)
    description = plain_text(description, field="description", max_length=500)
    cleaned: list[tuple[str, int | None]] = []
    for option in options:
        text, product_id = (option, None) if isinstance(option, str) else option
        text = plain_text(text, field="options", max_length=100)
        if text:
            cleaned.append((text, product_id))
    if not 2 <= len(cleaned) <= MAX_OPTIONS or len({text for text, _p in cleaned}) != len(cleaned):
        raise InvalidInput(
            "poll_options_invalid",
            _("A poll needs 2 to %(max)d different options.") % {"max": MAX_OPTIONS},
            details={"field": "options"},
        )
    if results_visibility not in ResultsVisibility.values:
        raise InvalidInput(
            "results_visibility_invalid", _("Unknown results setting."), details={"field": "results_visibility"}
        )
    if closes_at is not None and closes_at <= timezone.now():
        raise InvalidInput("closes_at_past", _("The deadline must be in the future."), details={"field": "closes_at"})
    max_choices = max(1, min(int(max_choices or 1), len(cleaned))) if multiple else 1
    linked = {int(pid) for pid in product_ids} | {int(pid) for _t, pid in cleaned if pid}
    if linked:
        from shequ.catalog.selectors import product_cards

        known = set(product_cards().filter(pk__in=linked).values_list("pk", flat=True))
        if known != linked:
            raise InvalidInput(
                "poll_products_invalid",
                _("Link only products that are on sale."),
                details={"field": "product_ids", "unknown": sorted(linked - known)},
            )
    with transaction.atomic():
        poll = Poll.objects.create(
            author=author,
            question=question,
            description=description,
            multiple=bool(multiple),
            max_choices=max_choices,
            closes_at=closes_at,
            results_visibility=results_visibility,
            is_official=bool(is_official),
            post_id=post_id,
        )
        PollOption.objects.bulk_create(
            [
                PollOption(poll=poll, text=text, product_id=product_id, position=index)
                for index, (text, product_id) in enumerate(cleaned)
            ]
        )
        if linked:
            poll.products.set(sorted(linked))
        track(author, "poll_created", {"poll_id": poll.pk, "options": len(cleaned), "official": poll.is_official})
    return poll


def poll_vote(*, user, poll_id: int, option_ids: Sequence[int]) -> PollBallot:
    """Vote once in an open poll: one option, or up to ``max_choices`` in a multiple-choice poll."""
    poll = Poll.objects.filter(pk=poll_id).first() if isinstance(poll_id, int) and 0 < poll_id < 2**63 else None
    if poll is None:
        raise NotFound("poll_not_found", _("This poll does not exist."))
    if poll.is_closed():
        raise Conflict("poll_closed", _("This poll has closed."))
    chosen = sorted({int(i) for i in option_ids if isinstance(i, int) or str(i).isdigit()})
    limit = poll.max_choices if poll.multiple else 1
    if not chosen or len(chosen) > limit:
        raise InvalidInput(
            "poll_choice_invalid",
            _("Choose one option.") if limit == 1 else _("Choose from 1 to %(max)d options.") % {"max": limit},
            details={"field": "options", "max": limit},
        )
    valid = set(PollOption.objects.filter(poll=poll, pk__in=chosen).values_list("pk", flat=True))
    if valid != set(chosen):
        raise InvalidInput("poll_choice_invalid", _("That option is not in this poll."), details={"field": "options"})
    with transaction.atomic():
        try:
            with transaction.atomic():
                ballot = PollBallot.objects.create(poll=poll, user=user)
        except IntegrityError as exc:
            raise Conflict("already_voted", _("You have already voted in this poll.")) from exc
        ballot.options.set(chosen)
        PollOption.objects.filter(pk__in=chosen).update(vote_count=F("vote_count") + 1)
        Poll.objects.filter(pk=poll.pk).update(ballot_count=F("ballot_count") + 1)
        publish("poll.voted", poll_id=poll.pk, user_id=user.pk)
        track(user, "poll_voted", {"poll_id": poll.pk, "options": chosen, "official": poll.is_official})
    return ballot


def poll_close(*, poll: Poll, actor) -> Poll:
    """Close a poll now (its results become visible to everybody)."""
    with transaction.atomic():
        Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now(), updated_at=timezone.now())
        poll.refresh_from_db()
        track(actor, "poll_closed", {"poll_id": poll.pk})
    return poll
