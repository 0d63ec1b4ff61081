"""Reads for the review and Q&A pages, the product-page blocks and the API (each a fixed number of queries)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from shequ.community.models import ContentStatus
from shequ.reviews.models import Answer, AnswerLike, ProductRating, Question, Review, ReviewHelpful, ReviewPhoto

PUBLISHED = ContentStatus.PUBLISHED
# Filters of the review list: name → extra filter.
REVIEW_FILTERS: dict[str, dict] = {
    "all": {},
    "photos": {"has_photos": True},
    "good": {"rating__gte": 4},
    "neutral": {"rating": 3},
    "bad": {"rating__lte": 2},
    "follow_up": {"follow_up__isnull": False},
}


def _with_details(rows: QuerySet[Review]) -> QuerySet[Review]:
    return rows.select_related("user", "follow_up").prefetch_related(
        Prefetch("photos", queryset=ReviewPhoto.objects.order_by("is_follow_up", "position", "id"))
    )


def review_list_for_product(*, product_id: int, filter: str = "all") -> QuerySet[Review]:
    """Published reviews of a product: featured first, then newest; photos, follow-up and reviewer loaded."""
    extra = REVIEW_FILTERS.get(filter, {})
    rows = Review.objects.filter(product_id=product_id, status=PUBLISHED, **extra)
    return _with_details(rows.order_by("-is_featured", "-created_at", "-id"))


def review_top_for_product(*, product_id: int, limit: int = 3) -> list[Review]:
    """The few reviews the product page shows: featured, then most helpful, then newest."""
    rows = Review.objects.filter(product_id=product_id, status=PUBLISHED).order_by(
        "-is_featured", "-helpful_count", "-created_at", "-id"
    )
    return list(_with_details(rows)[:limit])


def review_detail(*, review_id: int) -> Review | None:
    return _with_details(Review.objects.filter(pk=review_id)).first()


def reviews_for_user(*, user) -> QuerySet[Review]:
    return _with_details(Review.objects.filter(user=user).exclude(status=ContentStatus.DELETED)).order_by(
        "-created_at", "-id"
    )


def helpful_review_ids(*, user, review_ids: list[int]) -> set[int]:
    """Which of these reviews the person found helpful (one query; none for anonymous visitors)."""
    if user is None or not user.is_authenticated or not review_ids:
        return set()
    return set(ReviewHelpful.objects.filter(user=user, review_id__in=review_ids).values_list("review_id", flat=True))


def product_rating(*, product_id: int) -> ProductRating:
    """The product's rating summary (an empty one, unsaved, when nobody reviewed it yet)."""
    return ProductRating.objects.filter(product_id=product_id).first() or ProductRating(product_id=product_id)


def product_ratings(*, product_ids: list[int]) -> dict[int, ProductRating]:
    return {row.product_id: row for row in ProductRating.objects.filter(product_id__in=product_ids)}


def items_to_review_for_user(*, user):
    """Items of the person's completed orders they have not reviewed yet, most recent first."""
    from shequ.orders.selectors import completed_order_items_for_user

    reviewed = Review.objects.filter(user=user).values("order_item_id")
    return completed_order_items_for_user(user=user).exclude(pk__in=reviewed)


# --- Q&A -------------------------------------------------------------------------------------------------


def _answers_prefetch(limit: int | None = None) -> Prefetch:
    rows = (
        Answer.objects.filter(status=PUBLISHED)
        .select_related("user")
        .order_by("-is_official", "-like_count", "created_at", "id")
    )
    return Prefetch("answers", queryset=rows[:limit] if limit else rows, to_attr="shown_answers")


def question_list_for_product(*, product_id: int, answers: int = 2) -> QuerySet[Question]:
    """Published questions of a product, most answered first, each with its best and top answers loaded."""
    return (
        Question.objects.filter(product_id=product_id, status=PUBLISHED)
        .select_related("user", "best_answer", "best_answer__user")
        .prefetch_related(_answers_prefetch(answers))
        .order_by("-answer_count", "-created_at", "-id")
    )


def question_top_for_product(*, product_id: int, limit: int = 3) -> list[Question]:
    return list(question_list_for_product(product_id=product_id, answers=1)[:limit])


def question_detail(*, question_id: int) -> Question | None:
    """One question with all its published answers (official first, then most liked)."""
    return (
        Question.objects.filter(pk=question_id)
        .select_related("user", "best_answer")
        .prefetch_related(_answers_prefetch())
        .first()
    )


def liked_answer_ids(*, user, answer_ids: list[int]) -> set[int]:
    if user is None or not user.is_authenticated or not answer_ids:
        return set()
    return set(AnswerLike.objects.filter(user=user, answer_id__in=answer_ids).values_list("answer_id", flat=True))


def questions_for_user(*, user) -> QuerySet[Question]:
    return Question.objects.filter(user=user).exclude(status=ContentStatus.DELETED).order_by("-created_at", "-id")
