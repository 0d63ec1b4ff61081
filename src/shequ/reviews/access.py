"""Permission-checked fetches: what may be seen or changed by whom, each rule written once."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shequ.community.models import ContentStatus
from shequ.core.errors import NotFound
from shequ.reviews.models import Answer, Question, Review


def _valid_id(value) -> bool:
    return isinstance(value, int) and 0 < value < 2**63


def review_get_published(*, review_id: int) -> Review:
    """A published review (anyone may see it); hidden, deleted or unknown ones are 404."""
    review = (
        Review.objects.filter(pk=review_id, status=ContentStatus.PUBLISHED).first() if _valid_id(review_id) else None
    )
    if review is None:
        raise NotFound("review_not_found", _("This review does not exist or was removed."))
    return review


def review_get_for_author(*, user, review_id: int) -> Review:
    """The person's own review (not deleted); anyone else's is 404, exactly like one that does not exist."""
    review = None
    if _valid_id(review_id) and user is not None and user.is_authenticated:
        review = Review.objects.filter(pk=review_id, user=user).exclude(status=ContentStatus.DELETED).first()
    if review is None:
        raise NotFound("review_not_found", _("This review does not exist or was removed."))
    return review


def question_get_published(*, question_id: int) -> Question:
    question = (
        Question.objects.filter(pk=question_id, status=ContentStatus.PUBLISHED).first()
        if _valid_id(question_id)
        else None
    )
    if question is None:
        raise NotFound("question_not_found", _("This question does not exist or was removed."))
    return question


def answer_get_published(*, answer_id: int) -> Answer:
    answer = (
        Answer.objects.select_related("question")
        .filter(pk=answer_id, status=ContentStatus.PUBLISHED, question__status=ContentStatus.PUBLISHED)
        .first()
        if _valid_id(answer_id)
        else None
    )
    if answer is None:
        raise NotFound("answer_not_found", _("This answer does not exist or was removed."))
    return answer
