from celery import shared_task

from shequ.coupons.issuance import coupon_batch_run, coupon_expiry_reminders, coupon_rules_run


@shared_task(name="coupons.batch_run")
def batch_run(batch_id: int) -> int:
    """Issue a segment batch's coupons (queued from the admin)."""
    return coupon_batch_run(batch_id=batch_id)


@shared_task(name="coupons.rules_run")
def rules_run() -> int:
    """Monthly tier coupons and birthday gifts (daily)."""
    return coupon_rules_run()


@shared_task(name="coupons.expiry_reminders")
def expiry_reminders() -> int:
    """Remind people of wallet coupons expiring within 3 days, once per coupon (hourly)."""
    return coupon_expiry_reminders()
