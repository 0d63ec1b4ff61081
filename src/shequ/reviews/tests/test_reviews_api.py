"""Reviews through the API: only verified purchases, once per item, edited once, followed up once;
photos re-encoded; text sanitised; bad input is a clear 4xx and stores nothing."""

import pytest
from PIL import Image

from shequ.analytics.models import Event
from shequ.catalog.models import Product
from shequ.reviews.models import ProductRating, Review, ReviewPhoto
from shequ.reviews.tests.conftest import STARS, complete_order, not_an_image, photo

pytestmark = pytest.mark.django_db


def create(client, item, **fields):
    data = {"order_item_id": item.pk, **STARS, "text": "好喝，会回购", **fields}
    return client.post("/api/v1/reviews", data=data, headers=client._headers(None))


def test_a_buyer_reviews_a_completed_item_with_photos(user_api, item, product, published):
    response = create(user_api, item, photos=[photo(), photo("b.png", fmt="PNG")])

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["verified_purchase"] is True and body["rating"] == 5 and body["rating_taste"] == 5
    assert body["text"] == "好喝，会回购" and len(body["photos"]) == 2
    review = Review.objects.get()
    assert review.product_id == product.pk and review.order_item_id == item.pk and review.has_photos
    stored = Image.open(review.photos.first().image.path)
    assert max(stored.size) == 1600 and stored.format == "JPEG" and not stored.getexif()
    summary = ProductRating.objects.get(product=product)
    assert (summary.review_count, summary.rating_avg, summary.photo_review_count) == (1, 5, 1)
    product.refresh_from_db()
    assert (product.rating_avg, product.rating_count) == (5, 1)
    assert published == [
        (
            "review.created",
            {
                "review_id": review.pk,
                "user_id": item.order.user_id,
                "product_id": product.pk,
                "order_item_id": item.pk,
                "photo_count": 2,
            },
        )
    ]
    assert Event.objects.filter(name="review_created", user_id=item.order.user_id).exists()


def test_reviewing_someone_elses_order_item_is_404_and_stores_nothing(make_user, api_for, item):
    stranger = api_for(make_user())

    response = create(stranger, item)

    assert response.status_code == 404 and response.json()["code"] == "order_item_not_found"
    assert not Review.objects.exists()


@pytest.mark.parametrize("stop_at", ["placed", "paid", "delivered"])
def test_an_order_not_completed_cannot_be_reviewed(user, user_api, carrier, sku, stop_at):
    order = complete_order(user, sku, stop_at=stop_at)

    response = create(user_api, order.items.get())

    assert response.status_code == 409 and response.json()["code"] == "order_not_completed"
    assert not Review.objects.exists()


def test_an_item_is_reviewed_once(user_api, item):
    assert create(user_api, item).status_code == 201

    again = create(user_api, item, text="再来一次")

    assert again.status_code == 409 and again.json()["code"] == "already_reviewed"
    assert Review.objects.count() == 1


@pytest.mark.parametrize("bad", [{"rating": 0}, {"rating_taste": 6}, {"rating_value": "abc"}, {"order_item_id": -1}])
def test_bad_ratings_are_refused(user_api, item, bad):
    response = create(user_api, item, **bad)

    assert 400 <= response.status_code < 500
    assert not Review.objects.exists()


def test_html_and_scripts_are_stripped_from_the_text(user_api, item):
    response = create(user_api, item, text='<script>alert("x")</script>奶味<b>很浓</b><img src=x onerror=alert(1)>')

    assert response.status_code == 201
    assert Review.objects.get().text == "奶味很浓"


def test_a_huge_text_is_refused(user_api, item):
    response = create(user_api, item, text="好" * 2001)

    assert response.status_code in (400, 422)
    assert not Review.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(user_api, item):
    response = create(user_api, item, photos=[photo(), not_an_image()])

    assert response.status_code == 400 and response.json()["code"] == "photo_invalid"
    assert not Review.objects.exists() and not ReviewPhoto.objects.exists()


def test_a_review_is_edited_once(user_api, item):
    review_id = create(user_api, item).json()["id"]
    patch = {**STARS, "rating": 3, "text": "喝多了有点腻"}

    first = user_api.api("patch", f"/reviews/{review_id}", json=patch)
    second = user_api.api("patch", f"/reviews/{review_id}", json={**patch, "text": "改第二次"})

    assert first.status_code == 200 and first.json()["edited"] is True and first.json()["rating"] == 3
    assert second.status_code == 409 and second.json()["code"] == "review_edit_used"
    assert Review.objects.get().text == "喝多了有点腻"
    assert ProductRating.objects.get().rating_avg == 3


