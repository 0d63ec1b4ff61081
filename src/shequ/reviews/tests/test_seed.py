"""The demo seed: past purchases, reviews with aspect ratings and photos, Q&A and polls — deterministic, and
consistent with what the services would have written (counts, rating rows)."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from shequ.catalog.models import Product
from shequ.catalog.testing import make_product
from shequ.core.seeding import SeedContext, seeders
from shequ.polls.models import Poll, PollBallot
from shequ.polls.seed import seed_polls
from shequ.reviews.models import Answer, ProductRating, Question, Review
from shequ.reviews.seed import seed_reviews

pytestmark = pytest.mark.django_db


def _context(users, skus, seed=7):
    return SeedContext(
        rng=random.Random(seed),
        scale=0.05,
        log=lambda _m: None,
        shared={"user_ids": [u.pk for u in users], "sku_ids": [s.pk for s in skus]},
    )


def test_reviews_and_questions_are_seeded_consistently(make_user):
    users = [make_user() for _ in range(8)]
    skus = [make_product(skus=[{"stock": 50}]).skus.get() for _ in range(4)]

    summary = seed_reviews(_context(users, skus))

    assert summary["reviews"] == Review.objects.count() > 50
    assert summary["questions"] == Question.objects.count() > 0
    for rating in ProductRating.objects.all():
        reviews = Review.objects.filter(product_id=rating.product_id)
        assert rating.review_count == reviews.count()
        assert rating.question_count == Question.objects.filter(product_id=rating.product_id).count()
        assert sum(getattr(rating, f"stars_{n}") for n in range(1, 6)) == rating.review_count
        product = Product.objects.get(pk=rating.product_id)
        assert (product.rating_avg, product.rating_count) == (rating.rating_avg, rating.review_count)
    for question in Question.objects.all():
        assert question.answer_count == Answer.objects.filter(question=question).count()
    assert all(r.order_item.order.status == "completed" for r in Review.objects.select_related("order_item__order"))
    assert Review.objects.exclude(text="").filter(text__regex=r"[\u4e00-\u9fff]").exists()
    week_ago = timezone.now() - timedelta(days=7)
    assert Review.objects.filter(created_at__lt=week_ago).count() > summary["reviews"] // 2  # spread over the year
    assert Question.objects.filter(created_at__lt=week_ago).exists()


def test_polls_are_seeded_with_counted_ballots(make_user):
    users = [make_user() for _ in range(10)]
    make_product()

    summary = seed_polls(_context(users, []))

    assert summary["polls"] == Poll.objects.count() == 5
    for poll in Poll.objects.prefetch_related("options"):
        assert poll.ballot_count == PollBallot.objects.filter(poll=poll).count() > 0
    assert Poll.objects.filter(closes_at__lt=timezone.now()).count() == 1  # one closed poll shows its results
    order = {seeder.name: seeder.order for seeder in seeders()}
    assert order["polls.demo"] > order["reviews.demo"] > order["orders.demo"]
