"""How API requests authenticate: a bearer access token, or the web session (with CSRF) for HTMX pages."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from shequ.accounts.services.tokens import token_authenticate


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        found = token_authenticate(token)
        if found is None:
            return None
        user, row = found
        request.user = user
        request.api_token = row
        return user


bearer_auth = BearerTokenAuth()
user_auth = [bearer_auth, django_auth]


def anonymous(request: HttpRequest) -> bool:
    """Accept anyone: for endpoints where logging in is optional (it is tried first)."""
    return True


optional_user_auth = [bearer_auth, django_auth, anonymous]
