from celery import shared_task

from shequ.analytics.services import events_write


@shared_task(name="analytics.ingest_events", acks_late=True, max_retries=5, default_retry_delay=5)
def ingest_events(rows: list[dict]) -> int:
    """Write one batch of events (sent by the app servers' buffers)."""
    return events_write(rows)
