"""New-user tasks: completed by domain events (idempotent), each claimed once for its points and coupon."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.analytics.services import track
from shequ.campaigns import points
from shequ.campaigns.models import ContentCredit, OnboardingTask, TaskCode, TaskProgress
from shequ.core.errors import Conflict, NotFound
from shequ.coupons.services import coupon_grant

DEFAULT_TASKS = [  # the same five the data migration 0002 creates on a new database
    ("complete_profile", 20, "/accounts/me/profile/", "Add your birthday, gender and a short bio."),
    ("set_preferences", 20, "/accounts/me/settings/", "Pick the categories and flavours you like."),
    ("first_checkin", 10, "/loyalty/checkin/", "Check in once on the points page."),
    ("first_post", 30, "/community/", "Share something with the community."),
    ("first_order", 50, "/", "Buy anything and pay for it."),
]


def onboarding_tasks_ensure() -> int:
    """Create any of the five default tasks that is missing (an operator's edits to existing ones are kept);
    return how many were created. For databases emptied after migrating (tests that flush tables) and for
    restoring a task an operator deleted by mistake."""
    created = 0
    for position, (code, points_reward, link, description) in enumerate(DEFAULT_TASKS):
        _task, made = OnboardingTask.objects.get_or_create(
            code=code,
            defaults={"points": points_reward, "link": link, "description": description, "position": position},
        )
        created += made
    return created


def task_complete(*, user_id: int, code: str) -> bool:
    """Mark the task done for the person (safe to repeat: only the first time counts). True when new."""
    if code not in TaskCode.values:
        return False
    try:
        with transaction.atomic():
            TaskProgress.objects.create(user_id=user_id, code=code, completed_at=timezone.now())
    except IntegrityError:
        return False
    track(user_id, "task_completed", {"task": code})
    return True


def task_claim(*, user, code: str) -> TaskProgress:
    """Collect a completed task's reward: its points (reference = the task code) and coupon, exactly once.
    Not completed yet or already claimed is 409 and changes nothing."""
    task = OnboardingTask.objects.filter(code=code, is_active=True).select_related("coupon_template").first()
    if task is None:
        raise NotFound("task_not_found", _("No such task."))
    with transaction.atomic():
        progress = TaskProgress.objects.select_for_update().filter(user=user, code=code).first()
        if progress is None:
            raise Conflict("task_not_completed", _("Finish the task first."))
        if progress.claimed_at is not None:
            raise Conflict("task_already_claimed", _("You have already collected this reward."))
        progress.claimed_at = timezone.now()
        progress.save(update_fields=["claimed_at"])
        if task.points:
            points.award(user_id=user.pk, points=task.points, kind="task", reference=code, note=str(task))
        if task.coupon_template_id:
            coupon_grant(
                template_code=task.coupon_template.code, user_id=user.pk, source="task", reference=code, strict=True
            )
        track(user, "task_claimed", {"task": code, "points": task.points, "coupon": bool(task.coupon_template_id)})
    return progress


def content_credit_add(*, user_id: int, kind: str, object_id: int, photo_count: int = 0) -> None:
    """Count a published post or review towards the person's content quality (once per object)."""
    ContentCredit.objects.get_or_create(
        kind=kind, object_id=object_id, defaults={"user_id": user_id, "photo_count": min(photo_count, 30)}
    )


def content_credit_remove(*, kind: str, object_id: int) -> None:
    ContentCredit.objects.filter(kind=kind, object_id=object_id).delete()
