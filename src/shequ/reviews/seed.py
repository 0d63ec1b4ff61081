"""Demo reviews, buyer shows and product Q&A: a year of past purchases (orders.seed_history, in bulk), about
three quarters of their items reviewed with aspect ratings, Chinese texts, shared demo photos, follow-ups, the
brand's replies and helpful votes; questions on most bought products with buyers' and official answers.
Deterministic (seeded random) and bulk-written; the rating rows are then computed in one grouped query."""

from __future__ import annotations

import io
import random
import time
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone
from PIL import Image, ImageDraw

from shequ.community.models import ContentStatus
from shequ.core.seeding import SeedContext
from shequ.reviews import cache as review_cache
from shequ.reviews import seed_text as text
from shequ.reviews.models import (
    Answer,
    AnswerLike,
    ProductRating,
    Question,
    Review,
    ReviewFollowUp,
    ReviewHelpful,
    ReviewPhoto,
)
from shequ.reviews.services.reviews import rating_average

BATCH = 500
BRAND_PHONE = "+8613800138000"
BRAND_NICKNAME = "社区好物官方"
PHOTO_COLOURS = [(246, 226, 196), (255, 240, 245), (220, 238, 250), (232, 245, 225), (250, 235, 215), (240, 230, 250)]


def brand_account():
    """The brand's official account (answers and polls in the demo speak for the brand)."""
    from shequ.accounts.services.auth import user_get_or_create_by_phone

    user, _created = user_get_or_create_by_phone(e164=BRAND_PHONE, nickname=BRAND_NICKNAME)
    return user


def _clamp(value: int) -> int:
    return max(1, min(5, value))


def _demo_photos(rng: random.Random) -> list[tuple[str, str]]:
    """A handful of shared buyer-show pictures (stored once, referenced by many reviews)."""
    names = []
    for index, colour in enumerate(PHOTO_COLOURS):
        image = Image.new("RGB", (800, 800), colour)
        draw = ImageDraw.Draw(image)
        for _shape in range(5):
            x, y, r = rng.randrange(100, 700), rng.randrange(100, 700), rng.randrange(40, 160)
            tint = tuple(max(0, c - rng.randrange(30, 90)) for c in colour)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=tint)
        stored = []
        for suffix, side in (("", 800), ("_t", 360)):
            out = io.BytesIO()
            image.resize((side, side)).save(out, format="JPEG", quality=80)
            name = f"reviews/demo/show-{index}{suffix}.jpg"
            if not default_storage.exists(name):
                name = default_storage.save(name, ContentFile(out.getvalue()))
            stored.append(name)
        names.append((stored[0], stored[1]))
    return names


