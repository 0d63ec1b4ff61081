from celery import shared_task

from shequ.campaigns.services import trials_remind_reviews


@shared_task(name="campaigns.trial_reminders")
def trial_reminders() -> list[int]:
    """Remind trial winners of reviews due within 3 days; flag those past the deadline (hourly)."""
    return list(trials_remind_reviews())
