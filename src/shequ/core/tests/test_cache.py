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


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)")
def test_clearing_the_cache_leaves_other_prefixes_in_the_same_database_alone():
    mine = SharedClientRedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "shequ-test-mine"})
    theirs = SharedClientRedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "shequ-test-theirs"})
    mine.set_many({f"k{n}": n for n in range(1500)}, timeout=30)
    theirs.set("session", "still here", timeout=30)

    mine.clear()

    assert mine.get("k0") is None and mine.get("k1499") is None
    assert theirs.get("session") == "still here"
    theirs.clear()


def test_get_many_and_incr_reads_the_keys_and_counts_in_one_call():
    from django.core.cache import cache

    from shequ.core.cache import get_many_and_incr

    cache.delete("views-test")
    cache.set_many({"part-a": ("标题", [1, 2]), "part-b": 7}, timeout=30)

    found, first = get_many_and_incr(["part-a", "part-b", "part-missing"], "views-test", timeout=30)
    _, second = get_many_and_incr(["part-a"], "views-test", timeout=30)
    _, third = get_many_and_incr([], "views-test", timeout=30)

    assert found == {"part-a": ("标题", [1, 2]), "part-b": 7}
    assert (first, second, third) == (1, 2, 3)
    cache.delete_many(["part-a", "part-b", "views-test"])
