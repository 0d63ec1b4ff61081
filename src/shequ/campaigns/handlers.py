"""Domain-event subscribers: new-user task completion, content credit for trial draws, trial reviews.
Every handler is idempotent (unique rows keyed by the event's ids)."""

from __future__ import annotations

from shequ.campaigns.models import TaskCode
from shequ.campaigns.services import (
    content_credit_add,
    content_credit_remove,
    task_complete,
    trial_review_received,
)
from shequ.core.domain_events import subscribe

FIRST_ORDER_KINDS = ("normal", "flash_sale")  # a free trial or points order is not a first purchase


@subscribe("profile.updated")
def on_profile_updated(*, user_id: int, complete: bool = False, **_payload) -> None:
    if complete:
        task_complete(user_id=user_id, code=TaskCode.COMPLETE_PROFILE)


@subscribe("preferences.updated")
def on_preferences_updated(*, user_id: int, **_payload) -> None:
    task_complete(user_id=user_id, code=TaskCode.SET_PREFERENCES)


@subscribe("checkin.done")
def on_checkin_done(*, user_id: int, **_payload) -> None:
    task_complete(user_id=user_id, code=TaskCode.FIRST_CHECKIN)


@subscribe("post.published")
def on_post_published(*, post_id: int, user_id: int, image_count: int = 0, **_payload) -> None:
    task_complete(user_id=user_id, code=TaskCode.FIRST_POST)
    content_credit_add(user_id=user_id, kind="post", object_id=post_id, photo_count=image_count or 0)


@subscribe("post.removed")
def on_post_removed(*, post_id: int, **_payload) -> None:
    content_credit_remove(kind="post", object_id=post_id)


@subscribe("order.paid")
def on_order_paid(*, user_id: int, kind: str = "normal", **_payload) -> None:
    if kind in FIRST_ORDER_KINDS:
        task_complete(user_id=user_id, code=TaskCode.FIRST_ORDER)


@subscribe("review.created")
def on_review_created(*, review_id: int, user_id: int, product_id: int, photo_count: int = 0, **_payload) -> None:
    content_credit_add(user_id=user_id, kind="review", object_id=review_id, photo_count=photo_count or 0)
    trial_review_received(user_id=user_id, product_id=product_id, review_id=review_id)


@subscribe("review.removed")
def on_review_removed(*, review_id: int, **_payload) -> None:
    content_credit_remove(kind="review", object_id=review_id)
