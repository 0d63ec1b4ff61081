"""API v1 of the reviews module: reviews and buyer shows, helpful votes, the "to review" list, product Q&A.
ROUTERS lists (mount prefix, router) pairs that config.api mounts."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Form, Router, Status, UploadedFile
from ninja.pagination import paginate

from shequ.accounts.api_auth import user_auth
from shequ.analytics.services import track
from shequ.core.errors import NotFound
from shequ.core.pagination import PageNumberPagination
from shequ.reviews import selectors, services
from shequ.reviews.access import question_get_published, review_get_published
from shequ.reviews.schemas import (
    ErrorOut,
    FollowUpIn,
    QuestionOut,
    RatingSummaryOut,
    ReviewCreateIn,
    ReviewOut,
    ReviewUpdateIn,
    TextIn,
    ToggleOut,
    ToReviewOut,
)

router = Router(tags=["reviews"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}


def _on_sale(product_id: int) -> int:
    from shequ.catalog.product_detail import product_ref

    return product_ref(key=product_id).id


def _review(review_id: int):
    found = selectors.review_detail(review_id=review_id)
    if found is None:
        raise NotFound("review_not_found", "Review not found.")
    return found


def _ratings(payload) -> services.Ratings:
    return services.Ratings(
        overall=payload.rating,
        taste=payload.rating_taste,
        value=payload.rating_value,
        packaging=payload.rating_packaging,
    )


# --- reviews ------------------------------------------------------------------------------------------------


@router.get(
    "/products/{product_id}", response={200: list[ReviewOut], **ERRORS}, auth=None, summary="A product's reviews"
)
@paginate(PageNumberPagination)
def review_list(request: HttpRequest, product_id: int, filter: str = "all"):
    """Published reviews, featured first then newest. ``filter``: all, photos, good (4–5★), neutral (3★),
    bad (1–2★), follow_up."""
    pid = _on_sale(product_id)
    track(None, "reviews_viewed", {"product_id": pid, "filter": filter, "via": "api"})
    return selectors.review_list_for_product(product_id=pid, filter=filter)


@router.get(
    "/products/{product_id}/summary", response={200: RatingSummaryOut, **ERRORS}, auth=None, summary="Rating summary"
)
def rating_summary(request: HttpRequest, product_id: int):
    row = selectors.product_rating(product_id=_on_sale(product_id))
    return {
        "product_id": row.product_id,
        "review_count": row.review_count,
        "rating_avg": row.rating_avg,
        "taste_avg": row.taste_avg,
        "value_avg": row.value_avg,
        "packaging_avg": row.packaging_avg,
        "positive_percent": row.positive_percent,
        "stars": {str(n): getattr(row, f"stars_{n}") for n in range(1, 6)},
        "photo_review_count": row.photo_review_count,
        "question_count": row.question_count,
    }


@router.post("", response={201: ReviewOut, **ERRORS}, auth=user_auth, summary="Review an item of a completed order")
def review_create(
    request: HttpRequest,
    payload: Form[ReviewCreateIn],
    photos: list[UploadedFile] = File(None),  # noqa: B008 - ninja's idiom
):
    """Multipart form: ``order_item_id``, stars 1–5 (``rating``, ``rating_taste``, ``rating_value``,
    ``rating_packaging``), ``text``, ``is_anonymous`` and up to 9 ``photos`` (stored re-encoded, without EXIF).
    Only items of your own completed orders; one review per item (409 ``already_reviewed``)."""
    review = services.review_create(
        user=request.user,
        order_item_id=payload.order_item_id,
        ratings=_ratings(payload),
        text=payload.text,
        photos=photos or [],
        is_anonymous=payload.is_anonymous,
    )
    return Status(201, _review(review.pk))


@router.get("/to-review", response={200: list[ToReviewOut], **ERRORS}, auth=user_auth, summary="Items to review")
@paginate(PageNumberPagination)
def to_review(request: HttpRequest):
    return [
        {
            "order_item_id": item.pk,
            "order_number": item.order.number,
            "product_id": item.product_id,
            "product_name": item.product_name,
            "variant_label": item.variant_label,
            "image_url": item.image_url,
        }
        for item in selectors.items_to_review_for_user(user=request.user)[:200]
    ]


@router.get("/{review_id}", response={200: ReviewOut, **ERRORS}, auth=None, summary="One review")
def review_detail(request: HttpRequest, review_id: int):
    review_get_published(review_id=review_id)
    return _review(review_id)


@router.patch("/{review_id}", response={200: ReviewOut, **ERRORS}, auth=user_auth, summary="Edit your review (once)")
def review_update(request: HttpRequest, review_id: int, payload: ReviewUpdateIn):
    services.review_update(
        user=request.user,
        review_id=review_id,
        ratings=_ratings(payload),
        text=payload.text,
        is_anonymous=payload.is_anonymous,
    )
    return _review(review_id)


@router.post(
    "/{review_id}/follow-up", response={201: ReviewOut, **ERRORS}, auth=user_auth, summary="Add a follow-up review"
)
def review_follow_up(
    request: HttpRequest,
    review_id: int,
    payload: Form[FollowUpIn],
    photos: list[UploadedFile] = File(None),  # noqa: B008 - ninja's idiom
):
    services.review_follow_up_create(user=request.user, review_id=review_id, text=payload.text, photos=photos or [])
    return Status(201, _review(review_id))


@router.delete("/{review_id}", response={204: None, **ERRORS}, auth=user_auth, summary="Delete your review")
def review_delete(request: HttpRequest, review_id: int):
    services.review_delete(user=request.user, review_id=review_id)
    return Status(204, None)


@router.post("/{review_id}/helpful", response={200: ToggleOut, **ERRORS}, auth=user_auth, summary="Helpful (toggle)")
def review_helpful(request: HttpRequest, review_id: int):
    helpful, count = services.review_helpful_toggle(user=request.user, review_id=review_id)
    return {"active": helpful, "count": count}


# --- Q&A ----------------------------------------------------------------------------------------------------


@router.get(
    "/products/{product_id}/questions",
    response={200: list[QuestionOut], **ERRORS},
    auth=None,
    summary="A product's questions",
)
@paginate(PageNumberPagination)
def question_list(request: HttpRequest, product_id: int):
    """Most answered first, each with its top two answers (official first, then most liked)."""
    return selectors.question_list_for_product(product_id=_on_sale(product_id))


@router.post(
    "/products/{product_id}/questions",
    response={201: QuestionOut, **ERRORS},
    auth=user_auth,
    summary="Ask about a product",
)
def question_ask(request: HttpRequest, product_id: int, payload: TextIn):
    question = services.question_ask(user=request.user, product_id=product_id, text=payload.text)
    return Status(201, selectors.question_detail(question_id=question.pk))


@router.get("/questions/{question_id}", response={200: QuestionOut, **ERRORS}, auth=None, summary="One question")
def question_detail(request: HttpRequest, question_id: int):
    question_get_published(question_id=question_id)
    return selectors.question_detail(question_id=question_id)


@router.post(
    "/questions/{question_id}/answers", response={201: QuestionOut, **ERRORS}, auth=user_auth, summary="Answer"
)
def answer_create(request: HttpRequest, question_id: int, payload: TextIn):
    """Operators' answers carry the brand's official badge; buyers of the product a "bought it" badge."""
    services.answer_create(user=request.user, question_id=question_id, text=payload.text)
    return Status(201, selectors.question_detail(question_id=question_id))


@router.post(
    "/answers/{answer_id}/accept", response={200: QuestionOut, **ERRORS}, auth=user_auth, summary="Best answer"
)
def answer_accept(request: HttpRequest, answer_id: int):
    answer = services.answer_accept(user=request.user, answer_id=answer_id)
    return selectors.question_detail(question_id=answer.question_id)


@router.post("/answers/{answer_id}/like", response={200: ToggleOut, **ERRORS}, auth=user_auth, summary="Like (toggle)")
def answer_like(request: HttpRequest, answer_id: int):
    liked, count = services.answer_like_toggle(user=request.user, answer_id=answer_id)
    return {"active": liked, "count": count}


ROUTERS = [("/reviews", router)]
