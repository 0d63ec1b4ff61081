"""Reviews and buyer shows: write, edit once, follow up once, remove; helpful votes; operators' official
replies, featuring and hiding. Every change refreshes the product's rating row and the product page's blocks."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ.analytics.services import track
from shequ.community.models import ContentStatus
from shequ.core.domain_events import publish
from shequ.core.errors import Conflict, Forbidden, InvalidInput
from shequ.reviews import cache as review_cache
from shequ.reviews.access import review_get_for_author, review_get_published
from shequ.reviews.models import ProductRating, Review, ReviewFollowUp, ReviewHelpful, ReviewPhoto
from shequ.reviews.photos import ProcessedPhoto, photos_process
from shequ.reviews.text import plain_text

MAX_TEXT = 2000
MAX_FOLLOW_UP = 1000
MAX_REPLY = 1000
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Ratings:
    """Stars from 1 to 5: overall, and per aspect (taste, value for money, packaging)."""

    overall: object
    taste: object
    value: object
    packaging: object

    def cleaned(self) -> dict[str, int]:
        fields = {
            "rating": self.overall,
            "rating_taste": self.taste,
            "rating_value": self.value,
            "rating_packaging": self.packaging,
        }
        return {field: _stars(value, field) for field, value in fields.items()}


def _stars(value: object, field: str) -> int:
    try:
        stars = int(str(value).strip())
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise InvalidInput("rating_invalid", _("Give from 1 to 5 stars."), details={"field": field, "min": 1, "max": 5})
    return stars


def _save_photos(review: Review, photos: list[ProcessedPhoto], *, follow_up: bool, start: int = 0) -> int:
    for position, photo in enumerate(photos, start=start):
        ReviewPhoto.objects.create(
            review=review, image=photo.image, thumbnail=photo.thumbnail, is_follow_up=follow_up, position=position
        )
    return len(photos)


def rating_average(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def product_rating_refresh(*, product_id: int) -> ProductRating:
    """Recompute the product's rating row from its published reviews (one aggregate, one upsert) and hand
    the average and count to the catalog (listings sort and rank by them)."""
    from shequ.catalog.services import products_set_ratings

    published = Q(status=ContentStatus.PUBLISHED)
    totals = Review.objects.filter(published, product_id=product_id).aggregate(
        count=Count("id"),
        avg_rating=Avg("rating"),
        avg_taste=Avg("rating_taste"),
        avg_value=Avg("rating_value"),
        avg_packaging=Avg("rating_packaging"),
        photos=Count("id", filter=Q(has_photos=True)),
        **{f"stars_{n}": Count("id", filter=Q(rating=n)) for n in range(1, 6)},
    )
    row, _created = ProductRating.objects.update_or_create(
        product_id=product_id,
        defaults={
            "review_count": totals["count"],
            "rating_avg": rating_average(totals["avg_rating"]),
            "taste_avg": rating_average(totals["avg_taste"]),
            "value_avg": rating_average(totals["avg_value"]),
            "packaging_avg": rating_average(totals["avg_packaging"]),
            "photo_review_count": totals["photos"],
            **{f"stars_{n}": totals[f"stars_{n}"] for n in range(1, 6)},
        },
    )
    products_set_ratings(ratings={product_id: (row.rating_avg, row.review_count)})
    review_cache.product_changed(product_id)
    return row


def review_create(
    *,
    user,
    order_item_id: int,
    ratings: Ratings,
    text: str = "",
    photos=(),
    is_anonymous: bool = False,
) -> Review:
    """Review one item of one's own completed order (a verified purchase); one review per order item."""
    from shequ.orders.models import OrderStatus
    from shequ.orders.selectors import order_item_get_for_user

    stars = ratings.cleaned()
    text = plain_text(text, field="text", max_length=MAX_TEXT)
    item = order_item_get_for_user(user=user, order_item_id=order_item_id)
    if item.order.status != OrderStatus.COMPLETED:
        raise Conflict(
            "order_not_completed",
            _("You can review a product once its order is completed."),
            details={"status": item.order.status},
        )
    processed = photos_process(photos)
    with transaction.atomic():
        if Review.objects.filter(order_item_id=item.pk).exists():
            raise _already_reviewed()
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    order_item_id=item.pk,
                    user=user,
                    product_id=item.product_id,
                    sku_id=item.sku_id,
                    variant_label=item.variant_label,
                    text=text,
                    is_anonymous=bool(is_anonymous),
                    has_photos=bool(processed),
                    **stars,
                )
        except IntegrityError as exc:  # two submissions racing: the one-to-one on the order item decides
            raise _already_reviewed() from exc
        _save_photos(review, processed, follow_up=False)
        product_rating_refresh(product_id=review.product_id)
        publish(
            "review.created",
            review_id=review.pk,
            user_id=user.pk,
            product_id=review.product_id,
            order_item_id=item.pk,
            photo_count=len(processed),
        )
        track(
            user,
            "review_created",
            {
                "review_id": review.pk,
                "product_id": review.product_id,
                "rating": stars["rating"],
                "photo_count": len(processed),
                "text_length": len(text),
            },
        )
    return review


