"""The event buffer batches writes off the request path and loses nothing when a write fails."""

import threading
import time

import pytest

from shequ.analytics.buffer import EventBuffer


def test_rows_are_written_in_batches_by_the_background_thread():
    batches: list[list[dict]] = []
    done = threading.Event()

    def ingest(rows):
        batches.append(rows)
        if sum(len(b) for b in batches) >= 25:
            done.set()

    buffer = EventBuffer(ingest, batch_size=10, interval=0.05)
    for i in range(25):
        buffer.add({"n": i})

    assert done.wait(2)
    assert [row["n"] for batch in batches for row in batch] == list(range(25))
    assert all(len(batch) <= 10 for batch in batches)
    assert buffer.pending() == 0


def test_add_does_not_wait_for_a_slow_database():
    release = threading.Event()
    buffer = EventBuffer(lambda rows: release.wait(2), batch_size=1, interval=0.01)

    started = time.perf_counter()
    for i in range(100):
        buffer.add({"n": i})
    elapsed = time.perf_counter() - started
    release.set()

    assert elapsed < 0.2


def test_a_failed_write_keeps_the_rows_for_the_next_flush():
    attempts = []

    def flaky(rows):
        attempts.append(len(rows))
        if len(attempts) == 1:
            raise ConnectionError("database restarting")

    buffer = EventBuffer(flaky, batch_size=1000, interval=3600)
    buffer._rows = [{"n": i} for i in range(5)]  # as if added, without starting the thread

    assert buffer.flush() == 0
    assert buffer.pending() == 5
    assert buffer.flush() == 5
    assert attempts == [5, 5]


@pytest.mark.django_db(transaction=True)
def test_buffered_mode_writes_through_the_real_pipeline(settings, user):
    from shequ.analytics import buffer as buffer_module
    from shequ.analytics.models import Event
    from shequ.analytics.services import flush, track

    settings.SHEQU_ANALYTICS = {"WRITE_MODE": "buffered", "BATCH_SIZE": 500, "FLUSH_INTERVAL_SECONDS": 3600}
    buffer_module._buffer = None
    try:
        for _ in range(3):
            track(user, "product_view", {"product_id": 1})
        assert Event.objects.count() == 0  # nothing written on the request path
        assert flush() == 3
        assert Event.objects.filter(user_id=user.pk, name="product_view").count() == 3
    finally:
        buffer_module._buffer = None
