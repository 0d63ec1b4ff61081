"""Sign up and log in: by SMS code, by password, or through a linked third-party identity."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from shequ.accounts.error_codes import AccountsErrorCode as Code
from shequ.accounts.models import OtpPurpose, Preferences, PrivacySettings, User, default_nickname
from shequ.accounts.phones import normalise_phone
from shequ.accounts.services.otp import otp_verify
from shequ.analytics.services import track
from shequ.core import ratelimit
from shequ.core.crypto import lookup_hash
from shequ.core.errors import Forbidden, RateLimited, Unauthorized


@dataclass(frozen=True)
class LoginResult:
    user: User
    created: bool


def user_get_or_create_by_phone(*, e164: str, nickname: str = "") -> tuple[User, bool]:
    """Return the account for a verified phone, creating it (with default settings) on first login."""
    phone_hash = lookup_hash(e164)
    existing = User.objects.filter(phone_hash=phone_hash).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            user = User.objects.create_user(e164, nickname=nickname or default_nickname())
            PrivacySettings.objects.create(user=user)
            Preferences.objects.create(user=user)
    except IntegrityError:  # two first logins raced, or the nickname was taken meanwhile
        existing = User.objects.filter(phone_hash=phone_hash).first()
        if existing is not None:
            return existing, False
        with transaction.atomic():
            user = User.objects.create_user(e164, nickname=default_nickname())
            PrivacySettings.objects.create(user=user)
            Preferences.objects.create(user=user)
    return user, True


def ensure_login_allowed(user: User) -> None:
    if not user.is_active:
        raise Forbidden(Code.ACCOUNT_DISABLED, _("This account is disabled. Contact customer service."))


def login_record(user: User, *, method: str, created: bool) -> None:
    if created:
        track(user, "signup", {"method": method})
    track(user, "login", {"method": method})


def login_with_otp(*, phone: str, code: str) -> LoginResult:
    """Log in with an SMS code, signing up first when the phone is new."""
    e164 = otp_verify(phone=phone, purpose=OtpPurpose.LOGIN, code=code)
    user, created = user_get_or_create_by_phone(e164=e164)
    ensure_login_allowed(user)
    login_record(user, method="otp", created=created)
    return LoginResult(user=user, created=created)


def login_with_password(*, phone: str, password: str, ip: str = "") -> User:
    """Check a phone + password. Repeated failures lock the phone; many from one IP slow that IP down."""
    conf = settings.SHEQU_PASSWORD_LOGIN
    e164 = normalise_phone(phone)
    phone_hash = lookup_hash(e164)
    remaining = ratelimit.locked_for(f"pw-phone:{phone_hash}")
    if remaining:
        raise RateLimited(
            Code.PHONE_LOCKED,
            _("Too many failed logins. Try again in %(minutes)d minutes, or log in with an SMS code.")
            % {"minutes": max(1, remaining // 60)},
            retry_after=remaining,
        )
    if ip:
        by_ip = ratelimit.hit(f"pw-ip:{ip}", limit=conf["PER_IP_PER_HOUR"], window=3600)
        if not by_ip.allowed:
            raise RateLimited(
                Code.IP_RATE_LIMITED,
                _("Too many requests from your network. Try again later."),
                retry_after=by_ip.retry_after,
            )
    user = User.objects.filter(phone_hash=phone_hash).first()
    if user is None:
        make_password(password)  # spend the same time as a real check: no account enumeration by timing
        ok = False
    else:
        ok = user.has_usable_password() and user.check_password(password)
    if not ok:
        failures = ratelimit.hit(
            f"pw-fail:{phone_hash}", limit=conf["FAILURES_BEFORE_LOCK"], window=conf["LOCK_SECONDS"]
        )
        if failures.count >= conf["FAILURES_BEFORE_LOCK"]:
            ratelimit.lock(f"pw-phone:{phone_hash}", seconds=conf["LOCK_SECONDS"])
        raise Unauthorized(Code.INVALID_CREDENTIALS, _("Wrong phone number or password."))
    assert user is not None
    ensure_login_allowed(user)
    login_record(user, method="password", created=False)
    return user
