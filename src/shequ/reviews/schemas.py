"""API shapes for reviews and product Q&A. Length limits here stop oversized input before any service runs."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema


class ErrorOut(Schema):
    code: str
    message: str
    details: dict | None = None


class RatingsIn(Schema):
    rating: int = Field(..., ge=1, le=5, description="Overall stars")
    rating_taste: int = Field(..., ge=1, le=5)
    rating_value: int = Field(..., ge=1, le=5)
    rating_packaging: int = Field(..., ge=1, le=5)


class ReviewCreateIn(RatingsIn):
    """Multipart form fields (photos are sent as files named ``photos``)."""

    order_item_id: int = Field(..., ge=1)
    text: str = Field("", max_length=4000)
    is_anonymous: bool = False


class ReviewUpdateIn(RatingsIn):
    text: str = Field("", max_length=4000)
    is_anonymous: bool | None = None


class FollowUpIn(Schema):
    text: str = Field(..., max_length=2000)


class TextIn(Schema):
    text: str = Field(..., max_length=2000)


class PhotoOut(Schema):
    url: str
    thumbnail_url: str
    follow_up: bool


class FollowUpOut(Schema):
    text: str
    created_at: datetime


class ReviewOut(Schema):
    id: int
    product_id: int
    author: str
    verified_purchase: bool = True
    variant: str
    rating: int
    rating_taste: int
    rating_value: int
    rating_packaging: int
    text: str
    photos: list[PhotoOut]
    follow_up: FollowUpOut | None
    official_reply: str
    official_reply_at: datetime | None
    is_featured: bool
    helpful_count: int
    edited: bool
    created_at: datetime

    @staticmethod
    def resolve_author(obj) -> str:
        from shequ.reviews.presentation import author_name

        return author_name(obj)

    @staticmethod
    def resolve_variant(obj) -> str:
        return obj.variant_label

    @staticmethod
    def resolve_photos(obj) -> list[dict]:
        return [
            {"url": p.image.url, "thumbnail_url": p.thumbnail_url, "follow_up": p.is_follow_up}
            for p in obj.photos.all()
        ]

    @staticmethod
    def resolve_follow_up(obj):
        return getattr(obj, "follow_up", None)

    @staticmethod
    def resolve_edited(obj) -> bool:
        return bool(obj.edit_count)


class RatingSummaryOut(Schema):
    product_id: int
    review_count: int
    rating_avg: Decimal
    taste_avg: Decimal
    value_avg: Decimal
    packaging_avg: Decimal
    positive_percent: int
    stars: dict[str, int]
    photo_review_count: int
    question_count: int


class ToReviewOut(Schema):
    order_item_id: int
    order_number: str
    product_id: int
    product_name: str
    variant_label: str
    image_url: str


class ToggleOut(Schema):
    active: bool
    count: int


class AnswerOut(Schema):
    id: int
    author: str
    text: str
    is_official: bool
    is_verified_buyer: bool
    is_best: bool = False
    like_count: int
    created_at: datetime

    @staticmethod
    def resolve_author(obj) -> str:
        from shequ.reviews.presentation import author_name

        return author_name(obj)


class QuestionOut(Schema):
    id: int
    product_id: int
    author: str
    text: str
    answer_count: int
    best_answer_id: int | None
    answers: list[AnswerOut]
    created_at: datetime

    @staticmethod
    def resolve_author(obj) -> str:
        from shequ.reviews.presentation import author_name

        return author_name(obj)

    @staticmethod
    def resolve_answers(obj) -> list[dict]:
        return [
            {
                "id": a.pk,
                "author": AnswerOut.resolve_author(a),
                "text": a.text,
                "is_official": a.is_official,
                "is_verified_buyer": a.is_verified_buyer,
                "is_best": a.pk == obj.best_answer_id,
                "like_count": a.like_count,
                "created_at": a.created_at,
            }
            for a in getattr(obj, "shown_answers", [])
        ]
