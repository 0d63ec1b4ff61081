"""The reviews module's use cases (other modules import from here)."""

from shequ.reviews.services.qa import (
    answer_accept,
    answer_create,
    answer_like_toggle,
    answer_remove,
    question_ask,
    question_remove,
)
from shequ.reviews.services.reviews import (
    Ratings,
    product_rating_refresh,
    review_create,
    review_delete,
    review_feature_set,
    review_follow_up_create,
    review_helpful_toggle,
    review_hide,
    review_reply_official,
    review_update,
)

__all__ = [
    "Ratings",
    "answer_accept",
    "answer_create",
    "answer_like_toggle",
    "answer_remove",
    "product_rating_refresh",
    "question_ask",
    "question_remove",
    "review_create",
    "review_delete",
    "review_feature_set",
    "review_follow_up_create",
    "review_helpful_toggle",
    "review_hide",
    "review_reply_official",
    "review_update",
]
