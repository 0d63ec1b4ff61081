"""Apps send their own events in batches."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from shequ.analytics.models import Event

pytestmark = pytest.mark.django_db


def test_an_app_sends_a_batch_of_anonymous_events(anon_api):
    response = anon_api.api(
        "post",
        "/events",
        json={
            "events": [
                {"name": "app_open", "properties": {"version": "2.1.0"}},
                {"name": "product_view", "properties": {"product_id": 3}},
            ]
        },
        headers={"X-Anonymous-Id": "device-abc", "X-Device-Id": "ios-123", "X-Channel": "ios"},
    )

    assert response.status_code == 202 and response.json() == {"accepted": 2}
    events = list(Event.objects.order_by("id"))
    assert [e.name for e in events] == ["app_open", "product_view"]
    assert all(
        (e.anonymous_id, e.device_id, e.channel, e.user_id) == ("device-abc", "ios-123", "ios", None) for e in events
    )


def test_a_logged_in_app_attributes_events_to_the_user(user_api, user):
    user_api.api("post", "/events", json={"events": [{"name": "poll_view"}]})

    assert Event.objects.get(name="poll_view").user_id == user.pk


def test_a_device_with_a_wrong_clock_does_not_scatter_events(anon_api):
    far_past = (timezone.now() - timedelta(days=400)).isoformat()

    anon_api.api("post", "/events", json={"events": [{"name": "app_open", "at": far_past}]})

    assert abs(Event.objects.get().occurred_at - timezone.now()) < timedelta(minutes=1)


def test_recent_client_times_are_kept(anon_api):
    at = (timezone.now() - timedelta(hours=2)).replace(microsecond=0)

    anon_api.api("post", "/events", json={"events": [{"name": "app_open", "at": at.astimezone(UTC).isoformat()}]})

    assert Event.objects.get().occurred_at == at


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"events": []}, 422),
        ({"events": [{"name": "ok"}] * 101}, 422),
        ({"events": [{"name": "Bad Name!"}]}, 400),
        ({"events": [{"name": "x" * 65}]}, 422),
        ({"events": [{"name": "big", "properties": {"blob": "x" * 9000}}]}, 400),
        ({"nothing": True}, 422),
    ],
)
def test_bad_batches_are_refused_whole(anon_api, payload, status):
    response = anon_api.api("post", "/events", json=payload)

    assert response.status_code == status
    assert response.json()["code"] in {"invalid_input", "invalid_event"}
    assert Event.objects.count() == 0


def test_naive_client_times_are_read_as_utc(anon_api):
    at = datetime.now(UTC).replace(tzinfo=None, microsecond=0) - timedelta(minutes=10)

    anon_api.api("post", "/events", json={"events": [{"name": "app_open", "at": at.isoformat()}]})

    assert Event.objects.get().occurred_at == at.replace(tzinfo=UTC)