def _reviews(rng: random.Random, past, user_ids: list[int], now, photos) -> dict:
    reviews: list[Review] = []
    featured_products: set[int] = set()
    for item in past:
        if rng.random() >= 0.75:
            continue
        overall = rng.choices([5, 4, 3, 2, 1], weights=[55, 25, 10, 5, 5])[0]
        taste = _clamp(overall + rng.choice([-1, 0, 0, 0, 1]))
        value = _clamp(overall + rng.choice([-1, 0, 0, 1]))
        packaging = _clamp(overall + rng.choice([-2, -1, 0, 0, 0, 1]))
        created = min(now - timedelta(hours=1), item.completed_at + timedelta(hours=rng.uniform(2, 240)))
        body = text.review_text(rng, taste=taste, value=value, packaging=packaging, overall=overall)
        has_photos = bool(body) and rng.random() < 0.25
        featured = has_photos and overall == 5 and item.product_id not in featured_products
        if featured:
            featured_products.add(item.product_id)
        replied = rng.random() < (0.35 if overall <= 2 else 0.04)
        reviews.append(
            Review(
                order_item_id=item.order_item_id,
                user_id=item.user_id,
                product_id=item.product_id,
                sku_id=item.sku_id,
                variant_label=item.variant_label,
                rating=overall,
                rating_taste=taste,
                rating_value=value,
                rating_packaging=packaging,
                text=body,
                is_anonymous=rng.random() < 0.08,
                has_photos=has_photos,
                is_featured=featured,
                official_reply=text.official_reply(rng, overall=overall) if replied else "",
                official_reply_at=created + timedelta(hours=rng.uniform(2, 30)) if replied else None,
                created_at=created,
            )
        )
    dates = [review.created_at for review in reviews]  # bulk_create stamps "now" on auto_now_add fields
    made = Review.objects.bulk_create(reviews, batch_size=BATCH)
    for review, created in zip(made, dates, strict=True):
        review.created_at = review.updated_at = created
    Review.objects.bulk_update(made, ["created_at", "updated_at"], batch_size=BATCH)
    photo_rows, follow_ups, helpful = [], [], []
    for review in made:
        if review.has_photos:
            for position, (image, thumb) in enumerate(rng.sample(photos, rng.choice([1, 1, 2, 3]))):
                photo_rows.append(ReviewPhoto(review_id=review.pk, image=image, thumbnail=thumb, position=position))
        if rng.random() < 0.1:
            follow_ups.append(ReviewFollowUp(review_id=review.pk, text=text.follow_up_text(rng, overall=review.rating)))
        if review.text and rng.random() < 0.4:
            voters = {v for v in rng.sample(user_ids, min(len(user_ids), rng.randrange(1, 9))) if v != review.user_id}
            helpful.extend(ReviewHelpful(review_id=review.pk, user_id=voter) for voter in voters)
            review.helpful_count = len(voters)
    ReviewPhoto.objects.bulk_create(photo_rows, batch_size=BATCH)
    follow_ups = ReviewFollowUp.objects.bulk_create(follow_ups, batch_size=BATCH)
    by_id = {review.pk: review for review in made}
    for follow_up in follow_ups:
        follow_up.created_at = by_id[follow_up.review_id].created_at + timedelta(days=rng.uniform(7, 40))
    ReviewFollowUp.objects.bulk_update(follow_ups, ["created_at"], batch_size=BATCH)
    ReviewHelpful.objects.bulk_create(helpful, batch_size=BATCH, ignore_conflicts=True)
    Review.objects.bulk_update([r for r in made if r.helpful_count], ["helpful_count"], batch_size=BATCH)
    return {"reviews": len(made), "photos": len(photo_rows), "follow_ups": len(follow_ups), "helpful": len(helpful)}


def _questions(rng: random.Random, past, user_ids: list[int], brand_id: int, now) -> dict:
    buyers: dict[int, list[int]] = {}
    for item in past:
        buyers.setdefault(item.product_id, []).append(item.user_id)
    questions: list[Question] = []
    for product_id in sorted(buyers):
        if rng.random() >= 0.7:
            continue
        for question_text in rng.sample(text.QUESTIONS, rng.randrange(1, 5)):
            questions.append(
                Question(
                    product_id=product_id,
                    user_id=rng.choice(user_ids),
                    text=question_text,
                    created_at=now - timedelta(days=rng.uniform(1, 300)),
                )
            )
    dates = [question.created_at for question in questions]
    made = Question.objects.bulk_create(questions, batch_size=BATCH)
    answers: list[Answer] = []
    for question, created in zip(made, dates, strict=True):
        question.created_at = created
        if rng.random() < 0.3:
            answers.append(
                Answer(
                    question_id=question.pk,
                    user_id=brand_id,
                    text=rng.choice(text.OFFICIAL_ANSWERS),
                    is_official=True,
                    like_count=0,
                )
            )
        product_buyers = buyers[question.product_id]
        for _index in range(rng.choice([0, 1, 1, 2, 2, 3, 4])):
            answerer = rng.choice(product_buyers) if rng.random() < 0.8 else rng.choice(user_ids)
            answers.append(
                Answer(
                    question_id=question.pk,
                    user_id=answerer,
                    text=rng.choice(text.ANSWERS),
                    is_verified_buyer=answerer in product_buyers,
                )
            )
    answers = Answer.objects.bulk_create(answers, batch_size=BATCH)
    by_question: dict[int, list[Answer]] = {}
    likes: list[AnswerLike] = []
    for answer in answers:
        by_question.setdefault(answer.question_id, []).append(answer)
        voters = set(rng.sample(user_ids, min(len(user_ids), rng.choice([0, 0, 1, 2, 3, 6]))))
        likes.extend(AnswerLike(answer_id=answer.pk, user_id=voter) for voter in voters)
        answer.like_count = len(voters)
    AnswerLike.objects.bulk_create(likes, batch_size=BATCH, ignore_conflicts=True)
    for question in made:
        found = by_question.get(question.pk, [])
        question.answer_count = len(found)
        for offset, answer in enumerate(found, start=1):
            answer.created_at = answer.updated_at = question.created_at + timedelta(hours=offset * rng.uniform(1, 20))
        if found and rng.random() < 0.35:
            question.best_answer_id = max(found, key=lambda a: (a.is_official, a.like_count)).pk
    Answer.objects.bulk_update(answers, ["created_at", "updated_at", "like_count"], batch_size=BATCH)
    for question in made:
        question.updated_at = question.created_at
    Question.objects.bulk_update(made, ["created_at", "updated_at", "answer_count", "best_answer"], batch_size=BATCH)
    return {"questions": len(made), "answers": len(answers), "answer_likes": len(likes)}


