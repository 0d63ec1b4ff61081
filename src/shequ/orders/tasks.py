from celery import shared_task

from shequ.orders.services import orders_auto_confirm, orders_cancel_overdue


@shared_task(name="orders.cancel_overdue")
def cancel_overdue() -> int:
    """Cancel unpaid orders past their payment deadline, giving their stock and coupons back (every minute)."""
    return orders_cancel_overdue()


@shared_task(name="orders.auto_confirm")
def auto_confirm() -> int:
    """Complete delivered orders the buyer did not confirm within AUTO_CONFIRM_DAYS (hourly)."""
    return orders_auto_confirm()
