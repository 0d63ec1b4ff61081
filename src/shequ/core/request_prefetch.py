"""Cache keys a logged-in viewer's requests read (the layout's badges, the following feed's sources), fetched
in the same round trip as the viewer's user row.

Every logged-in request loads its user from the cache (accounts.auth_backend); each badge and the feed's
sources used to be one more round trip after it. Apps register what they read:

* ``register_user_key(key_for_user_id)``: a key named by the user id alone. The user backend fetches these
  with the user row in one ``get_many`` and keeps the values on that request's user object (``user_get``).
* ``register(name, key_for_request)``: a badge's key for a request (a guest has a cart too). ``cached``
  returns its value: from the values fetched with the user when the key is among them, else every registered
  name still missing is fetched in one ``get_many`` when the first badge renders.

The values fetched with the user are read at the start of the request, so only safe requests (GET, HEAD),
which change no badge, use them for the layout; a POST that adds to the cart renders the count it just wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest

_keys: dict[str, Callable[[HttpRequest], str | None]] = {}
_user_keys: list[Callable[[int], str]] = []
_ATTRIBUTE = "_shequ_prefetched"
_USER_ATTRIBUTE = "_shequ_prefetched_with_user"
_SAFE = frozenset({"GET", "HEAD"})
NOT_FETCHED = object()  # user_get: the key was not fetched with the user (read the cache yourself)
# Values already read for this request with its session (accounts/sessions.py): {cache key: value or None}.
_primed: ContextVar[dict[str, Any] | None] = ContextVar("shequ_prefetch_primed", default=None)


def register(name: str, key_for: Callable[[HttpRequest], str | None]) -> None:
    """``key_for(request)`` names the cache key of ``name`` for that request (None: nothing to read)."""
    _keys[name] = key_for


def register_user_key(key_for_user_id: Callable[[int], str]) -> None:
    """A cache key read on a logged-in viewer's requests, fetched with their user row."""
    if key_for_user_id not in _user_keys:
        _user_keys.append(key_for_user_id)


def user_keys(user_id: int) -> list[str]:
    """The registered keys of ``user_id``."""
    return [key_for(user_id) for key_for in _user_keys]


def prime(values: dict[str, Any] | None) -> None:
    """Values this request has already read (the session store reads the user's keys with the session when it
    can guess the user): ``get_with_user`` takes them instead of reading again. None forgets them."""
    _primed.set(values)


def get_with_user(user_key: str, user_id: int) -> tuple[Any, dict[str, Any]]:
    """The cached user row under ``user_key`` (None when not cached) and the registered keys of ``user_id``
    with their values (None: not cached), in one ``get_many``, or none when they were read for this very user
    with the session (``prime``)."""
    extra = user_keys(user_id)
    values = _primed.get()
    if values is None or user_key not in values or any(key not in values for key in extra):
        values = cache.get_many([user_key, *extra])
    else:
        _primed.set(None)
    return values.get(user_key), {key: values.get(key) for key in extra}


def attach(user, values: dict[str, Any]) -> None:
    """Keep ``values`` (from ``get_with_user``) on this request's user object."""
    setattr(user, _USER_ATTRIBUTE, values)


def user_get(user, key: str) -> Any:
    """A key registered with ``register_user_key`` as fetched with ``user`` (this request's user object): its
    value, None when it was not cached, or ``NOT_FETCHED`` (no user, or loaded another way)."""
    values = getattr(user, _USER_ATTRIBUTE, None)
    return NOT_FETCHED if values is None else values.get(key, NOT_FETCHED)


def cached(request: HttpRequest, name: str):
    """The cached value of the registered ``name`` for this request (None when not cached)."""
    found = getattr(request, _ATTRIBUTE, None)
    if found is None:
        names = {name: key_for(request) for name, key_for in _keys.items()}
        early = {}
        if request.method in _SAFE:
            early = getattr(getattr(request, "user", None), _USER_ATTRIBUTE, None) or {}
        missing = [key for key in names.values() if key and key not in early]
        values = cache.get_many(missing) if missing else {}
        found = {name: early[key] if key in early else values.get(key) for name, key in names.items() if key}
        setattr(request, _ATTRIBUTE, found)
    return found.get(name)