def ratings_rebuild(product_ids: list[int] | None = None) -> int:
    """Recompute the rating rows (and the catalog's rating fields) of these products — or of all reviewed
    products — with one grouped query per table."""
    from shequ.catalog.services import products_set_ratings

    published = Q(status=ContentStatus.PUBLISHED)
    reviews = Review.objects.filter(published)
    questions = Question.objects.filter(published)
    if product_ids is not None:
        reviews, questions = reviews.filter(product_id__in=product_ids), questions.filter(product_id__in=product_ids)
    totals = {
        row["product_id"]: row
        for row in reviews.values("product_id").annotate(
            count=Count("id"),
            avg_rating=Avg("rating"),
            avg_taste=Avg("rating_taste"),
            avg_value=Avg("rating_value"),
            avg_packaging=Avg("rating_packaging"),
            photos=Count("id", filter=Q(has_photos=True)),
            **{f"s{n}": Count("id", filter=Q(rating=n)) for n in range(1, 6)},
        )
    }
    asked = dict(questions.values("product_id").annotate(n=Count("id")).values_list("product_id", "n"))
    rows = []
    for product_id in sorted(set(totals) | set(asked)):
        row = totals.get(product_id, {})
        rows.append(
            ProductRating(
                product_id=product_id,
                review_count=row.get("count", 0),
                rating_avg=rating_average(row.get("avg_rating")),
                taste_avg=rating_average(row.get("avg_taste")),
                value_avg=rating_average(row.get("avg_value")),
                packaging_avg=rating_average(row.get("avg_packaging")),
                photo_review_count=row.get("photos", 0),
                question_count=asked.get(product_id, 0),
                **{f"stars_{n}": row.get(f"s{n}", 0) for n in range(1, 6)},
            )
        )
    fields = [f.name for f in ProductRating._meta.concrete_fields if f.name not in ("product", "updated_at")]
    ProductRating.objects.bulk_create(
        rows, batch_size=BATCH, update_conflicts=True, unique_fields=["product"], update_fields=fields
    )
    products_set_ratings(ratings={row.product_id: (row.rating_avg, row.review_count) for row in rows})
    for row in rows:
        review_cache.product_changed(row.product_id)
    return len(rows)


def seed_reviews(ctx: SeedContext) -> dict:
    """Seeder ``reviews.demo``: about 2,000 past orders → 2,500+ reviews and 500+ questions at scale 1."""
    from shequ.accounts.selectors import consumer_ids
    from shequ.orders.pricing import purchasable_sku_ids
    from shequ.orders.seed_history import completed_history_bulk

    started = time.perf_counter()
    rng = random.Random(ctx.rng.randrange(1 << 32))
    user_ids = list(ctx.shared.get("user_ids") or consumer_ids(limit=2000))
    sku_ids = list(ctx.shared.get("sku_ids") or purchasable_sku_ids())
    if not user_ids or not sku_ids:
        ctx.log("    no consumers or products to review: skipped")
        return {"reviews": 0}
    now = timezone.now()
    with transaction.atomic():
        past = completed_history_bulk(rng=rng, user_ids=user_ids, sku_ids=sku_ids, orders=ctx.count(2000), now=now)
        brand = brand_account()
        summary = {"past_orders": ctx.count(2000), "past_items": len(past)}
        summary.update(_reviews(rng, past, user_ids, now, _demo_photos(rng)))
        summary.update(_questions(rng, past, user_ids, brand.pk, now))
        summary["rated_products"] = ratings_rebuild()
    ctx.shared["brand_user_id"] = brand.pk
    ctx.log(f"    reviews written in {time.perf_counter() - started:.1f}s")
    return summary
