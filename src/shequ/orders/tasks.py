from celery import shared_task
from django.utils import translation

from shequ.orders.services import order_place_queued, orders_auto_confirm, orders_cancel_overdue


@shared_task(name="orders.cancel_overdue")
def cancel_overdue() -> int:
    """Cancel unpaid orders past their payment deadline, giving their stock and coupons back (every minute)."""
    return orders_cancel_overdue()


@shared_task(name="orders.auto_confirm")
def auto_confirm() -> int:
    """Complete delivered orders the buyer did not confirm within AUTO_CONFIRM_DAYS (hourly)."""
    return orders_auto_confirm()


@shared_task(name="orders.place_queued", acks_late=True)
def place_queued(*, language: str = "", **ticket) -> str:
    """Place a flash-sale order the gate queued (orders/order_queue.py); its ticket records the outcome, with
    any error in the buyer's language."""
    with translation.override(language or None):
        return order_place_queued(**ticket)
