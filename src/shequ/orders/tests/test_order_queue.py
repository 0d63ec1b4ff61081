"""Queued flash-sale orders (orders/order_queue.py): a buyer who asks with ``Prefer: respond-async`` and gets a
unit at the gate is answered 202 with a ticket; a worker places the order, and the ticket then shows it — or
why it failed, with the unit back on sale. Retries never queue twice, and nothing is sold twice.

The broker is the outside world here: where a test needs a message to wait in the queue, it holds the task's
arguments and runs the task itself, as a worker would."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from shequ.catalog.testing import make_product
from shequ.orders import order_queue
from shequ.orders.models import FlashSale, Order
from shequ.orders.tasks import place_queued
from shequ.orders.testing import make_address, make_flash_sale

pytestmark = pytest.mark.django_db(transaction=True)

ASYNC = {"Prefer": "respond-async"}


@pytest.fixture(autouse=True)
def _queue(monkeypatch):
    """Where the queue runs: Redis (the gate) and real workers. Tasks still run in-process unless a test holds
    them (``held``)."""
    if not isinstance(caches["default"], RedisCache):
        pytest.skip("the queue stands behind the Redis gate (set REDIS_URL)")
    monkeypatch.setattr(order_queue, "_workers", lambda: True)


@pytest.fixture
def held(monkeypatch):
    """Messages the broker holds: the task's keyword arguments, not yet run by a worker."""
    messages: list[dict] = []
    monkeypatch.setattr(place_queued, "apply_async", lambda kwargs: messages.append(kwargs))
    return messages


def buyer(make_user, api_for, *, address: bool = True):
    person = make_user()
    if address:
        make_address(person)
    return api_for(person)


def buy_now(client, sale: FlashSale, *, key: str = "", headers: dict | None = None):
    extra = dict(headers if headers is not None else ASYNC)
    if key:
        extra["Idempotency-Key"] = key
    return client.api("post", "/orders", json={"sku_id": sale.sku_id, "quantity": 1}, headers=extra)


def test_a_winner_is_answered_202_and_the_ticket_shows_the_placed_order(make_user, api_for):
    sale = make_flash_sale(allotment=5)
    client = buyer(make_user, api_for)

    answer = buy_now(client, sale, key="flash-key-1")

    assert answer.status_code == 202
    body = answer.json()
    assert answer["Location"] == body["poll_url"]
    assert answer["Preference-Applied"] == "respond-async"
    polled = client.api("get", body["poll_url"].removeprefix("/api/v1")).json()
    assert polled["status"] == "placed"
    assert polled["order"]["items_total"] == "9.90"  # the flash price, priced by the server
    assert polled["order"]["status"] == "pending_payment"
    sale.refresh_from_db()
    assert sale.sold == 1
    assert Order.objects.filter(number=polled["order"]["number"], idempotency_key="flash-key-1").exists()


def test_without_prefer_or_outside_a_gated_sale_the_order_is_placed_before_the_answer(make_user, api_for, held):
    sale = make_flash_sale(allotment=5)
    client = buyer(make_user, api_for)

    assert buy_now(client, sale, headers={}).status_code == 201
    plain = make_product(skus=[{"stock": 5, "list_price": "20.00"}]).skus.get()  # no sale, no gate
    other = buyer(make_user, api_for)
    answer = other.api("post", "/orders", json={"sku_id": plain.pk, "quantity": 1}, headers=ASYNC)
    assert answer.status_code == 201
    assert held == []


