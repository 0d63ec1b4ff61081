"""Third-party login providers (OAuth 2.0 authorisation-code flow) behind one interface."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from shequ.core.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class OAuthIdentity:
    provider: str
    uid: str
    unionid: str = ""
    nickname: str = ""
    avatar_url: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


class OAuthError(InvalidInput):
    """The provider refused the code or answered with something we cannot use."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "oauth_failed",
            _("Third-party login failed. Please try again."),
            details={"provider_error": detail} if detail else None,
        )


class OAuthProvider:
    name: str = ""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    @property
    def configured(self) -> bool:
        return bool(self.config.get("APP_ID") and self.config.get("APP_SECRET"))

    def authorize_url(self, *, redirect_uri: str, state: str) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def exchange_code(self, code: str) -> OAuthIdentity:  # pragma: no cover - interface
        raise NotImplementedError


@cache
def get_provider(name: str) -> OAuthProvider:
    config = settings.SHEQU_OAUTH_PROVIDERS.get(name)
    if not config:
        raise NotFound("oauth_provider_unknown", _("Unknown login provider."))
    provider = import_string(config["CLASS"])(config)
    provider.name = name
    return provider
