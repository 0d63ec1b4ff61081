"""Subscribers hear about an event only after the publishing transaction commits, and a failing subscriber
never breaks the publisher."""

import pytest
from django.db import transaction

from shequ.core import domain_events

heard: list[dict] = []


@domain_events.subscribe("test.happened")
def remember(**payload):
    heard.append(payload)


@domain_events.subscribe("test.broken")
def explode(**payload):
    raise RuntimeError("subscriber bug")


@pytest.fixture(autouse=True)
def _clear():
    heard.clear()


@pytest.mark.django_db(transaction=True)
def test_subscribers_run_after_commit_with_the_payload():
    with transaction.atomic():
        domain_events.publish("test.happened", order_id=7, amount="12.50")
        assert heard == []  # not before the commit
    assert heard == [{"order_id": 7, "amount": "12.50"}]


@pytest.mark.django_db(transaction=True)
def test_rolled_back_work_publishes_nothing():
    def failing_use_case():
        with transaction.atomic():
            domain_events.publish("test.happened", order_id=8)
            raise ValueError("the use case failed")

    with pytest.raises(ValueError, match="use case failed"):
        failing_use_case()
    assert heard == []


@pytest.mark.django_db(transaction=True)
def test_a_failing_subscriber_does_not_break_the_publisher():
    with transaction.atomic():
        domain_events.publish("test.broken", order_id=9)
        domain_events.publish("test.happened", order_id=9)
    assert heard == [{"order_id": 9}]


def test_registering_twice_keeps_one_subscription():
    domain_events.subscribe("test.happened")(remember)
    assert domain_events.subscribers("test.happened").count("shequ.core.tests.test_domain_events.remember") == 1
