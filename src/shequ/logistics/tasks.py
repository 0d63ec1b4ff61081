from celery import shared_task

from shequ.logistics.services import shipments_poll_due


@shared_task(name="logistics.poll_tracking")
def poll_tracking() -> dict:
    """Pull tracking for shipments still on their way (every few minutes)."""
    return shipments_poll_due()