def test_someone_else_cannot_edit_or_delete_my_review(user_api, item, make_user, api_for):
    review_id = create(user_api, item).json()["id"]
    stranger = api_for(make_user())

    assert stranger.api("patch", f"/reviews/{review_id}", json={**STARS, "text": "x"}).status_code == 404
    assert stranger.api("delete", f"/reviews/{review_id}").status_code == 404
    assert Review.objects.get().text == "好喝，会回购"


def test_one_follow_up_with_photos(user_api, item):
    review_id = create(user_api, item).json()["id"]
    url = f"/api/v1/reviews/{review_id}/follow-up"
    headers = user_api._headers(None)

    first = user_api.post(url, data={"text": "喝了一个月，品质稳定", "photos": [photo()]}, headers=headers)
    second = user_api.post(url, data={"text": "再追评"}, headers=headers)
    empty = user_api.post(url, data={"text": "   "}, headers=headers)

    assert first.status_code == 201, first.content
    assert first.json()["follow_up"]["text"] == "喝了一个月，品质稳定"
    assert [p["follow_up"] for p in first.json()["photos"]] == [True]
    assert second.status_code == 409 and second.json()["code"] == "follow_up_exists"
    assert empty.status_code in (400, 409)


def test_helpful_votes_toggle_and_not_on_ones_own_review(user_api, item, make_user, api_for):
    review_id = create(user_api, item).json()["id"]
    reader = api_for(make_user())

    on = reader.api("post", f"/reviews/{review_id}/helpful")
    off = reader.api("post", f"/reviews/{review_id}/helpful")
    own = user_api.api("post", f"/reviews/{review_id}/helpful")

    assert on.json() == {"active": True, "count": 1}
    assert off.json() == {"active": False, "count": 0}
    assert own.status_code == 403 and own.json()["code"] == "own_review"


def test_deleting_a_review_removes_it_from_the_list_and_the_rating(user_api, anon_api, item, product, published):
    review_id = create(user_api, item).json()["id"]

    response = user_api.api("delete", f"/reviews/{review_id}")

    assert response.status_code == 204
    listing = anon_api.api("get", f"/reviews/products/{product.pk}")
    assert listing.json()["count"] == 0
    assert ProductRating.objects.get().review_count == 0
    assert ("review.removed", {"review_id": review_id, "user_id": item.order.user_id, "by": "author"}) in published
    assert create(user_api, item).status_code == 409  # the item stays reviewed


def test_the_public_list_filters_and_the_summary(user, user_api, anon_api, carrier, sku, product, item):
    create(user_api, item, photos=[photo()])
    second = complete_order(user, sku).items.get()
    create(user_api, second, rating=2, rating_taste=2)

    all_reviews = anon_api.api("get", f"/reviews/products/{product.pk}").json()
    with_photos = anon_api.api("get", f"/reviews/products/{product.pk}?filter=photos").json()
    bad = anon_api.api("get", f"/reviews/products/{product.pk}?filter=bad").json()
    summary = anon_api.api("get", f"/reviews/products/{product.pk}/summary").json()

    assert all_reviews["count"] == 2 and with_photos["count"] == 1 and bad["count"] == 1
    assert bad["items"][0]["rating"] == 2
    assert summary["review_count"] == 2 and summary["rating_avg"] == "3.50" and summary["positive_percent"] == 50
    assert summary["stars"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}


def test_the_to_review_list_has_only_unreviewed_completed_items(user, user_api, carrier, sku, item):
    complete_order(user, sku, stop_at="paid")
    assert [row["order_item_id"] for row in user_api.api("get", "/reviews/to-review").json()["items"]] == [item.pk]

    create(user_api, item)

    assert user_api.api("get", "/reviews/to-review").json()["items"] == []


def test_anonymous_reviews_mask_the_name(user_api, anon_api, item):
    review_id = create(user_api, item, is_anonymous="true").json()["id"]

    author = anon_api.api("get", f"/reviews/{review_id}").json()["author"]

    assert "***" in author and "测试用户" not in author


def test_writing_needs_a_login(anon_api, item):
    assert create(anon_api, item).status_code == 401
    assert not Review.objects.exists()
    assert Product.objects.get(pk=item.product_id).rating_count == 0


def test_my_data_export_and_account_deletion(user, user_api, item, product):
    from shequ.reviews.data_rights import erase_reviews, export_reviews

    create(user_api, item, photos=[photo()])

    exported = export_reviews(user)
    erase_reviews(user)

    assert exported["reviews"][0]["text"] == "好喝，会回购" and len(exported["reviews"][0]["photos"]) == 1
    review = Review.objects.get()
    assert review.status == "deleted" and review.text == "" and not ReviewPhoto.objects.exists()
    assert ProductRating.objects.get(product=product).review_count == 0
