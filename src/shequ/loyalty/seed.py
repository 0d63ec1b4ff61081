"""Demo loyalty data: the default earning rules, streak bonuses and tiers; a few weeks of daily check-ins
(with streaks and points) for some demo consumers, an operator adjustment, and everyone's tier computed.
Purchase points come by themselves from the demo orders (the order events reach loyalty's handlers)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from shequ.accounts.selectors import consumer_ids
from shequ.core.errors import DomainError
from shequ.core.seeding import SeedContext
from shequ.loyalty import services, tiers
from shequ.loyalty.rules import ONBOARDING, rules_ensure


class _User:
    """Enough of a user for checkin_do (it only reads the id): no need to load the rows."""

    def __init__(self, pk: int) -> None:
        self.pk = pk


def seed_loyalty(ctx: SeedContext) -> dict:
    rng = ctx.rng
    rules_ensure()
    people = consumer_ids()[: ctx.count(40)]
    now = timezone.now()
    checkins = 0
    for user_id in people:
        services.points_award(user_id=user_id, points=50, kind=ONBOARDING, reference="welcome")
        days = rng.randint(3, 21)
        for back in range(days, 0, -1):
            if rng.random() < 0.8:
                try:
                    services.checkin_do(user=_User(user_id), now=now - timedelta(days=back, hours=rng.randint(0, 8)))
                    checkins += 1
                except DomainError:
                    pass
    counted = tiers.tiers_recompute_all(now=now)
    return {"people": len(people), "checkins": checkins, "tiers": counted}
