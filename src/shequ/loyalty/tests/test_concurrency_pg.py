"""Races on one person's points, run for real on PostgreSQL (threads, each with its own connection and
transaction): concurrent spends, holds and earnings cannot double-spend or double-pay."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Sum

from shequ.core.errors import Conflict
from shequ.core.testing import run_together
from shequ.loyalty import services
from shequ.loyalty.models import LedgerEntry, PointsAccount, PointsLot

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 8


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the races only exist on PostgreSQL")


def _state(user_id: int) -> tuple[int, int, int]:
    balance = PointsAccount.objects.get(user_id=user_id).balance
    ledger = LedgerEntry.objects.filter(user_id=user_id).aggregate(t=Sum("points"))["t"]
    lots = PointsLot.objects.filter(user_id=user_id).aggregate(t=Sum("remaining"))["t"]
    return balance, ledger, lots


def test_concurrent_spends_of_the_same_points_cannot_double_spend(user):
    services.points_award(user_id=user.pk, points=100, kind="onboarding", reference="a")

    results = run_together(
        lambda i: services.points_spend(user_id=user.pk, points=60, kind="mall", reference=f"m{i}").points
    )

    assert sorted(str(r) if isinstance(r, int) else getattr(r, "code", repr(r)) for r in results) == sorted(
        ["-60"] + ["points_insufficient"] * (THREADS - 1)
    )
    assert _state(user.pk) == (40, 40, 40)


def test_concurrent_spends_that_fit_all_succeed(user):
    services.points_award(user_id=user.pk, points=800, kind="onboarding", reference="a")

    results = run_together(
        lambda i: services.points_spend(user_id=user.pk, points=100, kind="mall", reference=f"m{i}").points
    )

    assert results == [-100] * THREADS
    assert _state(user.pk) == (0, 0, 0)


def test_the_same_spend_retried_at_once_is_written_once(user):
    services.points_award(user_id=user.pk, points=100, kind="onboarding", reference="a")

    results = run_together(
        lambda i: services.points_spend(user_id=user.pk, points=30, kind="mall", reference="same").pk
    )

    assert len(set(results)) == 1
    assert _state(user.pk) == (70, 70, 70)


def test_holds_and_spends_racing_never_overdraw(user):
    services.points_award(user_id=user.pk, points=250, kind="onboarding", reference="a")

    def work(i: int):
        if i % 2:
            return services.points_hold(user_id=user.pk, order_id=900 + i, points=100).points
        return services.points_spend(user_id=user.pk, points=100, kind="mall", reference=f"m{i}").points

    results = run_together(work)

    succeeded = [r for r in results if not isinstance(r, Conflict)]
    assert len(succeeded) == 2 and all(isinstance(r, int) for r in succeeded)
    balance, ledger, lots = _state(user.pk)
    assert (balance, ledger, lots) == (50, 50, 50)


def test_the_same_earning_delivered_concurrently_pays_once(user):
    results = run_together(
        lambda i: services.points_award(user_id=user.pk, points=20, kind="post", reference="post-1") is not None
    )

    assert results.count(True) == 1
    assert _state(user.pk) == (20, 20, 20)


def test_first_use_by_many_threads_creates_one_account(make_user):
    fresh = make_user()

    results = run_together(
        lambda i: services.points_award(user_id=fresh.pk, points=1, kind="onboarding", reference=f"r{i}").points
    )

    assert results == [1] * THREADS
    assert PointsAccount.objects.filter(user_id=fresh.pk).count() == 1
    assert _state(fresh.pk) == (THREADS, THREADS, THREADS)
