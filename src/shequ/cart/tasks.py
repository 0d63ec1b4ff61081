from celery import shared_task

from shequ.cart.services import carts_purge_stale


@shared_task(name="cart.purge_stale")
def purge_stale() -> int:
    """Delete guest carts nobody touched for two months (nightly)."""
    return carts_purge_stale()
