"""The session backend that finds the logged-in user in the cache instead of the database.

Every logged-in page and HTMX request starts by loading ``request.user``; on PostgreSQL that is a round trip
plus decrypting the phone number, often more than the rest of a cached page. The user row is cached for a few
minutes without the phone (it is encrypted at rest, so it is not put in the cache in clear; reading
``user.phone`` loads it on demand) and dropped whenever the user is saved or deleted (User.save), so a
password change, a deactivation or a new nickname take effect on the next request. Changes made with
``QuerySet.update()`` bypass that and show within ``USER_CACHE_SECONDS``.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from shequ.core import request_prefetch

USER_CACHE_SECONDS = 300
NOT_CACHED = ("phone",)


def user_cache_key(user_id: object) -> str:
    return f"accounts:user:{user_id}"


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        key = user_cache_key(user_id)
        # With the row, the keys other apps read on a viewer's every request (badges, feed sources): one trip.
        user, prefetched = request_prefetch.get_with_user(key, user_id)
        if user is None:
            from shequ.accounts.models import User

            try:
                user = User._default_manager.defer(*NOT_CACHED).get(pk=user_id)
            except (User.DoesNotExist, ValueError, TypeError):
                return None
            cache.set(key, user, USER_CACHE_SECONDS)
        request_prefetch.attach(user, prefetched)
        return user if self.user_can_authenticate(user) else None
