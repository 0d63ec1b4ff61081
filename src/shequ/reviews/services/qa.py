"""Product Q&A: ask about a product (recent buyers are asked to help), answer (the brand with an official
badge, buyers with a "bought it" badge), pick the best answer, like answers, remove one's own."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shequ.analytics.services import track
from shequ.community.models import ContentStatus
from shequ.core import ratelimit
from shequ.core.domain_events import publish
from shequ.core.errors import Forbidden, RateLimited
from shequ.reviews import cache as review_cache
from shequ.reviews.access import answer_get_published, question_get_published
from shequ.reviews.models import Answer, AnswerLike, ProductRating, Question
from shequ.reviews.text import plain_text

MAX_QUESTION = 300
MAX_ANSWER = 1000
ASK_LIMIT = (10, 3600)  # questions per person per hour
ANSWER_LIMIT = (30, 3600)
ANSWER_REQUESTS = 5  # recent buyers asked to answer each new question


def _limit(kind: str, user, limit: tuple[int, int]) -> None:
    hit = ratelimit.hit(f"reviews:{kind}:{user.pk}", limit=limit[0], window=limit[1])
    if not hit.allowed:
        raise RateLimited(
            f"{kind}_rate_limited", _("You are doing that too often. Try again later."), retry_after=hit.retry_after
        )


def _question_count_refresh(product_id: int) -> None:
    count = Question.objects.filter(product_id=product_id, status=ContentStatus.PUBLISHED).count()
    ProductRating.objects.update_or_create(product_id=product_id, defaults={"question_count": count})
    review_cache.product_changed(product_id)


def question_ask(*, user, product_id: int, text: str) -> Question:
    """Ask about a product on sale; a few recent buyers get a prompt to answer ("answer_request")."""
    from shequ.catalog.product_detail import product_detail, product_ref
    from shequ.notifications.services import notify
    from shequ.orders.selectors import product_recent_buyer_ids

    text = plain_text(text, field="text", max_length=MAX_QUESTION, required=True)
    ref = product_ref(key=product_id)  # NotFound unless the product is on sale
    _limit("question", user, ASK_LIMIT)
    name = product_detail(ref=ref).name
    with transaction.atomic():
        question = Question.objects.create(product_id=ref.id, user=user, text=text)
        _question_count_refresh(ref.id)
        link = reverse("reviews:question", args=[question.pk])
        buyers = product_recent_buyer_ids(product_id=ref.id, limit=ANSWER_REQUESTS, exclude_user_id=user.pk)
        for buyer_id in buyers:
            notify(
                user=buyer_id,
                kind="answer_request",
                title=_("You bought %(product)s — can you help?") % {"product": name[:40]},
                body=text[:200],
                link=link,
                data={"question_id": question.pk, "product_id": ref.id},
                group_key=f"answer_request:{question.pk}",
            )
        track(user, "question_asked", {"question_id": question.pk, "product_id": ref.id, "prompted": len(buyers)})
    return question


def answer_create(*, user, question_id: int, text: str) -> Answer:
    """Answer a question. Operators answer for the brand (official badge); buyers get a "bought it" badge."""
    from shequ.notifications.services import notify
    from shequ.orders.selectors import user_bought_product

    text = plain_text(text, field="text", max_length=MAX_ANSWER, required=True)
    question = question_get_published(question_id=question_id)
    _limit("answer", user, ANSWER_LIMIT)
    with transaction.atomic():
        answer = Answer.objects.create(
            question=question,
            user=user,
            text=text,
            is_official=bool(user.is_staff),
            is_verified_buyer=user_bought_product(user_id=user.pk, product_id=question.product_id),
        )
        Question.objects.filter(pk=question.pk).update(answer_count=F("answer_count") + 1)
        review_cache.product_changed(question.product_id)
        if question.user_id != user.pk:
            notify(
                user=question.user_id,
                kind="question_answered",
                title=_("Your question got an official answer")
                if answer.is_official
                else _("Your question got an answer"),
                body=text[:200],
                link=reverse("reviews:question", args=[question.pk]),
                data={"question_id": question.pk, "answer_id": answer.pk},
                group_key=f"answers:{question.pk}",
                actor_id=user.pk,
            )
        track(
            user,
            "question_answered",
            {
                "question_id": question.pk,
                "answer_id": answer.pk,
                "product_id": question.product_id,
                "official": answer.is_official,
            },
        )
    return answer


def answer_accept(*, user, answer_id: int) -> Answer:
    """The asker (or an operator) picks the best answer; choosing it again changes nothing."""
    from shequ.notifications.services import notify

    answer = answer_get_published(answer_id=answer_id)
    question = answer.question
    if question.user_id != user.pk and not user.is_staff:
        raise Forbidden("not_question_owner", _("Only the person who asked can choose the best answer."))
    with transaction.atomic():
        locked = Question.objects.select_for_update().get(pk=question.pk)
        if locked.best_answer_id == answer.pk:
            return answer
        locked.best_answer = answer
        locked.save(update_fields=["best_answer", "updated_at"])
        review_cache.product_changed(locked.product_id)
        publish("answer.accepted", answer_id=answer.pk, user_id=answer.user_id, question_id=locked.pk)
        if answer.user_id != user.pk:
            notify(
                user=answer.user_id,
                kind="answer_accepted",
                title=_("Your answer was chosen as the best answer"),
                body=locked.text[:200],
                link=reverse("reviews:question", args=[locked.pk]),
                data={"question_id": locked.pk, "answer_id": answer.pk},
            )
        track(user, "answer_accepted", {"question_id": locked.pk, "answer_id": answer.pk})
    return answer


def answer_like_toggle(*, user, answer_id: int) -> tuple[bool, int]:
    """Like an answer, or take the like back; returns (liked now, like count)."""
    answer = answer_get_published(answer_id=answer_id)
    with transaction.atomic():
        deleted, _rows = AnswerLike.objects.filter(answer=answer, user=user).delete()
        if deleted:
            Answer.objects.filter(pk=answer.pk, like_count__gt=0).update(like_count=F("like_count") - 1)
            liked = False
        else:
            try:
                with transaction.atomic():
                    AnswerLike.objects.create(answer=answer, user=user)
            except IntegrityError:
                pass
            else:
                Answer.objects.filter(pk=answer.pk).update(like_count=F("like_count") + 1)
            liked = True
        count = Answer.objects.filter(pk=answer.pk).values_list("like_count", flat=True).get()
        review_cache.product_changed(answer.question.product_id)
        track(user, "answer_liked" if liked else "answer_unliked", {"answer_id": answer.pk})
    return liked, count


def question_remove(*, question: Question, actor, by: str = "author") -> None:
    """Remove a question: its author deletes it, or moderation hides it."""
    if by == "author" and question.user_id != actor.pk:
        raise Forbidden("not_question_owner", _("Only the person who asked can delete this question."))
    status = ContentStatus.DELETED if by == "author" else ContentStatus.HIDDEN
    with transaction.atomic():
        Question.objects.filter(pk=question.pk).update(status=status)
        _question_count_refresh(question.product_id)
        track(actor, "question_removed", {"question_id": question.pk, "by": by})


def answer_remove(*, answer: Answer, actor, by: str = "author") -> None:
    """Remove an answer: its author deletes it, or moderation hides it."""
    if by == "author" and answer.user_id != actor.pk:
        raise Forbidden("not_answer_owner", _("Only the person who answered can delete this answer."))
    status = ContentStatus.DELETED if by == "author" else ContentStatus.HIDDEN
    with transaction.atomic():
        updated = Answer.objects.filter(pk=answer.pk, status=ContentStatus.PUBLISHED).update(status=status)
        if updated:
            Question.objects.filter(pk=answer.question_id, answer_count__gt=0).update(
                answer_count=F("answer_count") - 1
            )
            Question.objects.filter(pk=answer.question_id, best_answer_id=answer.pk).update(best_answer=None)
        review_cache.product_changed(answer.question.product_id)
        track(actor, "answer_removed", {"answer_id": answer.pk, "by": by})
