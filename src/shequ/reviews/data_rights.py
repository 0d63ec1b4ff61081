"""The reviews section of "download my data" and "delete my account": reviews (with follow-ups and photos),
questions, answers and poll votes. On deletion the texts and photos go; products' ratings are recomputed."""

from __future__ import annotations

from typing import Any

from shequ.community.models import ContentStatus
from shequ.reviews.models import Answer, Question, Review, ReviewPhoto


def export_reviews(user: Any) -> dict[str, Any]:
    from shequ.polls.models import PollBallot

    reviews = [
        {
            "product_id": review.product_id,
            "rating": review.rating,
            "taste": review.rating_taste,
            "value": review.rating_value,
            "packaging": review.rating_packaging,
            "text": review.text,
            "follow_up": getattr(getattr(review, "follow_up", None), "text", ""),
            "photos": [photo.image.name for photo in review.photos.all()],
            "status": review.status,
            "created_at": review.created_at,
        }
        for review in Review.objects.filter(user=user).select_related("follow_up").prefetch_related("photos")
    ]
    questions = list(Question.objects.filter(user=user).values("product_id", "text", "status", "created_at"))
    answers = list(Answer.objects.filter(user=user).values("question_id", "text", "status", "created_at"))
    votes = [
        {"poll": ballot.poll.question, "options": [o.text for o in ballot.options.all()], "at": ballot.created_at}
        for ballot in PollBallot.objects.filter(user=user).select_related("poll").prefetch_related("options")
    ]
    return {"reviews": reviews, "questions": questions, "answers": answers, "poll_votes": votes}


def erase_reviews(user: Any) -> None:
    from shequ.reviews.services import product_rating_refresh

    product_ids = set(Review.objects.filter(user=user).values_list("product_id", flat=True))
    for photo in ReviewPhoto.objects.filter(review__user=user):
        photo.image.delete(save=False)
        if photo.thumbnail:
            photo.thumbnail.delete(save=False)
    ReviewPhoto.objects.filter(review__user=user).delete()
    Review.objects.filter(user=user).update(status=ContentStatus.DELETED, text="", is_featured=False, has_photos=False)
    Question.objects.filter(user=user).update(status=ContentStatus.DELETED, text="")
    Answer.objects.filter(user=user).update(status=ContentStatus.DELETED, text="")
    for product_id in sorted(product_ids):
        product_rating_refresh(product_id=product_id)
