"""Third-party login: a linked identity logs straight in; a new one must bind a phone by SMS code first.

Binding a phone (rather than creating a phone-less account) keeps one person one account, and a
verified phone is what Chinese regulation expects of a posting account.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from shequ.accounts.error_codes import AccountsErrorCode as Code
from shequ.accounts.models import OtpPurpose, SocialAccount, User
from shequ.accounts.providers.oauth.base import OAuthIdentity, get_provider
from shequ.accounts.services.auth import (
    LoginResult,
    ensure_login_allowed,
    login_record,
    user_get_or_create_by_phone,
)
from shequ.accounts.services.otp import otp_verify
from shequ.core.errors import Conflict, InvalidInput

BIND_SALT = "shequ.oauth.bind"
BIND_MAX_AGE = 15 * 60


@dataclass(frozen=True)
class OAuthOutcome:
    login: LoginResult | None
    bind_token: str = ""
    identity: OAuthIdentity | None = None


def oauth_authorize_url(*, provider: str, redirect_uri: str) -> tuple[str, str]:
    """Return (url to send the browser to, state to remember in the session)."""
    adapter = get_provider(provider)
    if not adapter.configured:
        raise InvalidInput(Code.OAUTH_NOT_CONFIGURED, _("This login method is not set up."))
    state = secrets.token_urlsafe(24)
    return adapter.authorize_url(redirect_uri=redirect_uri, state=state), state


def oauth_complete(*, provider: str, code: str) -> OAuthOutcome:
    """Exchange the provider's code; log in a linked user or hand back a token to bind a phone with."""
    adapter = get_provider(provider)
    if not adapter.configured:
        raise InvalidInput(Code.OAUTH_NOT_CONFIGURED, _("This login method is not set up."))
    identity = adapter.exchange_code(code)
    linked = SocialAccount.objects.select_related("user").filter(provider=provider, uid=identity.uid).first()
    if linked is not None:
        ensure_login_allowed(linked.user)
        login_record(linked.user, method=provider, created=False)
        return OAuthOutcome(login=LoginResult(user=linked.user, created=False), identity=identity)
    token = signing.dumps(
        {
            "p": provider,
            "uid": identity.uid,
            "union": identity.unionid,
            "nick": identity.nickname,
            "avatar": identity.avatar_url,
        },
        salt=BIND_SALT,
    )
    return OAuthOutcome(login=None, bind_token=token, identity=identity)


def oauth_bind_phone(*, bind_token: str, phone: str, code: str) -> LoginResult:
    """Prove a phone by SMS code and link the pending third-party identity to its account."""
    try:
        pending = signing.loads(bind_token or "", salt=BIND_SALT, max_age=BIND_MAX_AGE)
    except signing.BadSignature as exc:
        raise InvalidInput(Code.OAUTH_STATE_INVALID, _("The login took too long. Please start again.")) from exc
    e164 = otp_verify(phone=phone, purpose=OtpPurpose.LOGIN, code=code)  # outside the transaction: see otp_verify
    with transaction.atomic():  # a refused link must not leave a freshly created account behind
        user, created = user_get_or_create_by_phone(e164=e164)
        ensure_login_allowed(user)
        _link(
            user=user,
            provider=pending["p"],
            uid=pending["uid"],
            unionid=pending.get("union", ""),
            profile={"nickname": pending.get("nick", ""), "avatar_url": pending.get("avatar", "")},
        )
    login_record(user, method=pending["p"], created=created)
    return LoginResult(user=user, created=created)


def _link(*, user: User, provider: str, uid: str, unionid: str, profile: dict) -> SocialAccount:
    try:
        with transaction.atomic():
            return SocialAccount.objects.create(user=user, provider=provider, uid=uid, unionid=unionid, profile=profile)
    except IntegrityError as exc:
        raise Conflict(
            Code.SOCIAL_ALREADY_LINKED,
            _("This WeChat account is linked to another phone, or this phone to another WeChat account."),
        ) from exc
