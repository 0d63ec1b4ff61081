"""Sessions in the cache, read in the same round trip as the logged-in user's row and badges.

Every logged-in request reads its session (who is logged in) and then that user's row with the keys registered
with it (core.request_prefetch): two round trips in a row, and on a busy server each costs a context switch each
way. So the browser also keeps a hint cookie holding its user id (set when the session names a user, dropped
when it no longer does), and the session store reads the session, the row and those keys in one ``get_many``.

The hint only says what to read. The user is still the one the session names, and what was read for another
id is not used: a forged or stale hint costs one wasted read, nothing else. The session engine for a Redis
deployment (``SESSION_ENGINE = "shequ.accounts.sessions"``); with database sessions the hint is not used.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware

from shequ.accounts.auth_backend import user_cache_key
from shequ.core import request_prefetch

USER_HINT_COOKIE = "sq_uid"


class SessionStore(CacheSessionStore):
    user_hint: int | None = None  # set by SessionMiddleware from the hint cookie

    def load(self):
        if self.user_hint is None:
            return super().load()
        row_key = user_cache_key(self.user_hint)
        keys = [row_key, *request_prefetch.user_keys(self.user_hint)]
        try:
            values = self._cache.get_many([self.cache_key, *keys])
        except Exception:  # as Django's own load: an unreachable cache reads as no session
            values = {}
        request_prefetch.prime({key: values.get(key) for key in keys})
        session_data = values.get(self.cache_key)
        if session_data is not None:
            return session_data
        self._session_key = None
        return {}


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, plus the hint cookie: passed to the session store, and kept in step with the session's user."""

    def process_request(self, request) -> None:
        super().process_request(request)
        request_prefetch.prime(None)
        hint = request.COOKIES.get(USER_HINT_COOKIE, "")
        # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
        if isinstance(request.session, SessionStore) and hint.isascii() and hint.isdigit() and len(hint) <= 18:
            request.session.user_hint = int(hint)

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if isinstance(session, SessionStore) and session.accessed:
            user_id = session.get(SESSION_KEY)
            hint = request.COOKIES.get(USER_HINT_COOKIE)
            if user_id and hint != str(user_id):
                response.set_cookie(
                    USER_HINT_COOKIE,
                    str(user_id),
                    max_age=settings.SESSION_COOKIE_AGE,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite=settings.SESSION_COOKIE_SAMESITE,
                )
            elif not user_id and hint is not None:
                response.delete_cookie(USER_HINT_COOKIE, samesite=settings.SESSION_COOKIE_SAMESITE)
        request_prefetch.prime(None)  # what was read for a hint the request did not use ends with it
        return super().process_response(request, response)
