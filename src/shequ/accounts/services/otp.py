"""SMS one-time codes: send, and check exactly once.

Limits, all in the shared cache so they hold across app servers:
- one code per phone and purpose per RESEND_COOLDOWN_SECONDS, PER_PHONE_PER_HOUR/DAY codes in all,
  PER_IP_PER_HOUR codes from one address (stops SMS flooding and pumping fraud);
- each code allows MAX_ATTEMPTS wrong guesses; PHONE_FAILURES_BEFORE_LOCK wrong guesses across codes lock
  the phone for LOCK_SECONDS (stops guessing by requesting fresh codes).
Codes are stored only as keyed hashes; a newer code supersedes older ones; consuming is a conditional
UPDATE, so two concurrent requests with the same code cannot both succeed.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.accounts.error_codes import AccountsErrorCode as Code
from shequ.accounts.models import OtpChallenge, OtpPurpose
from shequ.accounts.phones import normalise_phone
from shequ.accounts.providers import sms
from shequ.core import ratelimit
from shequ.core.crypto import lookup_hash
from shequ.core.errors import DomainError, InvalidInput, RateLimited

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OtpSent:
    phone: str
    expires_in: int
    resend_in: int


def _conf() -> dict:
    return settings.SHEQU_OTP


def _code_hash(phone_hash: str, purpose: str, code: str) -> str:
    return lookup_hash(f"otp:{phone_hash}:{purpose}:{code}")


def _check_phone_lock(phone_hash: str) -> None:
    remaining = ratelimit.locked_for(f"otp-phone:{phone_hash}")
    if remaining:
        raise RateLimited(
            Code.PHONE_LOCKED,
            _("Too many wrong codes. Try again in %(minutes)d minutes.") % {"minutes": max(1, remaining // 60)},
            retry_after=remaining,
        )


def otp_request(*, phone: str, purpose: str = OtpPurpose.LOGIN, ip: str = "") -> OtpSent:
    """Send a fresh code by SMS. The reply is the same whether or not the phone has an account.

    Precondition: not inside a transaction — the code must be stored before the SMS leaves.
    """
    if purpose not in OtpPurpose.values:
        raise InvalidInput(Code.CHOICE_INVALID, _("Unknown code purpose."), details={"field": "purpose"})
    conf = _conf()
    e164 = normalise_phone(phone)
    phone_hash = lookup_hash(e164)
    _check_phone_lock(phone_hash)

    cooldown_key = f"otp-cooldown:{phone_hash}:{purpose}"
    wait = ratelimit.locked_for(cooldown_key)
    if wait:
        raise RateLimited(
            Code.OTP_TOO_SOON,
            _("A code was just sent. Wait %(seconds)d seconds to ask again.") % {"seconds": wait},
            retry_after=wait,
        )
    if ip:
        by_ip = ratelimit.hit(f"otp-ip:{ip}", limit=conf["PER_IP_PER_HOUR"], window=3600)
        if not by_ip.allowed:
            raise RateLimited(
                Code.IP_RATE_LIMITED,
                _("Too many requests from your network. Try again later."),
                retry_after=by_ip.retry_after,
            )
    for window, limit in ((3600, conf["PER_PHONE_PER_HOUR"]), (86400, conf["PER_PHONE_PER_DAY"])):
        counted = ratelimit.hit(f"otp-send:{phone_hash}", limit=limit, window=window)
        if not counted.allowed:
            raise RateLimited(
                Code.OTP_SEND_LIMIT,
                _("Too many codes sent to this number. Try again later."),
                retry_after=counted.retry_after,
            )

    code = "".join(secrets.choice("0123456789") for _ in range(conf["LENGTH"]))
    now = timezone.now()
    with transaction.atomic():
        OtpChallenge.objects.filter(phone_hash=phone_hash, purpose=purpose, consumed_at__isnull=True).update(
            consumed_at=now
        )
        challenge = OtpChallenge.objects.create(
            phone_hash=phone_hash,
            purpose=purpose,
            code_hash=_code_hash(phone_hash, purpose, code),
            created_at=now,
            expires_at=now + timedelta(seconds=conf["TTL_SECONDS"]),
            ip=ip[:64],
        )
    # Sent after the challenge is stored, and synchronously, so a gateway failure reaches the person
    # asking (who can try again at once) instead of leaving them waiting for an SMS that never comes.
    try:
        sms.send_otp(phone=e164, code=code, ttl_minutes=max(1, conf["TTL_SECONDS"] // 60))
    except Exception as exc:
        logger.exception("SMS gateway failed for an OTP")
        OtpChallenge.objects.filter(pk=challenge.pk).update(consumed_at=timezone.now())
        raise DomainError(
            Code.SMS_UNAVAILABLE, _("We could not send the SMS just now. Please try again."), status=503
        ) from exc
    ratelimit.lock(cooldown_key, seconds=conf["RESEND_COOLDOWN_SECONDS"])
    return OtpSent(phone=e164, expires_in=conf["TTL_SECONDS"], resend_in=conf["RESEND_COOLDOWN_SECONDS"])


def otp_verify(*, phone: str, purpose: str, code: str) -> str:
    """Consume the code and return the E.164 phone it proves.

    Precondition: not called inside a transaction the caller may roll back — a wrong guess must stay
    counted even when the caller's use case then fails.
    """
    conf = _conf()
    e164 = normalise_phone(phone)
    phone_hash = lookup_hash(e164)
    _check_phone_lock(phone_hash)
    code = (code or "").strip()
    invalid = InvalidInput(
        Code.OTP_INVALID, _("The code is wrong or no longer valid. Request a new one."), details={"field": "code"}
    )
    if not code.isdigit() or len(code) != conf["LENGTH"]:
        raise invalid
    challenge = (
        OtpChallenge.objects.filter(phone_hash=phone_hash, purpose=purpose, consumed_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if challenge is None:
        raise invalid
    if challenge.expires_at <= timezone.now():
        raise InvalidInput(Code.OTP_EXPIRED, _("The code has expired. Request a new one."), details={"field": "code"})
    if challenge.attempts >= conf["MAX_ATTEMPTS"]:
        raise RateLimited(
            Code.OTP_ATTEMPTS_EXCEEDED,
            _("Too many wrong tries. Request a new code."),
            retry_after=ratelimit.locked_for(f"otp-cooldown:{phone_hash}:{purpose}") or 1,
        )
    if not hmac.compare_digest(challenge.code_hash, _code_hash(phone_hash, purpose, code)):
        OtpChallenge.objects.filter(pk=challenge.pk).update(attempts=F("attempts") + 1)
        failures = ratelimit.hit(
            f"otp-fail:{phone_hash}", limit=conf["PHONE_FAILURES_BEFORE_LOCK"], window=conf["LOCK_SECONDS"]
        )
        if failures.count >= conf["PHONE_FAILURES_BEFORE_LOCK"]:
            ratelimit.lock(f"otp-phone:{phone_hash}", seconds=conf["LOCK_SECONDS"])
        raise invalid
    consumed = OtpChallenge.objects.filter(pk=challenge.pk, consumed_at__isnull=True).update(consumed_at=timezone.now())
    if consumed != 1:  # the same code raced in twice: only one request wins
        raise invalid
    return e164


def otp_purge_expired(*, older_than: timedelta = timedelta(days=7)) -> int:
    """Delete old challenges; they are only useful for abuse investigation for a few days."""
    deleted, _ = OtpChallenge.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
