"""Points from other modules' events: purchase points pending at payment and credited at completion, less
refunds, clawed back in proportion after; reviews with photos, posts, accepted answers; moderation removals
claw back. Handlers are idempotent: the same event twice pays once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shequ.core.domain_events import publish
from shequ.loyalty import selectors
from shequ.loyalty.models import EarningRule, LedgerEntry, PurchaseAward

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """Publish events as their modules would (delivered after the 'commit')."""

    def send(name: str, **payload):
        with django_capture_on_commit_callbacks(execute=True):
            publish(name, **payload)

    return send


def _order_event(deliver, status, user, order_id=7, total="120.00"):
    deliver(
        f"order.{status}",
        order_id=order_id,
        order_number=f"N{order_id}",
        user_id=user.pk,
        status=status,
        previous="",
        total=total,
        kind="normal",
    )


def _refund(deliver, user, refunded_total, reference, order_id=7, total="120.00"):
    deliver(
        "order.refund_applied",
        order_id=order_id,
        order_number=f"N{order_id}",
        user_id=user.pk,
        amount="0",
        refunded_total=refunded_total,
        total=total,
        reference=reference,
    )


def test_purchase_points_are_pending_until_the_order_completes(rules, user, deliver):
    _order_event(deliver, "paid", user)
    assert selectors.points_summary(user_id=user.pk).pending == 120
    assert selectors.points_balance(user_id=user.pk) == 0

    _order_event(deliver, "completed", user)
    _order_event(deliver, "completed", user)  # delivered twice: paid once

    summary = selectors.points_summary(user_id=user.pk)
    assert (summary.balance, summary.pending) == (120, 0)
    assert LedgerEntry.objects.filter(kind="purchase").count() == 1


def test_a_refund_before_completion_reduces_the_pending_points(rules, user, deliver):
    _order_event(deliver, "paid", user)
    _refund(deliver, user, "30.00", "R1")
    assert selectors.points_summary(user_id=user.pk).pending == 90

    _order_event(deliver, "completed", user)
    assert selectors.points_balance(user_id=user.pk) == 90


def test_a_full_refund_before_completion_cancels_the_points(rules, user, deliver):
    _order_event(deliver, "paid", user)
    _refund(deliver, user, "120.00", "R1")

    assert selectors.points_summary(user_id=user.pk).pending == 0
    assert PurchaseAward.objects.get(order_id=7).status == "cancelled"


def test_refunds_after_completion_claw_back_in_proportion_once(rules, user, deliver):
    _order_event(deliver, "paid", user)
    _order_event(deliver, "completed", user)

    _refund(deliver, user, "40.00", "R1")
    _refund(deliver, user, "40.00", "R1")  # the same event again
    assert selectors.points_balance(user_id=user.pk) == 80

    _refund(deliver, user, "120.00", "R2")
    assert selectors.points_balance(user_id=user.pk) == 0
    assert [e.points for e in LedgerEntry.objects.filter(entry_type="clawback").order_by("id")] == [-40, -80]


def test_a_refund_of_points_already_spent_clamps_at_zero_and_records_the_debt(rules, user, deliver):
    from shequ.loyalty import services

    _order_event(deliver, "paid", user)
    _order_event(deliver, "completed", user)
    services.points_spend(user_id=user.pk, points=100, kind="mall", reference="m1")

    _refund(deliver, user, "120.00", "R1")

    summary = selectors.points_summary(user_id=user.pk)
    assert (summary.balance, summary.debt) == (0, 100)


def test_purchase_points_use_the_rule_and_tier_multiplier(rules, user, deliver):
    EarningRule.objects.filter(code="purchase").update(points=2)

    _order_event(deliver, "paid", user, total="19.99")

    assert PurchaseAward.objects.get(order_id=7).points == 39  # 19.99 × 2, rounded down
    assert PurchaseAward.objects.get(order_id=7).total == Decimal("19.99")


def test_reviews_with_photos_earn_and_without_do_not(rules, user, deliver):
    deliver("review.created", review_id=1, user_id=user.pk, product_id=1, order_item_id=1, photo_count=0)
    deliver("review.created", review_id=2, user_id=user.pk, product_id=1, order_item_id=2, photo_count=3)
    deliver("review.created", review_id=2, user_id=user.pk, product_id=1, order_item_id=2, photo_count=3)

    assert list(LedgerEntry.objects.values_list("kind", "reference", "points")) == [("review_photo", "review-2", 20)]


def test_posts_earn_and_moderation_removal_claws_back(rules, user, deliver):
    payload = {"user_id": user.pk, "image_count": 0, "product_ids": [], "circle_id": None}
    deliver("post.published", post_id=1, **payload)
    deliver("post.published", post_id=2, **payload)
    assert selectors.points_balance(user_id=user.pk) == 20

    deliver("post.removed", post_id=1, user_id=user.pk, by="author")
    assert selectors.points_balance(user_id=user.pk) == 20
    deliver("post.removed", post_id=2, user_id=user.pk, by="moderation")
    deliver("post.removed", post_id=2, user_id=user.pk, by="moderation")
    assert selectors.points_balance(user_id=user.pk) == 10


def test_posting_is_capped_per_day(rules, user, deliver):
    payload = {"user_id": user.pk, "image_count": 0, "product_ids": [], "circle_id": None}
    for post_id in range(1, 6):
        deliver("post.published", post_id=post_id, **payload)

    assert selectors.points_balance(user_id=user.pk) == 30  # 10 each, at most 30 a day


def test_accepted_answers_earn_once(rules, user, deliver):
    deliver("answer.accepted", answer_id=5, user_id=user.pk, question_id=1)
    deliver("answer.accepted", answer_id=5, user_id=user.pk, question_id=1)

    assert selectors.points_balance(user_id=user.pk) == 15
