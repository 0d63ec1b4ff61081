from celery import shared_task

from shequ.accounts.services.otp import otp_purge_expired
from shequ.accounts.services.tokens import tokens_purge_expired


@shared_task(name="accounts.purge_expired_credentials")
def purge_expired_credentials() -> dict:
    """Delete week-old SMS challenges and expired tokens (nightly)."""
    return {"otp": otp_purge_expired(), "tokens": tokens_purge_expired()}
