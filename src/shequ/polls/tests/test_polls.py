"""Polls: one vote per person (409 for a second one, enforced by the database too), deadlines, multiple
choice limits, results after voting or after closing, HTMX voting, operators creating product polls."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from shequ.analytics.models import Event
from shequ.polls.models import Poll, PollBallot

pytestmark = pytest.mark.django_db


def vote(client, poll, *options):
    return client.api("post", f"/polls/{poll.pk}/vote", json={"option_ids": [o.pk for o in options]})


def test_a_vote_counts_and_shows_the_results(user, user_api, make_poll, published):
    poll = make_poll()
    _first, second, _third = poll.options.all()

    before = user_api.api("get", f"/polls/{poll.pk}").json()
    response = vote(user_api, poll, second)

    assert before["can_vote"] is True and before["options"][0]["votes"] is None
    body = response.json()
    assert response.status_code == 200 and body["voted"] is True and body["ballot_count"] == 1
    assert [(o["votes"], o["percent"], o["chosen"]) for o in body["options"]] == [
        (0, 0, False),
        (1, 100, True),
        (0, 0, False),
    ]
    assert published == [("poll.voted", {"poll_id": poll.pk, "user_id": user.pk})]
    assert Event.objects.filter(name="poll_voted", user_id=user.pk).exists()


def test_voting_twice_is_409_and_counts_once(user_api, make_poll):
    poll = make_poll()
    first, second, _ = poll.options.all()
    vote(user_api, poll, first)

    again = vote(user_api, poll, second)

    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    assert PollBallot.objects.count() == 1
    poll.refresh_from_db()
    assert poll.ballot_count == 1 and [o.vote_count for o in poll.options.all()] == [1, 0, 0]


def test_the_database_refuses_a_second_ballot(user, make_poll):
    poll = make_poll()
    PollBallot.objects.create(poll=poll, user=user)

    with pytest.raises(IntegrityError), transaction.atomic():
        PollBallot.objects.create(poll=poll, user=user)


def test_voting_after_the_deadline_is_refused(user_api, make_poll):
    poll = make_poll()
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(minutes=1))

    response = vote(user_api, poll, poll.options.first())

    assert response.status_code == 409 and response.json()["code"] == "poll_closed"
    assert not PollBallot.objects.exists()


@pytest.mark.parametrize("how_many", [0, 3])
def test_multiple_choice_allows_one_to_max_choices(user_api, make_poll, how_many):
    poll = make_poll(multiple=True, max_choices=2)

    response = vote(user_api, poll, *list(poll.options.all())[:how_many])

    assert response.status_code == 400 and response.json()["code"] == "poll_choice_invalid"
    assert not PollBallot.objects.exists()


def test_multiple_choice_counts_each_option(user_api, make_poll):
    poll = make_poll(multiple=True, max_choices=2)
    first, _second, third = poll.options.all()

    body = vote(user_api, poll, first, third).json()

    assert [o["votes"] for o in body["options"]] == [1, 0, 1] and body["ballot_count"] == 1


def test_an_option_of_another_poll_is_refused(user_api, make_poll):
    poll, other = make_poll(), make_poll(question="另一个")

    response = vote(user_api, poll, other.options.first())

    assert response.status_code == 400 and not PollBallot.objects.exists()


def test_results_after_close_stay_hidden_until_the_poll_closes(user_api, make_poll):
    poll = make_poll(results_visibility="after_close")
    voted = vote(user_api, poll, poll.options.first()).json()

    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    closed = user_api.api("get", f"/polls/{poll.pk}").json()

    assert voted["show_results"] is False and voted["options"][0]["votes"] is None
    assert closed["show_results"] is True and closed["options"][0]["votes"] == 1


def test_the_poll_page_votes_with_htmx(web_client, make_poll):
    poll = make_poll()
    option = poll.options.last()
    html = web_client.get(f"/polls/{poll.pk}/").content.decode()
    assert html.count('data-testid="poll-option"') == 3

    response = web_client.post(f"/polls/{poll.pk}/vote/", {"option": [option.pk]}, headers={"HX-Request": "true"})
    again = web_client.post(f"/polls/{poll.pk}/vote/", {"option": [option.pk]}, headers={"HX-Request": "true"})

    assert response.status_code == 200 and 'data-testid="poll-results"' in response.content.decode()
    assert "100%" in response.content.decode() and "<html" not in response.content.decode()
    assert again.status_code == 409 and 'data-testid="poll-error"' in again.content.decode()


def test_the_list_page_and_visitors(make_poll):
    make_poll(is_official=True)
    make_poll(question="社区投票")

    html = Client().get("/polls/").content.decode()
    official = Client().get("/polls/?official=1").content.decode()

    assert html.count('data-testid="poll"') == 2 and official.count('data-testid="poll"') == 1
    assert Client().post("/polls/1/vote/").status_code == 302  # log in first


def test_only_operators_create_polls_and_products_must_exist(user_api, api_for, operator):
    payload = {"question": "哪个规格？", "options": [{"text": "大瓶"}, {"text": "小瓶"}], "is_official": True}

    refused = user_api.api("post", "/polls", json=payload)
    created = api_for(operator).api("post", "/polls", json=payload)
    bad_product = api_for(operator).api("post", "/polls", json={**payload, "product_ids": [999999]})
    one_option = api_for(operator).api("post", "/polls", json={**payload, "options": [{"text": "a"}, {"text": " "}]})

    assert refused.status_code == 403
    assert created.status_code == 201 and created.json()["is_official"] is True
    assert bad_product.status_code == 400 and one_option.status_code == 400
    assert Poll.objects.count() == 1


def test_unknown_polls_are_404(user_api):
    assert user_api.api("get", "/polls/424242").status_code == 404
    assert user_api.api("post", "/polls/424242/vote", json={"option_ids": [1]}).status_code == 404
