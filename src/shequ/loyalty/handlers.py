"""Domain-event subscribers: points for purchases, reviews with photos, posts and accepted answers; clawbacks
when an order is refunded or a post/review is removed by moderation; tiers recomputed when spend changes.

Purchase points are *pending* from ``order.paid`` (visible, not spendable) and credited on ``order.completed``
(when returns are over), less what was refunded meanwhile; a refund after that claws back in proportion.
Every handler is idempotent (the ledger is unique on user/type/kind/reference).
"""

from __future__ import annotations

from decimal import Decimal

from shequ.core.domain_events import subscribe
from shequ.loyalty import services
from shequ.loyalty.rules import ANSWER_ACCEPTED, POST, REVIEW_PHOTO
from shequ.loyalty.tiers import tier_recompute


@subscribe("order.paid")
def on_order_paid(*, order_id, user_id, total, order_number="", **_):
    services.purchase_paid(user_id=user_id, order_id=order_id, order_number=order_number, total=Decimal(total))
    tier_recompute(user_id=user_id)


@subscribe("order.completed")
def on_order_completed(*, order_id, **_):
    services.purchase_completed(order_id=order_id)


@subscribe("order.refund_applied")
def on_order_refund_applied(*, order_id, user_id, refunded_total, reference="", **_):
    services.purchase_refunded(order_id=order_id, refunded_total=Decimal(refunded_total), reference=reference)
    tier_recompute(user_id=user_id)


@subscribe("review.created")
def on_review_created(*, review_id, user_id, photo_count=0, **_):
    if photo_count and int(photo_count) > 0:
        services.points_earn_by_rule(user_id=user_id, rule=REVIEW_PHOTO, reference=f"review-{review_id}")


@subscribe("review.removed")
def on_review_removed(*, review_id, user_id, by="", **_):
    if by == "moderation":
        services.points_clawback_earning(
            user_id=user_id, kind=REVIEW_PHOTO, reference=f"review-{review_id}", note="removed by moderation"
        )


@subscribe("post.published")
def on_post_published(*, post_id, user_id, **_):
    services.points_earn_by_rule(user_id=user_id, rule=POST, reference=f"post-{post_id}")


@subscribe("post.removed")
def on_post_removed(*, post_id, user_id, by="", **_):
    # Only moderation takes points back: an author deleting their own post keeps them (the daily cap already
    # limits post-and-delete farming).
    if by == "moderation":
        services.points_clawback_earning(
            user_id=user_id, kind=POST, reference=f"post-{post_id}", note="removed by moderation"
        )


@subscribe("answer.accepted")
def on_answer_accepted(*, answer_id, user_id, **_):
    services.points_earn_by_rule(user_id=user_id, rule=ANSWER_ACCEPTED, reference=f"answer-{answer_id}")
