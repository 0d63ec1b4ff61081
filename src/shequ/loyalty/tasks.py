"""Scheduled loyalty work (see CELERY_BEAT_SCHEDULE): expire points that are due; recompute tiers nightly."""

from __future__ import annotations

from celery import shared_task

from shequ.loyalty import services, tiers


@shared_task(name="loyalty.expire_points")
def expire_points() -> int:
    return services.points_expire_due()


@shared_task(name="loyalty.tiers_nightly")
def tiers_nightly() -> int:
    return tiers.tiers_recompute_all()
