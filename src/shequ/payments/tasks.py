from celery import shared_task

from shequ.payments.services import refund_submit_pending, refunds_resubmit_pending


@shared_task(name="payments.refund_submit")
def refund_submit_task(refund_id: int) -> str:
    """Send one pending refund to its provider (automatic refunds are queued here after commit)."""
    return refund_submit_pending(refund_id=refund_id)


@shared_task(name="payments.refunds_resubmit_pending")
def refunds_resubmit_pending_task() -> dict:
    """Send again the refunds whose outcome is still unknown (every 10 minutes)."""
    return refunds_resubmit_pending()
