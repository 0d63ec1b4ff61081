"""The product page's blocks (cached, a fixed number of queries), the review list, writing a review from the
"to review" list, editing once, following up, helpful votes, the brand's reply and featuring."""

import pytest
from django.test import Client

from shequ.notifications.models import Notification
from shequ.reviews import cache as review_cache
from shequ.reviews import services
from shequ.reviews.models import Review
from shequ.reviews.tests.conftest import STARS, not_an_image, photo
from shequ.reviews.tests.helpers import reviewed_purchases

pytestmark = pytest.mark.django_db


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_product_page_shows_the_rating_reviews_and_questions(client, make_user, sku, product):
    buyers = [make_user(), make_user()]
    reviewed_purchases(buyers, sku, 2, photos=lambda: [photo(size=(300, 300))])
    services.question_ask(user=make_user(), product_id=product.pk, text="保质期多久？")

    html = page(client, f"/p/{product.slug}/")

    assert 'data-testid="rating-avg">5.0<' in html
    assert html.count('data-testid="review"') == 2 and 'data-testid="verified-badge"' in html
    assert 'data-testid="review-photo"' in html and "第0条评价" in html
    assert 'data-testid="question"' in html and "保质期多久？" in html
    assert 'data-testid="reviews-placeholder"' not in html


@pytest.mark.parametrize("count", [2, 6])
def test_the_product_page_blocks_cost_a_fixed_number_of_queries(
    client, make_user, sku, product, count, django_assert_num_queries
):
    buyers = [make_user() for _ in range(3)]
    reviewed_purchases(buyers, sku, count, photos=lambda: [photo(size=(200, 200))])
    for index in range(count):
        services.question_ask(user=buyers[0], product_id=product.pk, text=f"问题{index}")
    url = f"/p/{product.slug}/"
    page(client, url)  # the catalog's own fragments are cached now
    review_cache._bump(product.pk)  # as after a new review

    # Cold blocks: rating row, reviews (with reviewer and follow-up), their photos, questions, top answers;
    # plus the two behaviour-event rows every product view writes (tests write events inline).
    with django_assert_num_queries(7):
        client.get(url)
    with django_assert_num_queries(2):  # warm: the blocks come from the cache, only the event rows
        client.get(url)


def test_a_new_review_shows_on_the_product_page_after_commit(
    client, user, item, product, django_capture_on_commit_callbacks
):
    url = f"/p/{product.slug}/"
    assert 'data-testid="reviews-empty"' in page(client, url)

    with django_capture_on_commit_callbacks(execute=True):
        services.review_create(user=user, order_item_id=item.pk, ratings=services.Ratings(4, 4, 4, 4), text="不错")

    html = page(client, url)
    assert 'data-testid="reviews-empty"' not in html and "不错" in html


@pytest.mark.parametrize("count", [3, 12])
def test_the_review_list_costs_a_fixed_number_of_queries(
    web_client, make_user, sku, product, count, django_assert_max_num_queries
):
    buyers = [make_user() for _ in range(3)]
    reviewed_purchases(buyers, sku, count, photos=lambda: [photo(size=(200, 200))])
    url = f"/reviews/product/{product.pk}/"
    web_client.get(url)  # product detail cached

    # session, user, count, reviews, photos, rating row, my helpful votes, and two event rows
    with django_assert_max_num_queries(9):  # 8 when the session comes from Redis
        response = web_client.get(url)

    html = response.content.decode()
    assert html.count('data-testid="review"') == min(count, 10)
    assert ('data-testid="load-more"' in html) == (count > 10)


def test_the_review_list_filters_by_photos_and_rating(client, make_user, sku, product):
    buyers = [make_user(), make_user()]
    reviewed_purchases(buyers, sku, 2, photos=lambda: [photo(size=(200, 200))], seed=1)
    reviewed_purchases(buyers, sku, 3, rating=2, seed=2)

    assert page(client, f"/reviews/product/{product.pk}/?filter=photos").count('data-testid="review"') == 2
    assert page(client, f"/reviews/product/{product.pk}/?filter=bad").count('data-testid="review"') == 3
    assert page(client, f"/reviews/product/{product.pk}/?filter=good").count('data-testid="review"') == 2
    assert page(client, f"/reviews/product/{product.pk}/?filter=nonsense").count('data-testid="review"') == 5


