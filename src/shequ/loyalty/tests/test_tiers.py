"""Tiers from rolling 12-month spend and activity: up at once (with a notice), down only at the end of the
month after a notice, cancelled if the person qualifies again; the benefits exposed through ``user_tier``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from shequ.loyalty import selectors, services
from shequ.loyalty.models import PurchaseAward, Tier, UserTier
from shequ.loyalty.tests.conftest import shanghai
from shequ.loyalty.tiers import tier_recompute, tiers_recompute_all
from shequ.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _spend(user, amount: str, at, order_id: int = 1):
    return PurchaseAward.objects.create(
        user=user, order_id=order_id, total=Decimal(amount), points=0, paid_at=at, order_number=f"N{order_id}"
    )


def test_everyone_starts_at_the_lowest_tier(user, rules):
    info = selectors.user_tier(user_id=user.pk)

    assert (info.code, info.multiplier, info.free_shipping, info.dedicated_service, info.trial_priority) == (
        "member",
        Decimal("1.00"),
        False,
        False,
        1,
    )


def test_spend_upgrades_at_once_and_says_so(user, rules):
    now = shanghai(2025, 6, 10, 12)
    _spend(user, "2100.00", now - timedelta(days=3))

    tier_recompute(user_id=user.pk, now=now)
    tier_recompute(user_id=user.pk, now=now)  # nothing new the second time

    info = selectors.user_tier(user_id=user.pk)
    assert (info.code, info.free_shipping, info.trial_priority) == ("gold", True, 3)
    assert Notification.objects.filter(user=user, kind="tier_upgraded").count() == 0  # first computation: no fanfare


def test_an_upgrade_from_a_lower_tier_notifies(user, rules):
    now = shanghai(2025, 6, 10, 12)
    tier_recompute(user_id=user.pk, now=now)
    _spend(user, "600.00", now - timedelta(days=1))

    tier_recompute(user_id=user.pk, now=now)

    assert selectors.user_tier(user_id=user.pk).code == "silver"
    assert Notification.objects.filter(user=user, kind="tier_upgraded").count() == 1


def test_activity_alone_can_reach_a_tier(user, rules):
    now = shanghai(2025, 6, 10, 12)
    for i in range(60):
        services.points_award(user_id=user.pk, points=1, kind="checkin", reference=f"d{i}", now=now - timedelta(days=i))

    tier_recompute(user_id=user.pk, now=now)

    assert selectors.user_tier(user_id=user.pk).code == "silver"


def test_a_downgrade_is_announced_then_applied_at_the_month_end(user, rules):
    paid = shanghai(2024, 6, 1)
    _spend(user, "600.00", paid)
    tier_recompute(user_id=user.pk, now=paid)
    assert selectors.user_tier(user_id=user.pk).code == "silver"

    later = shanghai(2025, 6, 10)  # the spend has left the 12-month window
    tiers_recompute_all(now=later)
    row = UserTier.objects.get(user=user)
    assert (row.tier.code, row.downgrade_to.code, row.downgrade_at) == ("silver", "member", shanghai(2025, 7, 1))
    assert Notification.objects.filter(user=user, kind="tier_downgrade_notice").count() == 1
    tiers_recompute_all(now=later + timedelta(days=2))
    assert Notification.objects.filter(user=user, kind="tier_downgrade_notice").count() == 1

    tiers_recompute_all(now=shanghai(2025, 7, 1, 0, 30))

    assert selectors.user_tier(user_id=user.pk).code == "member"
    assert UserTier.objects.get(user=user).downgrade_to is None


def test_qualifying_again_cancels_the_downgrade(user, rules):
    _spend(user, "600.00", shanghai(2024, 6, 1), order_id=1)
    tier_recompute(user_id=user.pk, now=shanghai(2024, 6, 1))
    tiers_recompute_all(now=shanghai(2025, 6, 10))

    _spend(user, "700.00", shanghai(2025, 6, 20), order_id=2)
    tiers_recompute_all(now=shanghai(2025, 7, 1, 0, 30))

    row = UserTier.objects.get(user=user)
    assert (row.tier.code, row.downgrade_to, row.downgrade_at) == ("silver", None, None)


def test_refunded_spend_does_not_count(user, rules):
    now = shanghai(2025, 6, 10)
    award = _spend(user, "600.00", now - timedelta(days=1))
    award.refunded_total = Decimal("200.00")
    award.save()

    tier_recompute(user_id=user.pk, now=now)

    assert selectors.user_tier(user_id=user.pk).code == "member"


def test_tier_thresholds_are_data(user, rules):
    Tier.objects.filter(code="silver").update(min_spend=Decimal("50"))
    _spend(user, "60.00", shanghai(2025, 6, 1))

    tier_recompute(user_id=user.pk, now=shanghai(2025, 6, 2))

    assert selectors.user_tier(user_id=user.pk).code == "silver"