def test_a_queued_ticket_is_queued_until_a_worker_places_it_and_a_retry_does_not_queue_twice(make_user, api_for, held):
    sale = make_flash_sale(allotment=1)
    client = buyer(make_user, api_for)

    first = buy_now(client, sale, key="flash-retry-1").json()
    assert client.api("get", f"/orders/queue/{first['ticket']}").json()["status"] == "queued"
    again = buy_now(client, sale, key="flash-retry-1")  # the buyer taps again while queued
    assert again.status_code == 202 and again.json()["ticket"] == first["ticket"]
    assert len(held) == 1
    late = buy_now(buyer(make_user, api_for), sale)  # the only unit is this ticket's
    assert late.status_code == 409 and late.json()["code"] == "out_of_stock"

    assert place_queued.apply(kwargs=held[0]).get() == "placed"  # the worker

    polled = client.api("get", f"/orders/queue/{first['ticket']}").json()
    assert polled["status"] == "placed"
    replay = buy_now(client, sale, key="flash-retry-1")  # a retry after it was placed: the same order
    assert replay.status_code == 200 and replay.json()["number"] == polled["order"]["number"]
    assert place_queued.apply(kwargs=held[0]).get() == "placed"  # a redelivered message changes nothing
    assert Order.objects.filter(items__flash_sale=sale).count() == 1
    sale.refresh_from_db()
    assert sale.sold == 1


def test_a_failed_placement_says_why_in_the_buyers_language_and_the_unit_goes_back(make_user, api_for, held):
    sale = make_flash_sale(allotment=1)
    homeless = buyer(make_user, api_for, address=False)  # wins the unit, then placement refuses: no address

    ticket = buy_now(homeless, sale, headers={**ASYNC, "Accept-Language": "en"}).json()["ticket"]
    place_queued.apply(kwargs=held[0])

    polled = homeless.api("get", f"/orders/queue/{ticket}").json()
    assert polled["status"] == "failed"
    assert polled["error"]["code"] == "address_required"
    assert polled["error"]["message"] == "Add a delivery address."
    assert polled["order"] is None
    assert buy_now(buyer(make_user, api_for), sale, headers={}).status_code == 201  # the unit was back on sale


def test_a_ticket_is_only_its_buyers(make_user, api_for, held):
    sale = make_flash_sale(allotment=2)
    ticket = buy_now(buyer(make_user, api_for), sale).json()["ticket"]
    stranger = buyer(make_user, api_for)

    for path in (f"/orders/queue/{ticket}", "/orders/queue/0123456789abcdef0123", "/orders/queue/../../x"):
        answer = stranger.api("get", path)
        assert answer.status_code == 404
        if answer["Content-Type"] == "application/json":
            assert answer.json()["code"] in {"ticket_not_found", "not_found"}


def test_when_the_queue_is_down_the_order_is_placed_directly(make_user, api_for, monkeypatch):
    sale = make_flash_sale(allotment=1)

    def broker_down(kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(place_queued, "apply_async", broker_down)
    answer = buy_now(buyer(make_user, api_for), sale, key="flash-down-1")

    assert answer.status_code == 201
    sale.refresh_from_db()
    assert sale.sold == 1  # the unit taken for the queue went back and was taken again, once
    assert buy_now(buyer(make_user, api_for), sale).status_code == 409


def test_units_waiting_in_the_queue_are_not_offered_again_when_the_gate_is_re_read(make_user, api_for, held):
    """The gate trusts its count for FLASH_GATE_SECONDS, then re-reads allotment - sold from the database; the
    queued units are not in ``sold`` yet, so they must not be sold a second time."""
    sale = make_flash_sale(allotment=2)
    buy_now(buyer(make_user, api_for), sale)
    buy_now(buyer(make_user, api_for), sale)
    assert len(held) == 2

    client = caches["default"]._cache.get_client(None, write=True)
    client.delete(caches["default"].make_and_validate_key(f"orders:gate:{sale.sku_id}"))  # the count expired
    late = buy_now(buyer(make_user, api_for), sale)

    assert late.status_code == 409 and late.json()["code"] == "out_of_stock"
    assert len(held) == 2
    for message in held:
        assert place_queued.apply(kwargs=message).get() == "placed"
    sale.refresh_from_db()
    assert sale.sold == 2
