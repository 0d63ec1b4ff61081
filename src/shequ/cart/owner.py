"""Whose cart a request means: the logged-in user's, or a guest's identified by an opaque token.

The web keeps the guest token in a signed cookie; API clients send it as ``X-Cart-Token`` (the API returns
the token when it creates a guest cart). Tokens are random and unguessable; nothing else identifies a guest.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE_NAME = "sq_cart"
COOKIE_SALT = "shequ.cart"
COOKIE_MAX_AGE = 30 * 24 * 3600
HEADER_NAME = "X-Cart-Token"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class CartOwner:
    user: object | None = None
    guest_token: str | None = None

    @property
    def is_guest(self) -> bool:
        return self.user is None

    @property
    def subject(self):
        """Who behaviour events are about: the user, or None (the request's anonymous id)."""
        return self.user


def new_guest_token() -> str:
    return secrets.token_urlsafe(24)


def clean_token(value: str | None) -> str | None:
    value = (value or "").strip()
    return value if TOKEN_RE.match(value) else None


def guest_token_from_cookie(request: HttpRequest) -> str | None:
    return clean_token(request.get_signed_cookie(COOKIE_NAME, default=None, salt=COOKIE_SALT))


def owner_for_web(request: HttpRequest) -> CartOwner:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return CartOwner(user=user)
    return CartOwner(guest_token=guest_token_from_cookie(request))


def owner_for_api(request: HttpRequest) -> CartOwner:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return CartOwner(user=user)
    return CartOwner(guest_token=clean_token(request.headers.get(HEADER_NAME)))


def remember_guest_cart(request: HttpRequest, response: HttpResponse, token: str | None) -> HttpResponse:
    """Set the signed cookie when a guest cart was just created (or its token changed)."""
    if token and guest_token_from_cookie(request) != token:
        response.set_signed_cookie(
            COOKIE_NAME,
            token,
            salt=COOKIE_SALT,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response
