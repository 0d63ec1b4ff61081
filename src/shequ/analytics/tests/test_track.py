"""track(): who did what, when, from which channel and campaign."""

from datetime import UTC, date, datetime

import pytest

from shequ.analytics.context import EventContext
from shequ.analytics.models import Event
from shequ.analytics.selectors import active_users_by_day, event_counts_by_day
from shequ.analytics.services import InvalidEvent, build_event_row, track

pytestmark = pytest.mark.django_db


def test_an_event_for_a_user_carries_context_and_local_day(user):
    ctx = EventContext(
        anonymous_id="anon-1",
        session_id="visit-1",
        device_id="dev-1",
        channel="wechat",
        utm={"utm_source": "wechat", "utm_campaign": "spring"},
    )
    at = datetime(2026, 1, 1, 17, 30, tzinfo=UTC)  # 01:30 on 2 January in Shanghai

    track(user, "add_to_cart", {"sku_id": 12, "price": __import__("decimal").Decimal("9.90")}, at, context=ctx)

    event = Event.objects.get()
    assert (event.name, event.user_id, event.anonymous_id, event.session_id) == (
        "add_to_cart",
        user.pk,
        "anon-1",
        "visit-1",
    )
    assert (event.channel, event.utm_source, event.utm_campaign) == ("wechat", "wechat", "spring")
    assert event.properties == {"sku_id": 12, "price": "9.90"}
    assert event.day == date(2026, 1, 2)


def test_an_anonymous_visitor_is_tracked_by_anonymous_id():
    track("visitor-42", "search", {"q": "牛奶", "results": 12})

    event = Event.objects.get()
    assert event.user_id is None and event.anonymous_id == "visitor-42"


@pytest.mark.parametrize("name", ["", "Bad Name", "1starts_with_digit", "x" * 65, "drop table;"])
def test_bad_event_names_are_refused(name):
    with pytest.raises(InvalidEvent):
        build_event_row(None, name)


def test_oversized_properties_are_refused():
    with pytest.raises(InvalidEvent):
        build_event_row(None, "search", {"q": "x" * 10_000})


def test_counts_by_day_and_daily_active_users(make_user):
    alice, bob = make_user(), make_user()
    day1 = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    day2 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    for who, when in [(alice, day1), (alice, day1), (bob, day1), (alice, day2)]:
        track(who, "page_view", {}, when)
    track("anon", "page_view", {}, day2)

    counts = list(event_counts_by_day(start=date(2026, 3, 1), end=date(2026, 3, 2), names=["page_view"]))
    dau = list(active_users_by_day(start=date(2026, 3, 1), end=date(2026, 3, 2)))

    assert [(c["day"], c["events"], c["users"]) for c in counts] == [(date(2026, 3, 1), 3, 2), (date(2026, 3, 2), 2, 1)]
    assert [(d["day"], d["users"]) for d in dau] == [(date(2026, 3, 1), 2), (date(2026, 3, 2), 1)]


def test_nul_bytes_in_properties_are_dropped_not_fatal(user):
    track(user, "trace_lookup", {"query": "SQ2026\x00A01", "nested": ["a\x00b"]})

    assert Event.objects.get().properties == {"query": "SQ2026A01", "nested": ["ab"]}