def test_writing_a_review_from_the_to_review_list(web_client, item, completed):
    assert 'data-testid="order-review"' in page(web_client, f"/orders/{completed.number}/")
    html = page(web_client, "/reviews/to-review/")
    assert f'href="/reviews/new/{item.pk}/"' in html

    response = web_client.post(
        f"/reviews/new/{item.pk}/", {**STARS, "text": "<b>真</b>好喝", "photos": [photo()]}, follow=True
    )

    review = Review.objects.get()
    assert response.redirect_chain[-1][0] == f"/reviews/{review.pk}/"
    assert review.text == "真好喝" and review.photos.count() == 1
    assert 'data-testid="write-review"' not in page(web_client, "/reviews/to-review/")


def test_the_review_form_refuses_bad_input_and_stores_nothing(web_client, item):
    not_image = web_client.post(f"/reviews/new/{item.pk}/", {**STARS, "photos": [not_an_image()]})
    bad_stars = web_client.post(f"/reviews/new/{item.pk}/", {**STARS, "rating": "9"})

    assert not_image.status_code == 400 and "fake.jpg" in not_image.content.decode()
    assert bad_stars.status_code == 400
    assert not Review.objects.exists()


def test_someone_elses_order_item_has_no_review_form(make_user, item):
    stranger = Client()
    stranger.force_login(make_user(), backend="django.contrib.auth.backends.ModelBackend")

    assert stranger.get(f"/reviews/new/{item.pk}/").status_code == 404
    assert stranger.post(f"/reviews/new/{item.pk}/", STARS).status_code == 404
    assert not Review.objects.exists()


def test_edit_once_then_follow_up(web_client, user, item):
    review = services.review_create(user=user, order_item_id=item.pk, ratings=services.Ratings(5, 5, 5, 5), text="好")

    first = web_client.post(f"/reviews/{review.pk}/edit/", {**STARS, "rating": "4", "text": "还行"})
    second = web_client.post(f"/reviews/{review.pk}/edit/", {**STARS, "text": "再改"}, HTTP_ACCEPT_LANGUAGE="en")
    follow_up = web_client.post(f"/reviews/{review.pk}/follow-up/", {"text": "一个月后还是好喝"}, follow=True)

    assert first.status_code == 302
    assert second.status_code == 409 and "only once" in second.content.decode()
    review.refresh_from_db()
    assert (review.text, review.rating, review.edit_count) == ("还行", 4, 1)
    assert 'data-testid="follow-up"' in follow_up.content.decode()


def test_helpful_vote_with_htmx(make_user, user, item):
    review = services.review_create(user=user, order_item_id=item.pk, ratings=services.Ratings(5, 5, 5, 5), text="好")
    reader = Client()
    reader.force_login(make_user(), backend="django.contrib.auth.backends.ModelBackend")

    response = reader.post(f"/reviews/{review.pk}/helpful/", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="helpful-count">1<' in html and 'aria-pressed="true"' in html


def test_the_brand_replies_and_features_a_review_from_the_admin(operator, user, item, product, client):
    review = services.review_create(user=user, order_item_id=item.pk, ratings=services.Ratings(5, 5, 5, 5), text="好")
    admin = Client()
    admin.force_login(operator, backend="django.contrib.auth.backends.ModelBackend")

    inline = {"photos-TOTAL_FORMS": "0", "photos-INITIAL_FORMS": "0"}
    reply = admin.post(f"/admin/reviews/review/{review.pk}/change/", {"official_reply": "感谢支持！", **inline})
    feature = admin.post("/admin/reviews/review/", {"action": "feature", "_selected_action": [review.pk]})

    assert reply.status_code == 302 and feature.status_code == 302
    review.refresh_from_db()
    assert review.official_reply == "感谢支持！" and review.is_featured
    notice = Notification.objects.get(user=user, kind="official_reply")
    assert notice.link == f"/reviews/{review.pk}/"
    html = page(client, f"/reviews/{review.pk}/")
    assert 'data-testid="official-reply"' in html and "感谢支持！" in html


def test_hiding_a_review_takes_it_off_the_page_and_the_rating(operator, user, item, published):
    review = services.review_create(user=user, order_item_id=item.pk, ratings=services.Ratings(5, 5, 5, 5), text="好")

    services.review_hide(review=review, moderator=operator, reason="spam")

    assert Client().get(f"/reviews/{review.pk}/").status_code == 404
    assert ("review.removed", {"review_id": review.pk, "user_id": user.pk, "by": "moderation"}) in published


def test_a_product_nobody_reviewed_costs_one_query_for_the_blocks(client, product, django_assert_num_queries):
    url = f"/p/{product.slug}/"
    client.get(url)
    review_cache._bump(product.pk)

    with django_assert_num_queries(3):  # the rating row; two event rows
        html = client.get(url).content.decode()

    assert 'data-testid="reviews-empty"' in html and 'data-testid="ask-question"' in html
