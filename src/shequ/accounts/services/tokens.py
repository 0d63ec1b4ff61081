"""Bearer tokens for the API: a short-lived access token and a rotating refresh token per login."""

from __future__ import annotations

import functools
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.accounts.auth_backend import NOT_CACHED, USER_CACHE_SECONDS, CachedModelBackend, user_cache_key
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


# A live access token's row is cached (token id, user id, family, expiry) so that an API request does not start
# with a query: every revocation below drops the cached rows of the tokens it revokes, so a revoked token still
# stops working on the next request; the user comes from the cached user backend, which checks is_active.
TOKEN_CACHE_SECONDS = 300


def _token_cache_key(key_hash: str) -> str:
    return f"accounts:token:{key_hash}"


@functools.cache
def _token_user_sql() -> str:
    """A live access token's id, family and expiry with its user's cached columns (phone left deferred). Built
    once per process: the ORM compiled the same join (select_related with defer) for every token not yet
    cached, ~0.7 ms a time, and in a flash sale every buyer's first request has such a token."""
    quote = connection.ops.quote_name
    columns = ", ".join(f"u.{quote(f.column)}" for f in User._meta.concrete_fields if f.name not in NOT_CACHED)
    return (
        f"SELECT {columns}, t.id AS token_id, t.family AS token_family, t.expires_at AS token_expires_at "  # noqa: S608
        f"FROM {quote(ApiToken._meta.db_table)} t JOIN {quote(User._meta.db_table)} u ON u.id = t.user_id "
        "WHERE t.key_hash = %s AND t.kind = %s AND t.revoked_at IS NULL AND t.expires_at > %s"
    )


def _aware(value) -> datetime:
    """A datetime read by a raw query: aware on PostgreSQL, UTC text on SQLite."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def token_authenticate(raw: str) -> tuple[User, ApiToken] | None:
    """Return the user and token row for a live access token, or None."""
    if not (raw or "").startswith(ACCESS_PREFIX):
        return None
    key_hash = _hash(raw)
    now = timezone.now()
    cached = cache.get(_token_cache_key(key_hash))
    user = None
    if cached is None:  # one query for the token and its user; both are cached for the next request
        user = next(iter(User.objects.raw(_token_user_sql(), [key_hash, TokenKind.ACCESS, now])), None)
        if user is None:
            return None
        expires = _aware(user.token_expires_at)
        cached = (user.token_id, user.pk, str(uuid.UUID(str(user.token_family))), expires.timestamp())
        del user.token_id, user.token_family, user.token_expires_at  # the cached user is the user alone
        # One round trip for both rows (a pipeline on Redis): a buyer's first request of a sale lands here.
        cache.set_many(
            {_token_cache_key(key_hash): cached, user_cache_key(user.pk): user},
            min(TOKEN_CACHE_SECONDS, USER_CACHE_SECONDS),
        )
    token_id, user_id, family, expires_at = cached
    if expires_at <= now.timestamp():
        return None
    backend = CachedModelBackend()
    if user is None:
        user = backend.get_user(user_id)  # None for a deactivated or deleted account
    if user is None or not backend.user_can_authenticate(user):
        return None
    row = ApiToken(
        pk=token_id,
        user_id=user_id,
        kind=TokenKind.ACCESS,
        key_hash=key_hash,
        family=uuid.UUID(family),
        expires_at=datetime.fromtimestamp(expires_at, tz=UTC),
    )
    return user, row


def _revoke(tokens) -> int:
    """Revoke the live tokens of ``tokens`` (a queryset) and drop their cached rows, now and after commit."""
    live = tokens.filter(revoked_at__isnull=True)
    keys = [_token_cache_key(key_hash) for key_hash in live.values_list("key_hash", flat=True)]
    revoked = live.update(revoked_at=timezone.now())
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))
    return revoked


def token_family_revoke(*, family: uuid.UUID) -> int:
    """Log one login out: revoke its access and refresh tokens."""
    return _revoke(ApiToken.objects.filter(family=family))


def user_tokens_revoke_all(*, user: User) -> int:
    """Log the user out of every app (password change, account deletion, operator action)."""
    return _revoke(ApiToken.objects.filter(user=user))


def tokens_purge_expired(*, older_than: timedelta = timedelta(days=7)) -> int:
    deleted, _ = ApiToken.objects.filter(expires_at__lt=timezone.now() - older_than).delete()
    return deleted
