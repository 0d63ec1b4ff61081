"""New-product trials: apply once with a reason; operators pick winners by hand or by a weighted draw;
winners get a zero-price trial order and owe a review by the deadline (reminded, then flagged).

The draw is deterministic: weight = 1 + the tier's trial priority + the person's content credit (published
posts and reviews, at most 10); keys u^(1/weight) from a Random seeded with the trial's id and seed, in
application order (Efraimidis–Spirakis weighted sampling without replacement). The same inputs give the same
winners, so a draw can be checked afterwards.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.accounts.access import address_get_for_user
from shequ.analytics.services import track
from shequ.campaigns import points
from shequ.campaigns.models import ApplicationStatus, ContentCredit, Trial, TrialApplication, TrialStatus
from shequ.core.errors import Conflict, DomainError, InvalidInput
from shequ.orders.models import OrderKind
from shequ.orders.services import order_place_gift

MAX_CONTENT_WEIGHT = 10
REMIND_DAYS = 3


def _notify(user_id: int, kind: str, title, body, link: str, data: dict) -> None:
    from shequ.notifications.services import notify

    notify(user=user_id, kind=kind, title=str(title), body=str(body), link=link, data=data)


def trial_apply(*, user, trial: Trial, reason: str, address_id) -> TrialApplication:
    """Apply for a trial with a reason and a delivery address; once per person (again is 409)."""
    now = timezone.now()
    if trial.status != TrialStatus.OPEN or not trial.apply_starts_at <= now < trial.apply_ends_at:
        raise Conflict("trial_closed", _("This trial is not taking applications."))
    reason = " ".join((reason or "").split())
    if not 5 <= len(reason) <= 500 or "<" in reason:
        raise InvalidInput("trial_reason_invalid", _("Tell us why in 5–500 characters."), details={"field": "reason"})
    if not address_id:
        raise InvalidInput("address_required", _("Add a delivery address."), details={"field": "address_id"})
    address = address_get_for_user(user=user, address_id=address_id)
    if TrialApplication.objects.filter(trial=trial, user=user).exists():
        raise Conflict("trial_already_applied", _("You have already applied for this trial."))
    try:
        with transaction.atomic():
            application = TrialApplication.objects.create(trial=trial, user=user, reason=reason, address_id=address.pk)
    except IntegrityError as exc:  # a double submit raced us
        raise Conflict("trial_already_applied", _("You have already applied for this trial.")) from exc
    track(user, "trial_applied", {"trial_id": trial.pk, "campaign_id": trial.campaign_id})
    return application


def _award(application: TrialApplication, trial: Trial) -> None:
    """Make the application a winner: its free trial order (caller's transaction)."""
    placed = order_place_gift(
        user=application.user,
        sku_id=trial.sku_id,
        address_id=application.address_id,
        kind=OrderKind.TRIAL,
        reference=f"trial{trial.pk}-{application.pk}",
    )
    application.status = ApplicationStatus.WON
    application.order_id = placed.order.pk
    application.save(update_fields=["status", "order_id", "weight"])
    _notify(
        application.user_id,
        "trial_won",
        _("You were selected for the trial: %(title)s") % {"title": trial.title},
        _("Your free item is on its way. Please post a review by %(date)s.")
        % {"date": timezone.localtime(trial.review_deadline).strftime("%Y-%m-%d")},
        f"/campaigns/trials/{trial.pk}/",
        {"trial_id": trial.pk, "order_id": placed.order.pk},
    )
    track(application.user_id, "trial_won", {"trial_id": trial.pk, "order_id": placed.order.pk})


def _finish(trial: Trial) -> None:
    """Winners are chosen: everyone else is told, and the trial moves on."""
    losers = TrialApplication.objects.filter(trial=trial, status=ApplicationStatus.APPLIED)
    for user_id in losers.values_list("user_id", flat=True):
        _notify(
            user_id,
            "trial_lost",
            _("Trial results: %(title)s") % {"title": trial.title},
            _("You were not selected this time. Thank you for applying."),
            f"/campaigns/trials/{trial.pk}/",
            {"trial_id": trial.pk},
        )
    losers.update(status=ApplicationStatus.LOST)
    Trial.objects.filter(pk=trial.pk).update(status=TrialStatus.DRAWN)


def _lock_trial(trial: Trial) -> Trial:
    locked = Trial.objects.select_for_update().get(pk=trial.pk)
    if locked.status != TrialStatus.OPEN:
        raise Conflict("trial_already_drawn", _("Winners have already been chosen for this trial."))
    return locked


def _units_left(trial: Trial) -> int:
    won = TrialApplication.objects.filter(trial=trial, status=ApplicationStatus.WON).count()
    return max(0, trial.units - won)


def trial_pick_winners(*, operator, trial: Trial, application_ids: list[int]) -> list[TrialApplication]:
    """Manual selection: these applications win (at most the units left); when the units are all given, the
    rest are told they were not selected."""
    from shequ.audit.services import audit_record

    with transaction.atomic():
        locked = _lock_trial(trial)
        chosen = list(
            TrialApplication.objects.filter(
                trial=locked, pk__in=application_ids, status=ApplicationStatus.APPLIED
            ).select_related("user")
        )
        left = _units_left(locked)
        if len(chosen) > left:
            raise InvalidInput(
                "trial_too_many_winners",
                _("Only %(left)d units are left.") % {"left": left},
                details={"units_left": left},
            )
        for application in chosen:
            _award(application, locked)
        audit_record(
            actor=operator,
            action="update",
            target=locked,
            changes={"winners": [a.pk for a in chosen]},
            reason="trial manual selection",
        )
        if _units_left(locked) == 0:
            _finish(locked)
    return chosen


def draw_weights(applications: list[TrialApplication]) -> dict[int, int]:
    """Each applicant's weight: 1 + tier trial priority + content credit (capped)."""
    user_ids = [a.user_id for a in applications]
    credits = dict(
        ContentCredit.objects.filter(user_id__in=user_ids)
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    return {
        a.pk: 1 + max(0, points.trial_priority(user_id=a.user_id)) + min(credits.get(a.user_id, 0), MAX_CONTENT_WEIGHT)
        for a in applications
    }


def draw_order(*, trial: Trial, applications: list[TrialApplication], weights: dict[int, int]) -> list[int]:
    """Application ids in draw order (first = first winner), deterministic for the trial's id and seed."""
    rng = random.Random(f"trial:{trial.pk}:{trial.seed}")  # noqa: S311 - a fair, repeatable draw, not a secret
    keyed = [(rng.random() ** (1.0 / weights[a.pk]), a.pk) for a in sorted(applications, key=lambda a: a.pk)]
    return [pk for _key, pk in sorted(keyed, reverse=True)]


def trial_draw(*, operator, trial: Trial) -> list[TrialApplication]:
    """Weighted draw for the units left; an applicant whose order cannot be placed (address gone, stock) is
    skipped for the next. The rest are told they were not selected."""
    from shequ.audit.services import audit_record

    with transaction.atomic():
        locked = _lock_trial(trial)
        applications = list(
            TrialApplication.objects.filter(trial=locked, status=ApplicationStatus.APPLIED).select_related("user")
        )
        weights = draw_weights(applications)
        by_id = {a.pk: a for a in applications}
        left = _units_left(locked)
        winners: list[TrialApplication] = []
        for pk in draw_order(trial=locked, applications=applications, weights=weights):
            if len(winners) >= left:
                break
            application = by_id[pk]
            application.weight = weights[pk]
            try:
                with transaction.atomic():
                    _award(application, locked)
            except DomainError:
                continue
            winners.append(application)
        audit_record(
            actor=operator,
            action="update",
            target=locked,
            changes={"winners": [a.pk for a in winners], "weights": {str(k): v for k, v in weights.items()}},
            reason="trial weighted draw",
        )
        _finish(locked)
    return winners


def trial_close(*, trial: Trial) -> None:
    Trial.objects.filter(pk=trial.pk).update(status=TrialStatus.CLOSED)


def trial_review_received(*, user_id: int, product_id: int, review_id: int) -> int:
    """A winner reviewed the trial product: their obligation is met (idempotent)."""
    return TrialApplication.objects.filter(
        user_id=user_id, status=ApplicationStatus.WON, reviewed_at__isnull=True, trial__sku__product_id=product_id
    ).update(reviewed_at=timezone.now(), review_id=review_id)


def trials_remind_reviews(*, now=None) -> tuple[int, int]:
    """Remind winners whose review is due within 3 days (once), and flag those past the deadline without one.
    Returns (reminded, flagged)."""
    now = now or timezone.now()
    owing = TrialApplication.objects.filter(status=ApplicationStatus.WON, reviewed_at__isnull=True)
    reminded = 0
    due_soon = owing.filter(
        reminded_at__isnull=True,
        trial__review_deadline__gt=now,
        trial__review_deadline__lte=now + timedelta(days=REMIND_DAYS),
    ).select_related("trial")
    for application in due_soon:
        with transaction.atomic():
            if not TrialApplication.objects.filter(pk=application.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue
            _notify(
                application.user_id,
                "trial_review_due",
                _("Your trial review is due soon"),
                _("Please review %(title)s by %(date)s.")
                % {
                    "title": application.trial.title,
                    "date": timezone.localtime(application.trial.review_deadline).strftime("%Y-%m-%d"),
                },
                f"/campaigns/trials/{application.trial_id}/",
                {"trial_id": application.trial_id},
            )
            reminded += 1
    flagged = owing.filter(flagged_at__isnull=True, trial__review_deadline__lte=now).update(flagged_at=now)
    return reminded, flagged
