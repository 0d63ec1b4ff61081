"""Issuing in bulk and on a schedule: segment batches, monthly tier coupons, birthday gifts, expiry reminders.

Each run is safe to repeat: grants are idempotent on their reference (the batch id, the rule and month, the
rule and year), and a reminder is claimed row by row with a conditional UPDATE before it is sent.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from shequ.coupons.models import BatchStatus, CouponBatch, CouponRule, IssuedCoupon, IssuedStatus, IssueSource, RuleKind
from shequ.coupons.segments import Segment, parse_codes, segment_user_ids, tier_code_of
from shequ.coupons.wallet import coupon_grant

SHANGHAI = ZoneInfo("Asia/Shanghai")
REMIND_DAYS = 3


def coupon_batch_create(*, operator, template, segment: str, tier_codes: str = "", joined_from=None, joined_until=None):
    """Queue "issue this template to this segment" (run by ``coupon_batch_run`` in a task)."""
    from shequ.audit.services import audit_record

    with transaction.atomic():
        batch = CouponBatch.objects.create(
            template=template,
            segment=segment,
            tier_codes=tier_codes,
            joined_from=joined_from,
            joined_until=joined_until,
            created_by=operator,
        )
        audit_record(actor=operator, action="create", target=batch, changes={"template": template.code})
    return batch


def coupon_batch_run(*, batch_id: int) -> int:
    """Issue the batch's template to everyone in its segment; a re-run after a crash only adds the missing."""
    started = (
        CouponBatch.objects.filter(pk=batch_id).exclude(status=BatchStatus.DONE).update(status=BatchStatus.RUNNING)
    )
    if not started:
        return 0
    batch = CouponBatch.objects.select_related("template").get(pk=batch_id)
    issued = 0
    for user_id in segment_user_ids(segment=Segment.of(batch)):
        if coupon_grant(
            template_code=batch.template.code,
            user_id=user_id,
            source=IssueSource.SEGMENT,
            reference=f"batch:{batch.pk}",
        ):
            issued += 1
    CouponBatch.objects.filter(pk=batch_id).update(status=BatchStatus.DONE, issued=issued, finished_at=timezone.now())
    return issued


def coupon_rules_run(*, now=None) -> int:
    """Run the automatic rules once (daily task): this month's tier coupons, and birthday gifts for people
    whose birthday month it is (Asia/Shanghai). Returns how many coupons were granted now."""
    now = now or timezone.now()
    local = now.astimezone(SHANGHAI)
    granted = 0
    users = get_user_model().objects.filter(is_active=True, deleted_at__isnull=True, is_staff=False)
    for rule in CouponRule.objects.filter(is_active=True).select_related("template"):
        tiers = parse_codes(rule.tier_codes)
        if rule.kind == RuleKind.BIRTHDAY:
            candidates = users.filter(birthday__month=local.month)
            source, reference = IssueSource.BIRTHDAY, f"rule{rule.pk}:{local.year}"
        else:
            candidates = users
            source, reference = IssueSource.TIER_MONTHLY, f"rule{rule.pk}:{local:%Y-%m}"
        for user_id in candidates.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=500):
            if tiers and tier_code_of(user_id=user_id) not in tiers:
                continue
            already = IssuedCoupon.objects.filter(
                template=rule.template, user_id=user_id, source=source, reference=reference
            ).exists()
            if not already and coupon_grant(
                template_code=rule.template.code, user_id=user_id, source=source, reference=reference
            ):
                granted += 1
        CouponRule.objects.filter(pk=rule.pk).update(last_run_at=now)
    return granted


def coupon_expiry_reminders(*, now=None) -> int:
    """Tell people about wallet coupons expiring within 3 days — once per coupon, one message per person."""
    from shequ.notifications.services import notify

    now = now or timezone.now()
    due = IssuedCoupon.objects.filter(
        status=IssuedStatus.AVAILABLE,
        reminded_at__isnull=True,
        valid_until__gt=now,
        valid_until__lte=now + timedelta(days=REMIND_DAYS),
    )
    by_user: dict[int, list[int]] = defaultdict(list)
    for pk, user_id in due.order_by("user_id", "pk").values_list("pk", "user_id")[:20_000]:
        by_user[user_id].append(pk)
    reminded = 0
    for user_id, ids in by_user.items():
        with transaction.atomic():
            claimed = IssuedCoupon.objects.filter(pk__in=ids, reminded_at__isnull=True).update(reminded_at=now)
            if not claimed:
                continue
            notify(
                user=user_id,
                kind="coupon_expiring",
                title=ngettext(
                    "%(count)d coupon expires within 3 days",
                    "%(count)d coupons expire within 3 days",
                    claimed,
                )
                % {"count": claimed},
                body=str(_("Use them before they expire.")),
                link="/coupons/",
                data={"issued_coupon_ids": ids},
            )
        reminded += claimed
    return reminded
