"""Django's Redis cache backend, with one redis client per connection pool instead of one per call.

Django's client builds a new ``redis.Redis`` object on every cache operation; its constructor sets up a table
of response callbacks, which costs about as much as the network round trip itself on a hot page. redis-py
clients are thread-safe and share their pool, so one per pool is enough.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class PooledRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(index))
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = PooledRedisCacheClient

    def clear(self) -> None:
        """Delete this cache's own keys (its KEY_PREFIX), not the whole Redis database as Django's FLUSHDB
        does: the database may be shared (with another deployment, with the Celery broker, or with parallel
        test workers, whose sessions a FLUSHDB would wipe mid-test). The in-process copies in front of it
        (fragment_cache) go too."""
        from shequ.core import fragment_cache

        fragment_cache.clear_local()
        if not self.key_prefix:
            super().clear()
            return
        client = self._cache.get_client(None, write=True)
        batch = []
        for key in client.scan_iter(match=f"{self.key_prefix}:*", count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)


def redis_pipeline(keys: list[str] | None = None):
    """``(pipeline, full_keys)`` on the default cache's Redis, or None when the cache is not Redis.

    For the few writes that send several commands per request (a counter with its expiry, a badge dropped and
    a stream woken): a non-transactional pipeline sends them in one round trip, where the cache API would take
    one each. ``full_keys`` are ``keys`` with the cache's prefix and version, as Django stores them.
    """
    from django.core.cache import caches

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    full = [backend.make_and_validate_key(key) for key in keys or []]
    client = backend._cache.get_client(full[0] if full else None, write=True)
    return client.pipeline(transaction=False), full


def incr_with_expiry(key: str, timeout: int) -> int:
    """Add one to the counter ``key`` (kept ``timeout`` seconds) and return it. On Redis one round trip (INCR and
    EXPIRE pipelined), not the three of Django's ``add`` + ``incr`` (which checks that the key exists first)."""
    from django.core.cache import cache

    shared = redis_pipeline([key])
    if shared is not None:
        pipe, (full,) = shared
        pipe.incr(full)
        pipe.expire(full, timeout)
        return int(pipe.execute()[0])
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=timeout)
        return 1


def get_many_and_incr(keys: list[str], counter: str, *, timeout: int) -> tuple[dict, int]:
    """``cache.get_many(keys)`` and ``incr_with_expiry(counter, timeout)`` in one round trip on Redis.

    For a page that reads its cached parts and counts a view on every request: on a busy two-core server each
    round trip to Redis costs a context switch each way, and this makes two of them one."""
    from django.core.cache import caches

    shared = redis_pipeline([counter, *keys]) if keys else None
    if shared is None:
        found = caches["default"].get_many(keys) if keys else {}
        return found, incr_with_expiry(counter, timeout)
    pipe, (full_counter, *full_keys) = shared
    pipe.mget(full_keys)
    pipe.incr(full_counter)
    pipe.expire(full_counter, timeout)
    values, count, _expiry = pipe.execute()
    loads = caches["default"]._cache._serializer.loads
    return {key: loads(value) for key, value in zip(keys, values, strict=True) if value is not None}, int(count)
