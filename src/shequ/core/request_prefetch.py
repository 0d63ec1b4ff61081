"""Cache keys every page's layout reads for the viewer (the cart badge, the inbox badge), fetched together.

Each badge used to be its own cache GET while the layout rendered: on Redis a round trip each, on top of the
session and the user. Apps register a function that names the key their badge reads for a request; the first
badge rendered in a request fetches every registered key in one ``get_many`` and the others find theirs on
the request. A key the function cannot name (no cart, no user) is simply not fetched.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest

_keys: dict[str, Callable[[HttpRequest], str | None]] = {}
_ATTRIBUTE = "_shequ_prefetched"


def register(name: str, key_for: Callable[[HttpRequest], str | None]) -> None:
    """``key_for(request)`` names the cache key of ``name`` for that request (None: nothing to read)."""
    _keys[name] = key_for


def cached(request: HttpRequest, name: str):
    """The cached value of the registered ``name`` for this request (None when not cached)."""
    found = getattr(request, _ATTRIBUTE, None)
    if found is None:
        names = {name: key_for(request) for name, key_for in _keys.items()}
        values = cache.get_many([key for key in names.values() if key])
        found = {name: values.get(key) for name, key in names.items() if key}
        setattr(request, _ATTRIBUTE, found)
    return found.get(name)
