"""Daily check-in: once per Asia/Shanghai day (23:59 and 00:01 are different days), streaks and their bonuses,
``checkin.done`` published; the calendar page and the API; a second check-in is a 409 that changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from shequ.analytics.models import Event
from shequ.core import domain_events
from shequ.core.errors import Conflict
from shequ.loyalty import selectors, services
from shequ.loyalty.models import CheckIn, EarningRule, LedgerEntry, StreakBonus
from shequ.loyalty.tests.conftest import shanghai

pytestmark = pytest.mark.django_db

heard: list[dict] = []


@domain_events.subscribe("checkin.done")
def remember(**payload):
    heard.append(payload)


@pytest.fixture(autouse=True)
def _setup(rules):
    heard.clear()
    EarningRule.objects.filter(code="checkin").update(points=5, daily_cap=0)
    StreakBonus.objects.all().delete()
    StreakBonus.objects.create(streak_days=3, bonus_points=10, repeats=True)


def test_23_59_and_00_01_shanghai_are_two_days(user):
    late = services.checkin_do(user=user, now=shanghai(2025, 3, 1, 23, 59))
    early = services.checkin_do(user=user, now=shanghai(2025, 3, 2, 0, 1))

    assert (late.day, late.streak) == (date(2025, 3, 1), 1)
    assert (early.day, early.streak) == (date(2025, 3, 2), 2)
    assert selectors.points_balance(user_id=user.pk) == 10


def test_the_day_is_shanghai_time_not_utc(user):
    # 16:30 UTC on 1 March is already 00:30 on 2 March in Shanghai.
    from datetime import UTC, datetime

    first = services.checkin_do(user=user, now=datetime(2025, 3, 1, 15, 59, tzinfo=UTC))
    second = services.checkin_do(user=user, now=datetime(2025, 3, 1, 16, 30, tzinfo=UTC))

    assert (first.day, second.day) == (date(2025, 3, 1), date(2025, 3, 2))


def test_checking_in_twice_the_same_shanghai_day_is_409_and_changes_nothing(user, points_state):
    services.checkin_do(user=user, now=shanghai(2025, 3, 2, 0, 1))
    before = points_state(user.pk)

    with pytest.raises(Conflict) as caught:
        services.checkin_do(user=user, now=shanghai(2025, 3, 2, 23, 59))

    assert caught.value.code == "checkin_already_done" and caught.value.status == 409
    assert CheckIn.objects.count() == 1
    assert points_state(user.pk) == before


def test_a_missed_day_restarts_the_streak_and_bonuses_come_every_third_day(user):
    days = [1, 2, 3, 5, 6, 7, 8, 9]
    done = [services.checkin_do(user=user, now=shanghai(2025, 3, d, 9)) for d in days]

    assert [c.streak for c in done] == [1, 2, 3, 1, 2, 3, 4, 5]
    assert [c.points for c in done] == [5, 5, 15, 5, 5, 15, 5, 5]
    assert LedgerEntry.objects.filter(kind="checkin_streak").count() == 2


def test_checkin_publishes_its_event_and_tracks(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.checkin_do(user=user, now=shanghai(2025, 3, 2, 0, 1))

    assert heard == [{"user_id": user.pk, "day": "2025-03-02", "streak": 1}]
    assert Event.objects.filter(name="checkin_done", user_id=user.pk).count() == 1


def test_calendar_marks_the_month(user):
    for d in (1, 2, 4):
        services.checkin_do(user=user, now=shanghai(2025, 3, d, 9))

    cal = selectors.checkin_calendar(user_id=user.pk, now=shanghai(2025, 3, 4, 12))

    done = [d.day.day for week in cal.weeks for d in week if d and d.checked_in]
    assert done == [1, 2, 4]
    assert (cal.checked_in_today, cal.streak, cal.days_this_month) == (True, 1, 3)
    assert cal.following is None and cal.previous == date(2025, 2, 1)


def test_checkin_page_button_and_htmx_swap(web_client, user):
    page = web_client.get("/loyalty/checkin/")
    assert page.status_code == 200 and b'data-testid="checkin-button"' in page.content

    swapped = web_client.post("/loyalty/checkin/do/", HTTP_HX_REQUEST="true")
    assert swapped.status_code == 200
    assert b'data-testid="checkin-result"' in swapped.content and b'data-testid="checkin-done"' in swapped.content

    again = web_client.post("/loyalty/checkin/do/", HTTP_HX_REQUEST="true")
    assert again.status_code == 409 and b'data-testid="checkin-error"' in again.content
    assert CheckIn.objects.filter(user=user).count() == 1

    plain = web_client.post("/loyalty/checkin/do/")
    assert plain.status_code == 302 and plain["Location"] == "/loyalty/checkin/"


def test_checkin_api(user_api, user):
    created = user_api.api("post", "/loyalty/checkins")
    again = user_api.api("post", "/loyalty/checkins")
    month = user_api.api("get", "/loyalty/checkins")

    assert created.status_code == 201
    assert created.json()["streak"] == 1 and created.json()["points"] == 5 and created.json()["balance"] == 5
    assert again.status_code == 409 and again.json()["code"] == "checkin_already_done"
    assert month.json()["checked_in_today"] is True and len(month.json()["days"]) == 1
    assert user_api.api("get", "/loyalty/checkins?month=13").status_code == 400


def test_checkin_needs_login(client, anon_api):
    assert client.get("/loyalty/checkin/").status_code == 302
    assert anon_api.api("post", "/loyalty/checkins").status_code == 401
