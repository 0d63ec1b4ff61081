"""Operators: configure rules and tiers in the admin, adjust points with a required reason (audit-logged), see
the ledger read-only. The demo seed fills check-ins and points."""

from __future__ import annotations

import random

import pytest
from django.test import Client

from shequ.audit.models import AuditEntry
from shequ.core.seeding import SeedContext
from shequ.loyalty import selectors, services
from shequ.loyalty.models import CheckIn, EarningRule, LedgerEntry
from shequ.loyalty.seed import seed_loyalty

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(make_user):
    admin = make_user(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    client.admin_user = admin
    return client


def test_admin_pages_load(operator, user, rules):
    services.points_award(user_id=user.pk, points=5, kind="onboarding", reference="a")
    entry = LedgerEntry.objects.get()
    for url in (
        "/admin/loyalty/earningrule/",
        "/admin/loyalty/tier/",
        "/admin/loyalty/streakbonus/",
        "/admin/loyalty/ledgerentry/",
        f"/admin/loyalty/ledgerentry/{entry.pk}/change/",
        "/admin/loyalty/ledgerentry/add/",
        "/admin/loyalty/pointsaccount/",
        "/admin/loyalty/usertier/",
        "/admin/loyalty/checkin/",
    ):
        assert operator.get(url).status_code == 200, url


def test_operators_change_earning_rules_without_code(operator, user, rules):
    rule = EarningRule.objects.get(code="post")
    data = {"code": "post", "name": rule.name, "points": 25, "daily_cap": 0, "use_tier_multiplier": "", "active": "on"}

    response = operator.post(f"/admin/loyalty/earningrule/{rule.pk}/change/", data)

    assert response.status_code == 302
    assert services.points_earn_by_rule(user_id=user.pk, rule="post", reference="p1").points == 25
    assert AuditEntry.objects.filter(action="update", target_type="loyalty.earningrule").count() == 1


def test_an_adjustment_in_the_admin_goes_through_the_ledger_and_audit(operator, user):
    missing_reason = operator.post("/admin/loyalty/ledgerentry/add/", {"member": user.pk, "change": 50, "reason": ""})
    too_much = operator.post("/admin/loyalty/ledgerentry/add/", {"member": user.pk, "change": -50, "reason": "x"})
    assert missing_reason.status_code == 200 and too_much.status_code == 200  # the form again, with errors
    assert LedgerEntry.objects.count() == 0

    done = operator.post("/admin/loyalty/ledgerentry/add/", {"member": user.pk, "change": 50, "reason": "lost parcel"})

    assert done.status_code == 302
    assert selectors.points_balance(user_id=user.pk) == 50
    audit = AuditEntry.objects.get(action="adjust")
    assert (audit.actor_id, audit.target_user_id, audit.reason) == (operator.admin_user.pk, user.pk, "lost parcel")


def test_demo_seed_fills_checkins_with_consistent_balances(make_user):
    for _ in range(3):
        make_user()

    summary = seed_loyalty(SeedContext(rng=random.Random(1), scale=0.05, log=lambda _m: None))

    assert summary["people"] == 2 and summary["checkins"] == CheckIn.objects.count() > 0
    assert services.points_balances_rebuild(fix=False) == []
