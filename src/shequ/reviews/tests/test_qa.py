"""Product Q&A: asking prompts recent buyers, the brand answers with an official badge, the asker picks the
best answer, answers are liked; bad input is refused and stores nothing."""

import pytest
from django.test import Client

from shequ.notifications.models import Notification
from shequ.reviews.models import Answer, Question
from shequ.reviews.tests.conftest import complete_order

pytestmark = pytest.mark.django_db


def ask(client, product, text="保质期多久？"):
    return client.api("post", f"/reviews/products/{product.pk}/questions", json={"text": text})


def test_asking_prompts_at_most_five_recent_buyers_but_not_the_asker(make_user, api_for, carrier, sku, product):
    buyers = [make_user() for _ in range(6)]
    for buyer in buyers:
        complete_order(buyer, sku)
    asker = buyers[0]

    response = ask(api_for(asker), product)

    assert response.status_code == 201, response.content
    prompted = set(Notification.objects.filter(kind="answer_request").values_list("user_id", flat=True))
    assert len(prompted) == 5 and asker.pk not in prompted and prompted <= {b.pk for b in buyers}
    question_id = response.json()["id"]
    assert Notification.objects.filter(kind="answer_request").first().link == f"/reviews/questions/{question_id}/"


def test_the_brand_answers_with_an_official_badge_and_buyers_with_a_bought_it_badge(
    user, user_api, api_for, operator, make_user, carrier, sku, product
):
    question_id = ask(api_for(make_user()), product).json()["id"]
    complete_order(user, sku)

    api_for(operator).api("post", f"/reviews/questions/{question_id}/answers", json={"text": "开封后请冷藏"})
    response = user_api.api("post", f"/reviews/questions/{question_id}/answers", json={"text": "我买过，挺新鲜"})

    answers = response.json()["answers"]
    assert response.status_code == 201 and response.json()["answer_count"] == 2
    assert [(a["text"], a["is_official"], a["is_verified_buyer"]) for a in answers] == [
        ("开封后请冷藏", True, False),
        ("我买过，挺新鲜", False, True),
    ]
    asker = Question.objects.get().user
    notice = Notification.objects.get(user=asker, kind="question_answered")
    assert notice.actor_count == 2  # grouped: one inbox row for both answers


def test_the_asker_picks_the_best_answer_others_cannot(user, user_api, api_for, make_user, product, published):
    question_id = ask(user_api, product).json()["id"]
    helper = make_user()
    answer_id = (
        api_for(helper)
        .api("post", f"/reviews/questions/{question_id}/answers", json={"text": "三个月"})
        .json()["answers"][0]["id"]
    )

    stranger = api_for(make_user()).api("post", f"/reviews/answers/{answer_id}/accept")
    accepted = user_api.api("post", f"/reviews/answers/{answer_id}/accept")
    again = user_api.api("post", f"/reviews/answers/{answer_id}/accept")

    assert stranger.status_code == 403 and stranger.json()["code"] == "not_question_owner"
    assert accepted.status_code == 200 and accepted.json()["best_answer_id"] == answer_id
    assert accepted.json()["answers"][0]["is_best"] is True
    assert again.status_code == 200
    assert (
        published.count(("answer.accepted", {"answer_id": answer_id, "user_id": helper.pk, "question_id": question_id}))
        == 1
    )
    assert Notification.objects.filter(user=helper, kind="answer_accepted").count() == 1


def test_answers_are_liked_and_unliked(user_api, api_for, make_user, product):
    question_id = ask(user_api, product).json()["id"]
    answer_id = user_api.api("post", f"/reviews/questions/{question_id}/answers", json={"text": "好"}).json()[
        "answers"
    ][0]["id"]
    reader = api_for(make_user())

    assert reader.api("post", f"/reviews/answers/{answer_id}/like").json() == {"active": True, "count": 1}
    assert reader.api("post", f"/reviews/answers/{answer_id}/like").json() == {"active": False, "count": 0}


@pytest.mark.parametrize(
    ("text", "status"),
    [("", 400), ("   ", 400), ("<script>alert(1)</script>", 400), ("问" * 301, 400)],
)
def test_bad_questions_are_refused(user_api, product, text, status):
    response = ask(user_api, product, text)

    assert response.status_code == status
    assert not Question.objects.exists()


def test_asking_about_a_product_that_does_not_exist_is_404(user_api):
    response = user_api.api("post", "/reviews/products/999999/questions", json={"text": "有货吗"})

    assert response.status_code == 404
    assert not Question.objects.exists()


def test_markup_is_stripped_from_answers(user_api, product):
    question_id = ask(user_api, product).json()["id"]

    user_api.api(
        "post", f"/reviews/questions/{question_id}/answers", json={"text": "<img src=x onerror=alert(1)>新鲜<i>的</i>"}
    )

    assert Answer.objects.get().text == "新鲜的"


def test_answering_a_hidden_question_is_404(user, user_api, operator, product):
    from shequ.reviews import services

    question = services.question_ask(user=user, product_id=product.pk, text="能放多久")
    services.question_remove(question=question, actor=operator, by="moderation")

    response = user_api.api("post", f"/reviews/questions/{question.pk}/answers", json={"text": "一年"})

    assert response.status_code == 404 and not Answer.objects.exists()


def test_the_qa_pages_ask_answer_and_choose(web_client, user, make_user, product):
    asked = web_client.post(f"/reviews/product/{product.pk}/qa/", {"text": "孕妇可以喝吗？"}, follow=True)
    question = Question.objects.get()
    assert asked.redirect_chain[-1][0] == f"/reviews/questions/{question.pk}/"

    helper = Client()
    helper.force_login(make_user(), backend="django.contrib.auth.backends.ModelBackend")
    helper.post(f"/reviews/questions/{question.pk}/", {"text": "可以的，我怀孕时一直喝"})
    answer = Answer.objects.get()
    liked = helper.post(f"/reviews/answers/{answer.pk}/like/", headers={"HX-Request": "true"})
    chosen = web_client.post(f"/reviews/answers/{answer.pk}/accept/", follow=True)

    assert 'data-testid="like-count">1<' in liked.content.decode()
    html = chosen.content.decode()
    assert 'data-testid="best-answer"' in html and "我怀孕时一直喝" in html
    listing = Client().get(f"/reviews/product/{product.pk}/qa/").content.decode()
    assert "孕妇可以喝吗？" in listing and 'data-testid="ask-form"' not in listing  # visitors are asked to log in


def test_the_admin_answers_for_the_brand(operator, user, product):
    from shequ.reviews import services

    question = services.question_ask(user=user, product_id=product.pk, text="含糖吗")
    admin = Client()
    admin.force_login(operator, backend="django.contrib.auth.backends.ModelBackend")

    response = admin.post(
        f"/admin/reviews/question/{question.pk}/change/",
        {"official_answer": "每100ml含糖5g", "answers-TOTAL_FORMS": "0", "answers-INITIAL_FORMS": "0"},
    )

    assert response.status_code == 302
    answer = Answer.objects.get()
    assert answer.is_official and answer.user == operator
