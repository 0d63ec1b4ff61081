"""The points ledger: idempotent earning, caps and multipliers, FIFO spending, expiry by rule, operator
adjustments (audited), clawbacks that never go negative, and rebuilding balances from the ledger."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from shequ.audit.models import AuditEntry
from shequ.core.errors import Conflict, InvalidInput
from shequ.loyalty import selectors, services
from shequ.loyalty.models import EarningRule, LedgerEntry, PointsAccount, PointsLot, Tier, UserTier
from shequ.loyalty.tests.conftest import shanghai

pytestmark = pytest.mark.django_db


def test_an_award_is_paid_once_per_reference(user, points_state):
    first = services.points_award(user_id=user.pk, points=50, kind="onboarding", reference="profile")
    again = services.points_award(user_id=user.pk, points=50, kind="onboarding", reference="profile")

    assert first.points == 50 and first.balance_after == 50
    assert again is None
    assert points_state(user.pk) == {"balance": 50, "ledger": 50, "lots": 50, "held": 0, "debt": 0}


def test_bad_awards_are_refused_and_store_nothing(user):
    for points in (0, -5, 1.5, True):
        with pytest.raises(InvalidInput):
            services.points_award(user_id=user.pk, points=points, kind="onboarding", reference="x")
    with pytest.raises(InvalidInput):
        services.points_award(user_id=user.pk, points=5, kind="onboarding", reference="")

    assert LedgerEntry.objects.count() == 0


def test_rule_points_stop_at_the_daily_cap(user, rules):
    EarningRule.objects.filter(code="post").update(points=10, daily_cap=25)

    got = [services.points_earn_by_rule(user_id=user.pk, rule="post", reference=f"post-{i}") for i in range(4)]

    assert [e.points if e else None for e in got] == [10, 10, 5, None]
    assert selectors.points_balance(user_id=user.pk) == 25


def test_the_daily_cap_resets_at_shanghai_midnight(user, rules):
    EarningRule.objects.filter(code="post").update(points=10, daily_cap=10)
    services.points_earn_by_rule(user_id=user.pk, rule="post", reference="a", now=shanghai(2025, 3, 1, 23, 59))

    capped = services.points_earn_by_rule(
        user_id=user.pk, rule="post", reference="b", now=shanghai(2025, 3, 1, 23, 59, 30)
    )
    next_day = services.points_earn_by_rule(user_id=user.pk, rule="post", reference="c", now=shanghai(2025, 3, 2, 0, 1))

    assert capped is None
    assert next_day.points == 10


def test_inactive_rules_earn_nothing(user, rules):
    EarningRule.objects.filter(code="post").update(active=False)

    assert services.points_earn_by_rule(user_id=user.pk, rule="post", reference="p1") is None


def test_purchase_rule_multiplies_by_tier(user, rules):
    gold = Tier.objects.get(code="gold")
    UserTier.objects.create(user=user, tier=gold, computed_at=shanghai(2025, 1, 1))

    entry = services.points_earn_by_rule(user_id=user.pk, rule="purchase", reference="order-1", amount=Decimal("99.90"))

    assert entry.points == 149  # 99.90 × 1 point/yuan × 1.5, rounded down


def test_spending_takes_the_soonest_expiring_points_first(user):
    old = services.points_award(user_id=user.pk, points=30, kind="onboarding", reference="a", now=shanghai(2024, 6, 1))
    new = services.points_award(user_id=user.pk, points=50, kind="onboarding", reference="b", now=shanghai(2025, 2, 1))

    services.points_spend(user_id=user.pk, points=40, kind="mall", reference="r1")

    assert PointsLot.objects.get(entry=old).remaining == 0
    assert PointsLot.objects.get(entry=new).remaining == 40
    assert selectors.points_balance(user_id=user.pk) == 40


def test_spending_more_than_held_is_a_409_and_changes_nothing(user, points_state):
    services.points_award(user_id=user.pk, points=30, kind="onboarding", reference="a")
    before = points_state(user.pk)

    with pytest.raises(Conflict) as caught:
        services.points_spend(user_id=user.pk, points=31, kind="mall", reference="r1")

    assert caught.value.code == "points_insufficient" and caught.value.status == 409
    assert points_state(user.pk) == before
    assert LedgerEntry.objects.filter(entry_type="spend").count() == 0


def test_a_spend_is_idempotent_on_its_reference(user):
    services.points_award(user_id=user.pk, points=100, kind="onboarding", reference="a")

    first = services.points_spend(user_id=user.pk, points=60, kind="mall", reference="r1")
    again = services.points_spend(user_id=user.pk, points=60, kind="mall", reference="r1")

    assert again.pk == first.pk
    assert selectors.points_balance(user_id=user.pk) == 40


def test_points_earned_in_a_year_expire_at_the_end_of_the_next(user, points_state):
    services.points_award(user_id=user.pk, points=70, kind="onboarding", reference="a", now=shanghai(2024, 1, 5))
    services.points_award(user_id=user.pk, points=20, kind="onboarding", reference="b", now=shanghai(2025, 7, 1))
    lot = PointsLot.objects.get(entry__reference="a")
    assert lot.expires_at == shanghai(2026, 1, 1)

    assert services.points_expire_due(now=shanghai(2025, 12, 31, 23, 59)) == 0
    assert services.points_expire_due(now=shanghai(2026, 1, 1, 0, 0, 1)) == 1
    assert services.points_expire_due(now=shanghai(2026, 1, 1, 0, 5)) == 0  # nothing twice

    state = points_state(user.pk)
    assert state["balance"] == state["ledger"] == state["lots"] == 20
    assert LedgerEntry.objects.get(entry_type="expire").points == -70


def test_expiry_only_takes_what_is_left_of_a_lot(user):
    services.points_award(user_id=user.pk, points=70, kind="onboarding", reference="a", now=shanghai(2024, 1, 5))
    services.points_spend(user_id=user.pk, points=50, kind="mall", reference="r")

    services.points_expire_due(now=shanghai(2026, 1, 2))

    assert LedgerEntry.objects.get(entry_type="expire").points == -20
    assert selectors.points_balance(user_id=user.pk) == 0


def test_expiring_soon_groups_by_expiry(user, settings):
    settings.SHEQU_LOYALTY = {"EXPIRING_SOON_DAYS": 30}
    services.points_award(user_id=user.pk, points=70, kind="onboarding", reference="a", now=shanghai(2024, 1, 5))
    services.points_award(user_id=user.pk, points=5, kind="onboarding", reference="b", now=shanghai(2024, 3, 5))
    services.points_award(user_id=user.pk, points=20, kind="onboarding", reference="c", now=shanghai(2025, 7, 1))

    soon = selectors.points_expiring_soon(user_id=user.pk, now=shanghai(2025, 12, 10))
    not_yet = selectors.points_expiring_soon(user_id=user.pk, now=shanghai(2025, 11, 10))

    assert soon.total == 75
    assert [(b.expires_at, b.points) for b in soon.batches] == [(shanghai(2026, 1, 1), 75)]
    assert not_yet.total == 0


def test_operator_adjustments_need_a_reason_and_are_audited(user, make_user, points_state):
    operator = make_user(is_staff=True)
    with pytest.raises(InvalidInput) as caught:
        services.points_adjust(operator=operator, user_id=user.pk, points=100, reason="  ")
    assert caught.value.code == "reason_required"

    entry = services.points_adjust(operator=operator, user_id=user.pk, points=100, reason="compensation #42")
    services.points_adjust(operator=operator, user_id=user.pk, points=-30, reason="duplicate gift")

    assert entry.note == "compensation #42"
    audit = AuditEntry.objects.filter(action="adjust").order_by("at", "id")
    assert [(a.actor_id, a.target_user_id, a.reason, a.changes["points"]) for a in audit] == [
        (operator.pk, user.pk, "compensation #42", 100),
        (operator.pk, user.pk, "duplicate gift", -30),
    ]
    assert points_state(user.pk)["balance"] == 70


def test_an_adjustment_cannot_take_more_than_the_balance(user, make_user):
    operator = make_user(is_staff=True)
    services.points_adjust(operator=operator, user_id=user.pk, points=10, reason="gift")

    with pytest.raises(Conflict):
        services.points_adjust(operator=operator, user_id=user.pk, points=-11, reason="oops")

    assert selectors.points_balance(user_id=user.pk) == 10
    assert AuditEntry.objects.filter(action="adjust").count() == 1


def test_a_clawback_of_spent_points_clamps_and_recovers_the_debt_later(user, points_state):
    services.points_award(user_id=user.pk, points=100, kind="post", reference="post-1")
    services.points_spend(user_id=user.pk, points=80, kind="mall", reference="r")

    services.points_clawback_earning(user_id=user.pk, kind="post", reference="post-1")
    assert points_state(user.pk) == {"balance": 0, "ledger": 0, "lots": 0, "held": 0, "debt": 80}

    services.points_award(user_id=user.pk, points=50, kind="onboarding", reference="x")
    assert points_state(user.pk) == {"balance": 0, "ledger": 0, "lots": 0, "held": 0, "debt": 30}
    services.points_award(user_id=user.pk, points=50, kind="onboarding", reference="y")
    assert points_state(user.pk) == {"balance": 20, "ledger": 20, "lots": 20, "held": 0, "debt": 0}
    assert services.points_clawback_earning(user_id=user.pk, kind="post", reference="post-1") is None


def test_rebuild_repairs_a_drifted_balance(user, points_state, capsys):
    services.points_award(user_id=user.pk, points=100, kind="onboarding", reference="a")
    services.points_spend(user_id=user.pk, points=30, kind="mall", reference="r")
    PointsAccount.objects.filter(user_id=user.pk).update(balance=999)

    with pytest.raises(SystemExit):
        call_command("loyalty_rebuild_balances", "--check")
    assert PointsAccount.objects.get(user_id=user.pk).balance == 999
    call_command("loyalty_rebuild_balances")

    assert "999 -> 70" in capsys.readouterr().out
    assert points_state(user.pk)["balance"] == 70
    assert services.points_balances_rebuild() == []


def test_ledger_entries_cannot_be_edited(user):
    entry = services.points_award(user_id=user.pk, points=5, kind="onboarding", reference="a")
    entry.points = 500

    with pytest.raises(ValueError, match="immutable"):
        entry.save()


def test_history_is_newest_first(user):
    services.points_award(user_id=user.pk, points=5, kind="onboarding", reference="a", now=shanghai(2025, 1, 1))
    services.points_award(user_id=user.pk, points=6, kind="onboarding", reference="b", now=shanghai(2025, 1, 2))
    services.points_spend(user_id=user.pk, points=3, kind="mall", reference="r")

    assert [e.points for e in selectors.points_history(user_id=user.pk)] == [-3, 6, 5]
    assert [e.points for e in selectors.points_history(user_id=user.pk, direction="out")] == [-3]
    assert timedelta(0) <= (selectors.points_history(user_id=user.pk).first().created_at - shanghai(2025, 1, 2))
