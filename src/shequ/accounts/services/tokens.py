"""Bearer tokens for the API: a short-lived access token and a rotating refresh token per login."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.accounts.error_codes import AccountsErrorCode as Code
from shequ.accounts.models import ApiToken, TokenKind, User
from shequ.core.errors import Unauthorized

ACCESS_PREFIX = "sqa_"
REFRESH_PREFIX = "sqr_"


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    refresh_expires_in: int
    family: uuid.UUID


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _new(user: User, kind: str, family: uuid.UUID, ttl: int, user_agent: str, ip: str) -> str:
    prefix = ACCESS_PREFIX if kind == TokenKind.ACCESS else REFRESH_PREFIX
    raw = prefix + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        kind=kind,
        key_hash=_hash(raw),
        family=family,
        expires_at=timezone.now() + timedelta(seconds=ttl),
        user_agent=user_agent[:200],
        ip=ip[:64],
    )
    return raw


def token_pair_issue(*, user: User, family: uuid.UUID | None = None, user_agent: str = "", ip: str = "") -> TokenPair:
    """Issue an access + refresh token pair for a login (or a refresh within the same login)."""
    conf = settings.SHEQU_TOKENS
    family = family or uuid.uuid4()
    with transaction.atomic():
        access = _new(user, TokenKind.ACCESS, family, conf["ACCESS_TTL_SECONDS"], user_agent, ip)
        refresh = _new(user, TokenKind.REFRESH, family, conf["REFRESH_TTL_SECONDS"], user_agent, ip)
    return TokenPair(
        access_token=access,
        refresh_token=refresh,
        expires_in=conf["ACCESS_TTL_SECONDS"],
        refresh_expires_in=conf["REFRESH_TTL_SECONDS"],
        family=family,
    )


def _invalid() -> Unauthorized:
    return Unauthorized(Code.INVALID_TOKEN, _("Your login has expired or was revoked. Please log in again."))


def token_refresh(*, refresh_token: str, user_agent: str = "", ip: str = "") -> TokenPair:
    """Trade a refresh token for a new pair. A refresh token works once; reuse revokes the whole login."""
    if not (refresh_token or "").startswith(REFRESH_PREFIX):
        raise _invalid()
    now = timezone.now()
    row = ApiToken.objects.select_related("user").filter(key_hash=_hash(refresh_token), kind=TokenKind.REFRESH).first()
    if row is None:
        raise _invalid()
    if row.revoked_at is not None:
        # A used refresh token came back: someone holds a copy. End that login everywhere.
        token_family_revoke(family=row.family)
        raise _invalid()
    if row.expires_at <= now or not row.user.is_active:
        raise _invalid()
    with transaction.atomic():
        if ApiToken.objects.filter(pk=row.pk, revoked_at__isnull=True).update(revoked_at=now) != 1:
            raise _invalid()
        return token_pair_issue(user=row.user, family=row.family, user_agent=user_agent, ip=ip)


def token_authenticate(raw: str) -> tuple[User, ApiToken] | None:
    """Return the user and token row for a live access token, or None."""
    if not (raw or "").startswith(ACCESS_PREFIX):
        return None
    row = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(raw), kind=TokenKind.ACCESS, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    return row.user, row


def token_family_revoke(*, family: uuid.UUID) -> int:
    """Log one login out: revoke its access and refresh tokens."""
    return ApiToken.objects.filter(family=family, revoked_at__isnull=True).update(revoked_at=timezone.now())


def user_tokens_revoke_all(*, user: User) -> int:
    """Log the user out of every app (password change, account deletion, operator action)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def tokens_purge_expired(*, older_than: timedelta = timedelta(days=7)) -> int:
    deleted, _ = ApiToken.objects.filter(expires_at__lt=timezone.now() - older_than).delete()
    return deleted
