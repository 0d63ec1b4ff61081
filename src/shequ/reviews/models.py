"""Product reviews and buyer shows (晒单), and product Q&A.

A review belongs to one order item of a completed order — that is what makes it a verified purchase —
and there is at most one per order item. It can be edited once, and followed up once later (追评).
Each product's rating (average, star distribution, aspect averages) is kept in one ProductRating row that the
review services refresh, so the product page reads one row instead of aggregating its reviews.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shequ.community.models import ContentStatus
from shequ.core.models import TimeStampedModel

User = settings.AUTH_USER_MODEL


def _stars(field: str) -> Q:
    return Q(**{f"{field}__gte": 1, f"{field}__lte": 5})


class Review(TimeStampedModel):
    order_item = models.OneToOneField(
        "orders.OrderItem", on_delete=models.PROTECT, related_name="review", verbose_name=_("order item")
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("reviewer"))
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="reviews", verbose_name=_("product")
    )
    sku = models.ForeignKey("catalog.SKU", on_delete=models.CASCADE, related_name="+", verbose_name=_("SKU"))
    variant_label = models.CharField(_("variant"), max_length=120, blank=True)
    rating = models.PositiveSmallIntegerField(_("overall"))
    rating_taste = models.PositiveSmallIntegerField(_("taste"))
    rating_value = models.PositiveSmallIntegerField(_("value for money"))
    rating_packaging = models.PositiveSmallIntegerField(_("packaging"))
    text = models.TextField(_("review"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ContentStatus.choices, default=ContentStatus.PUBLISHED
    )
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    has_photos = models.BooleanField(_("with photos"), default=False)
    edit_count = models.PositiveSmallIntegerField(_("edits"), default=0)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    is_featured = models.BooleanField(_("featured"), default=False)
    helpful_count = models.PositiveIntegerField(_("helpful votes"), default=0)
    official_reply = models.TextField(_("official reply"), max_length=1000, blank=True)
    official_reply_by_id = models.BigIntegerField(null=True, blank=True)
    official_reply_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        indexes = [
            models.Index(fields=["product", "status", "-is_featured", "-created_at"], name="reviews_product_recent"),
            models.Index(fields=["product", "status", "-is_featured", "-helpful_count"], name="reviews_product_top"),
            models.Index(fields=["product", "status", "has_photos", "-created_at"], name="reviews_product_photos"),
            models.Index(fields=["product", "status", "rating", "-created_at"], name="reviews_product_rating"),
            models.Index(fields=["user", "-created_at"], name="reviews_user_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=_stars("rating")
                & _stars("rating_taste")
                & _stars("rating_value")
                & _stars("rating_packaging"),
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
        verbose_name = _("review photo")
        verbose_name_plural = _("review photos")

    def __str__(self) -> str:
        return self.image.name

    @property
    def thumbnail_url(self) -> str:
        return (self.thumbnail or self.image).url if (self.thumbnail or self.image) else ""


class ReviewFollowUp(models.Model):
    """追评: one later addition to a review ("after a month of drinking it…")."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="follow_up")
    text = models.TextField(_("follow-up"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up review")
        verbose_name_plural = _("follow-up reviews")

    def __str__(self) -> str:
        return f"follow-up of {self.review_id}"


class ReviewHelpful(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="helpful_votes")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "user"], name="reviews_helpful_unique")]
        indexes = [models.Index(fields=["user", "review"], name="reviews_helpful_user")]

    def __str__(self) -> str:
        return f"{self.user_id} 👍 {self.review_id}"


class ProductRating(models.Model):
    """A product's published reviews summed up (refreshed by the review services on every change)."""

    product = models.OneToOneField(
        "catalog.Product", on_delete=models.CASCADE, primary_key=True, related_name="+", verbose_name=_("product")
    )
    review_count = models.PositiveIntegerField(_("reviews"), default=0)
    rating_avg = models.DecimalField(_("rating"), max_digits=3, decimal_places=2, default=Decimal("0"))
    taste_avg = models.DecimalField(_("taste"), max_digits=3, decimal_places=2, default=Decimal("0"))
    value_avg = models.DecimalField(_("value for money"), max_digits=3, decimal_places=2, default=Decimal("0"))
    packaging_avg = models.DecimalField(_("packaging"), max_digits=3, decimal_places=2, default=Decimal("0"))
    stars_1 = models.PositiveIntegerField(default=0)
    stars_2 = models.PositiveIntegerField(default=0)
    stars_3 = models.PositiveIntegerField(default=0)
    stars_4 = models.PositiveIntegerField(default=0)
    stars_5 = models.PositiveIntegerField(default=0)
    photo_review_count = models.PositiveIntegerField(_("reviews with photos"), default=0)
    question_count = models.PositiveIntegerField(_("questions"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("product rating")
        verbose_name_plural = _("product ratings")

    def __str__(self) -> str:
        return f"{self.product_id}: {self.rating_avg} ({self.review_count})"

    @property
    def good_count(self) -> int:
        return self.stars_4 + self.stars_5

    @property
    def neutral_count(self) -> int:
        return self.stars_3

    @property
    def bad_count(self) -> int:
        return self.stars_1 + self.stars_2

    @property
    def positive_percent(self) -> int:
        """好评率: the share of 4- and 5-star reviews, in whole percent."""
        return round(100 * self.good_count / self.review_count) if self.review_count else 0


class Question(TimeStampedModel):
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="questions", verbose_name=_("product")
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="questions", verbose_name=_("asked by"))
    text = models.CharField(_("question"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=ContentStatus.choices, default=ContentStatus.PUBLISHED
    )
    answer_count = models.PositiveIntegerField(_("answers"), default=0)
    best_answer = models.ForeignKey(
        "Answer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("best answer")
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [
            models.Index(fields=["product", "status", "-created_at"], name="reviews_question_product"),
            models.Index(fields=["product", "status", "-answer_count", "-created_at"], name="reviews_question_top"),
            models.Index(fields=["user", "-created_at"], name="reviews_question_user"),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class Answer(TimeStampedModel):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question"))
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="answers", verbose_name=_("answered by"))
    text = models.TextField(_("answer"), max_length=1000)
    status = models.CharField(
        _("status"), max_length=10, choices=ContentStatus.choices, default=ContentStatus.PUBLISHED
    )
    is_official = models.BooleanField(_("official answer"), default=False)
    is_verified_buyer = models.BooleanField(_("bought it"), default=False)
    like_count = models.PositiveIntegerField(_("likes"), default=0)

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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["answer", "user"], name="reviews_answer_like_unique")]
        indexes = [models.Index(fields=["user", "answer"], name="reviews_answer_like_user")]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.answer_id}"
