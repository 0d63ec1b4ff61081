"""Bulk and scheduled issuance: segment batches, tier and birthday rules, expiry reminders (once)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from shequ.coupons.issuance import coupon_batch_create, coupon_batch_run, coupon_expiry_reminders, coupon_rules_run
from shequ.coupons.models import BatchStatus, CouponRule, IssuedCoupon, RuleKind
from shequ.notifications.models import Notification


def _set_tier(user, code: str) -> None:
    from shequ.loyalty.models import Tier, UserTier
    from shequ.loyalty.rules import tiers_ensure

    tiers_ensure()
    UserTier.objects.update_or_create(
        user=user, defaults={"tier": Tier.objects.get(code=code), "computed_at": timezone.now()}
    )


def test_segment_batch_issues_to_everyone_in_the_window_once(make_user, make_template):
    operator = make_user(is_staff=True)
    old = make_user(date_joined=timezone.now() - timedelta(days=60))
    new_a, new_b = make_user(), make_user()
    template = make_template()
    batch = coupon_batch_create(
        operator=operator, template=template, segment="joined", joined_from=timezone.now() - timedelta(days=7)
    )

    assert coupon_batch_run(batch_id=batch.pk) == 2
    assert coupon_batch_run(batch_id=batch.pk) == 0  # done: a re-run does nothing

    assert set(IssuedCoupon.objects.values_list("user_id", flat=True)) == {new_a.pk, new_b.pk}
    assert old.pk not in set(IssuedCoupon.objects.values_list("user_id", flat=True))
    batch.refresh_from_db()
    assert (batch.status, batch.issued) == (BatchStatus.DONE, 2)
    from shequ.audit.models import AuditEntry

    assert AuditEntry.objects.filter(actor_id=operator.pk, target_id=str(batch.pk)).exists()


def test_segment_by_tier(make_user, make_template):
    from shequ.loyalty.models import Tier
    from shequ.loyalty.rules import tiers_ensure

    tiers = tiers_ensure()
    top = tiers[-1].code
    member, other = make_user(), make_user()
    _set_tier(member, top)
    batch = coupon_batch_create(operator=None, template=make_template(), segment="tier", tier_codes=top)

    coupon_batch_run(batch_id=batch.pk)

    assert list(IssuedCoupon.objects.values_list("user_id", flat=True)) == [member.pk]
    assert Tier.objects.count() >= 2 and other.pk


def test_monthly_tier_rule_gives_once_per_month(make_user, make_template):
    from shequ.loyalty.rules import tiers_ensure

    top = tiers_ensure()[-1].code
    member = make_user()
    make_user()
    _set_tier(member, top)
    CouponRule.objects.create(kind=RuleKind.TIER_MONTHLY, template=make_template(per_user_limit=None), tier_codes=top)
    march = datetime(2031, 3, 5, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

    assert coupon_rules_run(now=march) == 1
    assert coupon_rules_run(now=march + timedelta(days=1)) == 0
    assert coupon_rules_run(now=march + timedelta(days=30)) == 1  # April

    assert IssuedCoupon.objects.filter(user=member, source="tier_monthly").count() == 2


def test_birthday_rule_in_the_birthday_month(make_user, make_template):
    born_in_may = make_user(birthday=date(1990, 5, 20))
    make_user(birthday=date(1990, 6, 1))
    CouponRule.objects.create(kind=RuleKind.BIRTHDAY, template=make_template(per_user_limit=None))
    may = datetime(2031, 5, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

    assert coupon_rules_run(now=may) == 1
    assert coupon_rules_run(now=may + timedelta(days=10)) == 0

    assert list(IssuedCoupon.objects.values_list("user_id", "source")) == [(born_in_may.pk, "birthday")]


def test_expiry_reminder_once_per_coupon_one_message_per_person(user, make_template, grant):
    soon_a = grant(make_template(valid_days=2), user, reference="a")
    soon_b = grant(make_template(valid_days=1), user, reference="b")
    later = grant(make_template(valid_days=20), user, reference="c")
    Notification.objects.all().delete()

    assert coupon_expiry_reminders() == 2
    assert coupon_expiry_reminders() == 0

    notes = Notification.objects.filter(user=user, kind="coupon_expiring")
    assert notes.count() == 1
    assert sorted(notes.get().data["issued_coupon_ids"]) == sorted([soon_a.pk, soon_b.pk])
    later.refresh_from_db()
    assert later.reminded_at is None
