"""The pages and the API: my points (balance, expiring soon, paginated history with a fixed query count), my
tier; other people's points never show; login required."""

from __future__ import annotations

import pytest

from shequ.analytics.models import Event
from shequ.loyalty import services

pytestmark = pytest.mark.django_db


def _fill(user, count: int):
    for i in range(count):
        services.points_award(user_id=user.pk, points=i + 1, kind="onboarding", reference=f"r{i}")


def test_points_page_shows_balance_and_history(web_client, user, make_user):
    _fill(user, 3)
    other = make_user()
    services.points_award(user_id=other.pk, points=777, kind="onboarding", reference="x")

    page = web_client.get("/loyalty/")

    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="points-balance">6<' in body
    assert body.count('data-testid="points-entry"') == 3
    assert "777" not in body
    assert Event.objects.filter(name="points_view", user_id=user.pk).count() == 1


def test_history_pages_make_a_fixed_number_of_queries(web_client, user, django_assert_max_num_queries):
    _fill(user, 45)

    with django_assert_max_num_queries(12):
        first = web_client.get("/loyalty/")
    with django_assert_max_num_queries(8):
        more = web_client.get("/loyalty/?page=2", HTTP_HX_REQUEST="true")
    last = web_client.get("/loyalty/?page=3", HTTP_HX_REQUEST="true")

    assert first.content.decode().count('data-testid="points-entry"') == 20
    assert more.content.decode().count('data-testid="points-entry"') == 20
    assert 'data-testid="points-more"' in more.content.decode()
    assert last.content.decode().count('data-testid="points-entry"') == 5


def test_tier_page(web_client, user, rules):
    page = web_client.get("/loyalty/tier/")

    assert page.status_code == 200
    assert b'data-testid="tier-name"' in page.content and b'data-testid="tier-next"' in page.content


def test_points_api(user_api, user, make_user):
    _fill(user, 25)
    services.points_spend(user_id=user.pk, points=5, kind="mall", reference="m")
    other = make_user()
    services.points_award(user_id=other.pk, points=777, kind="onboarding", reference="x")

    summary = user_api.api("get", "/loyalty/points").json()
    history = user_api.api("get", "/loyalty/points/history?page_size=10").json()
    spent = user_api.api("get", "/loyalty/points/history?direction=out").json()

    assert (summary["balance"], summary["held"], summary["pending"]) == (320, 0, 0)
    assert history["count"] == 26 and len(history["items"]) == 10
    assert [(e["kind"], e["points"]) for e in spent["items"]] == [("mall", -5)]
    assert user_api.api("get", "/loyalty/points/history?direction=sideways").status_code == 400


def test_tier_api(user_api, rules):
    tier = user_api.api("get", "/loyalty/tier").json()

    assert (tier["code"], tier["next_code"], tier["free_shipping"]) == ("member", "silver", False)


def test_pages_need_login(client, anon_api):
    assert client.get("/loyalty/").status_code == 302
    assert client.get("/loyalty/tier/").status_code == 302
    assert anon_api.api("get", "/loyalty/points").status_code == 401
