import os

import pytest

from shequ.core.cache import SharedClientRedisCache


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)")
def test_the_redis_cache_reuses_one_client_per_pool_and_works():
    cache = SharedClientRedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "shequ-test-cache"})

    first = cache._cache.get_client("a", write=True)
    assert cache._cache.get_client("b", write=True) is first
    cache.set("greeting", {"text": "你好"}, timeout=5)
    assert cache.get("greeting") == {"text": "你好"}
    assert cache.incr("counter", 1) if cache.add("counter", 0, timeout=5) else True
    cache.delete_many(["greeting", "counter"])
