"""Product reviews and buyer shows (晒单), and product Q&A.

A review belongs to one order item of a completed order — that is what makes it a verified purchase —
and there is at most one per order item. It can be edited once, and followed up once later (追评).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shequ.community.models import ContentStatus
from shequ.core.models import TimeStampedModel

User = settings.AUTH_USER_MODEL


class Review(TimeStampedModel):
    order_item = models.OneToOneField("orders.OrderItem", on_delete=models.PROTECT, related_name="review")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reviews")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="reviews")
    sku = models.ForeignKey("catalog.SKU", on_delete=models.CASCADE, related_name="+")
    rating_taste = models.PositiveSmallIntegerField(_("taste"))
    rating_value = models.PositiveSmallIntegerField(_("value for money"))
    rating_packaging = models.PositiveSmallIntegerField(_("packaging"))
    rating = models.DecimalField(_("overall"), max_digits=3, decimal_places=2)
    text = models.TextField(_("review"), max_length=2000, blank=True)
    status = models.CharField(max_length=10, choices=ContentStatus.choices, default=ContentStatus.PUBLISHED)
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    edit_count = models.PositiveSmallIntegerField(default=0)
    is_featured = models.BooleanField(_("featured"), default=False)
    helpful_count = models.PositiveIntegerField(default=0)
    official_reply = models.TextField(_("official reply"), max_length=1000, blank=True)
    official_reply_by_id = models.BigIntegerField(null=True, blank=True)
    official_reply_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        indexes = [
            models.Index(fields=["product", "status", "-created_at"], name="reviews_product_recent"),
            models.Index(fields=["product", "status", "-is_featured", "-helpful_count"], name="reviews_product_top"),
            models.Index(fields=["user", "-created_at"], name="reviews_user_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating_taste__gte=1, rating_taste__lte=5)
                & Q(rating_value__gte=1, rating_value__lte=5)
                & Q(rating_packaging__gte=1, rating_packaging__lte=5),
                name="reviews_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return f"review {self.pk} of {self.product_id}"


class ReviewPhoto(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="reviews/")
    thumbnail = models.ImageField(upload_to="reviews/", blank=True)
    is_follow_up = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.image.name


class ReviewFollowUp(models.Model):
    """追评: one later addition to a review ("after a month of drinking it…")."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="follow_up")
    text = models.TextField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"follow-up of {self.review_id}"


class ReviewHelpful(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="helpful_votes")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "user"], name="reviews_helpful_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} 👍 {self.review_id}"


class Question(TimeStampedModel):
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="questions")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=300)
    status = models.CharField(max_length=10, choices=ContentStatus.choices, default=ContentStatus.PUBLISHED)
    answer_count = models.PositiveIntegerField(default=0)
    best_answer = models.ForeignKey("Answer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["product", "status", "-created_at"], name="reviews_question_product")]

    def __str__(self) -> str:
        return self.text[:40]


class Answer(TimeStampedModel):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(_("answer"), max_length=1000)
    status = models.CharField(max_length=10, choices=ContentStatus.choices, default=ContentStatus.PUBLISHED)
    is_official = models.BooleanField(_("official answer"), default=False)
    is_verified_buyer = models.BooleanField(_("bought it"), default=False)
    like_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            models.Index(fields=["question", "status", "-is_official", "-like_count"], name="reviews_answer_top")
        ]

    def __str__(self) -> str:
        return self.text[:40]


class AnswerLike(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["answer", "user"], name="reviews_answer_like_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.answer_id}"