def _already_reviewed() -> Conflict:
    return Conflict("already_reviewed", _("You have already reviewed this item."))


def review_update(
    *, user, review_id: int, ratings: Ratings, text: str = "", is_anonymous: bool | None = None
) -> Review:
    """Change one's review — once: after one edit only a follow-up review can add to it."""
    stars = ratings.cleaned()
    text = plain_text(text, field="text", max_length=MAX_TEXT)
    with transaction.atomic():
        review = review_get_for_author(user=user, review_id=review_id)
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.edit_count >= 1:
            raise Conflict("review_edit_used", _("A review can be edited only once. Add a follow-up review instead."))
        if review.status != ContentStatus.PUBLISHED:
            raise Conflict("review_not_editable", _("This review can no longer be edited."))
        for field, value in stars.items():
            setattr(review, field, value)
        review.text = text
        if is_anonymous is not None:
            review.is_anonymous = bool(is_anonymous)
        review.edit_count += 1
        review.edited_at = timezone.now()
        review.save()
        product_rating_refresh(product_id=review.product_id)
        track(user, "review_edited", {"review_id": review.pk, "product_id": review.product_id, "rating": review.rating})
    return review


def review_follow_up_create(*, user, review_id: int, text: str, photos=()) -> ReviewFollowUp:
    """Add the one follow-up review (追评) to one's review, with more photos if wanted."""
    text = plain_text(text, field="text", max_length=MAX_FOLLOW_UP, required=True)
    review = review_get_for_author(user=user, review_id=review_id)
    if review.status != ContentStatus.PUBLISHED:
        raise Conflict("review_not_editable", _("This review can no longer be followed up."))
    processed = photos_process(photos)
    with transaction.atomic():
        if ReviewFollowUp.objects.filter(review=review).exists():
            raise _follow_up_exists()
        try:
            with transaction.atomic():
                follow_up = ReviewFollowUp.objects.create(review=review, text=text)
        except IntegrityError as exc:
            raise _follow_up_exists() from exc
        start = review.photos.count()
        _save_photos(review, processed, follow_up=True, start=start)
        if processed and not review.has_photos:
            Review.objects.filter(pk=review.pk).update(has_photos=True)
        product_rating_refresh(product_id=review.product_id)
        track(
            user,
            "review_followed_up",
            {"review_id": review.pk, "product_id": review.product_id, "photo_count": len(processed)},
        )
    return follow_up


def _follow_up_exists() -> Conflict:
    return Conflict("follow_up_exists", _("You have already added a follow-up to this review."))


