"""The community demo seed: realistic, consistent counters, deterministic."""

from __future__ import annotations

import random

import pytest
from django.db.models import Count

from shequ.community.models import Comment, Post, PostLike, Topic
from shequ.community.seed import seed_community
from shequ.core.seeding import SeedContext

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd(make_user):
    from shequ.catalog.testing import make_product

    for n in range(3):
        make_product(f"酸奶{n}号")
    return [make_user(nickname=f"用户{n}").pk for n in range(12)]


def run(user_ids, seed=7):
    ctx = SeedContext(rng=random.Random(seed), scale=0.02, log=lambda message: None, shared={"user_ids": user_ids})
    return seed_community(ctx)


def test_seed_writes_chinese_posts_with_consistent_counters(crowd):
    summary = run(crowd)

    assert summary["posts"] == 60 == Post.objects.count()
    published = Post.objects.filter(status="published")
    assert published.filter(text__regex=r"[\u4e00-\u9fff]").count() == published.count()
    assert Post.objects.filter(product_tags__isnull=False).exists()
    for post in published.annotate(n_likes=Count("likes", distinct=True), n_comments=Count("comments", distinct=True)):
        assert post.like_count == post.n_likes
        assert post.comment_count == post.n_comments
        assert post.hot_score > 0
    assert Topic.objects.filter(post_count__gt=0).exists()
    assert PostLike.objects.count() == summary["likes"]
    assert Comment.objects.count() == summary["comments"]


def test_seed_is_deterministic(crowd):
    run(crowd)
    first = list(Post.objects.order_by("id").values_list("author_id", "text", "like_count"))
    Post.objects.all().delete()
    run(crowd)
    second = list(Post.objects.order_by("id").values_list("author_id", "text", "like_count"))
    assert first == second


def test_seeded_posts_are_searchable(crowd):
    from shequ.community.feeds_search import community_search

    run(crowd)
    assert community_search(q="酸奶").post_count > 0