def review_delete(*, user, review_id: int) -> None:
    """The author removes their review (the order item cannot be reviewed again)."""
    with transaction.atomic():
        review = review_get_for_author(user=user, review_id=review_id)
        Review.objects.filter(pk=review.pk).update(status=ContentStatus.DELETED, is_featured=False)
        product_rating_refresh(product_id=review.product_id)
        publish("review.removed", review_id=review.pk, user_id=review.user_id, by="author")
        track(user, "review_deleted", {"review_id": review.pk, "product_id": review.product_id})


def review_hide(*, review: Review, moderator, reason: str = "") -> Review:
    """Moderation hides a review (it leaves the product page and the rating)."""
    from shequ.audit.services import audit_record

    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.status == ContentStatus.HIDDEN:
            return review
        review.status = ContentStatus.HIDDEN
        review.is_featured = False
        review.save(update_fields=["status", "is_featured", "updated_at"])
        product_rating_refresh(product_id=review.product_id)
        publish("review.removed", review_id=review.pk, user_id=review.user_id, by="moderation")
        audit_record(actor=moderator, action="update", target=review, changes={"status": "hidden"}, reason=reason)
        track(moderator, "review_hidden", {"review_id": review.pk, "product_id": review.product_id})
    return review


def review_reply_official(*, review: Review, operator, text: str) -> Review:
    """The brand answers a review publicly; the reviewer is told ("official_reply")."""
    from shequ.audit.services import audit_record
    from shequ.notifications.services import notify

    text = plain_text(text, field="official_reply", max_length=MAX_REPLY, required=True)
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        review.official_reply = text
        review.official_reply_by_id = operator.pk
        review.official_reply_at = timezone.now()
        review.save(update_fields=["official_reply", "official_reply_by_id", "official_reply_at", "updated_at"])
        review_cache.product_changed(review.product_id)
        notify(
            user=review.user_id,
            kind="official_reply",
            title=_("The brand replied to your review"),
            body=text[:200],
            link=reverse("reviews:detail", args=[review.pk]),
            data={"review_id": review.pk, "product_id": review.product_id},
            group_key=f"official_reply:{review.pk}",
        )
        audit_record(actor=operator, action="update", target=review, changes={"official_reply": text[:200]})
        track(operator, "review_official_reply", {"review_id": review.pk, "product_id": review.product_id})
    return review


def review_feature_set(*, review: Review, operator, featured: bool) -> Review:
    """Feature a review (shown first on the product page) or stop featuring it."""
    from shequ.audit.services import audit_record

    with transaction.atomic():
        Review.objects.filter(pk=review.pk).update(is_featured=bool(featured))
        review.is_featured = bool(featured)
        review_cache.product_changed(review.product_id)
        audit_record(actor=operator, action="update", target=review, changes={"is_featured": bool(featured)})
        track(operator, "review_featured" if featured else "review_unfeatured", {"review_id": review.pk})
    return review


def review_helpful_toggle(*, user, review_id: int) -> tuple[bool, int]:
    """Mark a review helpful, or take the mark back; returns (helpful now, helpful count)."""
    review = review_get_published(review_id=review_id)
    if review.user_id == user.pk:
        raise Forbidden("own_review", _("You cannot vote on your own review."))
    with transaction.atomic():
        deleted, _rows = ReviewHelpful.objects.filter(review=review, user=user).delete()
        if deleted:
            Review.objects.filter(pk=review.pk, helpful_count__gt=0).update(helpful_count=F("helpful_count") - 1)
            helpful = False
        else:
            try:
                with transaction.atomic():
                    ReviewHelpful.objects.create(review=review, user=user)
            except IntegrityError:  # a double tap racing: it is marked either way
                pass
            else:
                Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") + 1)
            helpful = True
        count = Review.objects.filter(pk=review.pk).values_list("helpful_count", flat=True).get()
        review_cache.product_changed(review.product_id)
        track(user, "review_helpful" if helpful else "review_unhelpful", {"review_id": review.pk})
    return helpful, count
