"""Grouped display ("A and 12 others liked…"), per-kind mute settings, and live unread counts (SSE)."""

import json
import threading
import time

import pytest
from django.test import Client
from django.utils import translation

from shequ.notifications import realtime
from shequ.notifications.models import Notification, NotificationMute
from shequ.notifications.services import notifications_mark_read, notify

pytestmark = pytest.mark.django_db

LIKE = "%(actor)s liked your post"


def _like(user, actor, post_id=1):
    return notify(
        user=user,
        kind="like",
        title=f"{actor.nickname} 赞了你的帖子",
        data={"i18n": {"title": LIKE, "params": {"actor": actor.nickname, "post_id": post_id}}},
        group_key=f"like:post:{post_id}",
        actor_id=actor.pk,
    )


def _login(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_grouped_likes_read_a_and_n_others_in_the_inbox(user, make_user):
    likers = [make_user(nickname=f"liker{i}") for i in range(13)]
    for liker in likers:
        _like(user, liker)
    client = _login(user)
    client.post("/i18n/setlang/", {"language": "en"})

    page = client.get("/inbox/").content.decode()

    assert "liker12 and 12 others liked your post" in page
    assert Notification.objects.count() == 1


def test_a_single_actor_reads_normally_and_one_other_is_singular(user, make_user):
    a, b = make_user(nickname="amy"), make_user(nickname="ben")
    row = _like(user, a)
    from shequ.notifications.rendering import notification_text

    with translation.override("en"):
        assert notification_text(row)[0] == "amy liked your post"
        row = _like(user, b)
        assert notification_text(row)[0] == "ben and 1 other liked your post"


def test_api_returns_the_grouped_title(user, make_user, user_api):
    for i in range(3):
        _like(user, make_user(nickname=f"fan{i}"))

    items = user_api.api("get", "/notifications", headers={"Accept-Language": "en"}).json()["items"]

    assert items[0]["title"] == "fan2 and 2 others liked your post"
    assert items[0]["actor_count"] == 3


def test_mute_settings_page(user):
    client = _login(user)
    page = client.get("/inbox/settings/").content.decode()
    for kind in ("like", "comment", "reply", "mention", "follow", "answer", "official_reply", "message"):
        assert f'data-testid="kind-{kind}"' in page

    keep = ["comment", "reply", "mention", "answer", "official_reply", "message"]
    response = client.post("/inbox/settings/", {"kinds": keep})

    assert response.status_code == 302
    assert set(NotificationMute.objects.filter(user=user).values_list("kind", flat=True)) == {"like", "follow"}
    assert notify(user=user, kind="like", title="x") is None
    assert notify(user=user, kind="comment", title="x") is not None
    client.post("/inbox/settings/", {"kinds": [*keep, "like", "follow"]})
    assert not NotificationMute.objects.filter(user=user).exists()


def _events(body: str) -> list[int]:
    counts = []
    for frame in body.split("\n\n"):
        lines = dict(line.split(": ", 1) for line in frame.splitlines() if ": " in line and not line.startswith(":"))
        if lines.get("event") == "unread":
            counts.append(json.loads(lines["data"])["unread"])
    return counts


def test_stream_sends_the_count_and_then_changes(user, settings):
    settings.REDIS_URL = ""  # the embedded default's polling path (the Redis path is tested below)
    settings.SHEQU_NOTIFICATIONS_LIVE = {"STREAM_SECONDS": 1.2, "POLL_SECONDS": 0.1, "HEARTBEAT_SECONDS": 0.3}
    notify(user=user, kind="like", title="t")
    client = _login(user)

    response = client.get("/inbox/stream/")
    assert response["Content-Type"] == "text/event-stream"
    chunks = iter(response.streaming_content)
    head = b"".join([next(chunks), next(chunks)]).decode()
    assert head.startswith("retry: ") and _events(head) == [1]

    notify(user=user, kind="comment", title="t2")  # arrives while the page is open
    rest = b"".join(chunks).decode()

    assert _events(rest) == [2]
    assert ": ping" in rest


def test_stream_for_anonymous_is_204(client):
    assert client.get("/inbox/stream/").status_code == 204


def test_header_badge_reads_the_cache_and_writes_clear_it(user, django_capture_on_commit_callbacks):
    client = _login(user)
    page = client.get("/inbox/settings/").content.decode()
    assert 'data-testid="inbox-bell"' in page and 'data-badge="/inbox/badge/"' in page

    assert client.get("/inbox/badge/").json() == {"unread": 0}
    assert realtime.cached_unread_count(user.pk) == 0
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, kind="like", title="t")  # after commit: the cached count is forgotten
    assert realtime.cached_unread_count(user.pk) is None
    assert client.get("/inbox/badge/").json() == {"unread": 1}
    assert ">1</i>" in client.get("/inbox/settings/").content.decode()  # the header shows the cached count
    with django_capture_on_commit_callbacks(execute=True):
        notifications_mark_read(user=user)
    assert client.get("/inbox/badge/").json() == {"unread": 0}


def _redis_or_skip(settings):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/9"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.3).ping()
    except Exception:
        pytest.skip("no local Redis")
    settings.REDIS_URL = url


def test_stream_wakes_on_redis_publish(user, settings):
    _redis_or_skip(settings)
    settings.SHEQU_NOTIFICATIONS_LIVE = {"STREAM_SECONDS": 3, "POLL_SECONDS": 60, "HEARTBEAT_SECONDS": 1}
    body = realtime.stream(user.pk)
    assert next(body).startswith("retry")
    assert _events(next(body)) == [0]

    Notification.objects.create(user=user, kind="like", title="t")  # written without telling anyone…

    def later():  # …until the publish (another server, after its commit)
        time.sleep(0.3)
        realtime.announce(user.pk)

    thread = threading.Thread(target=later)
    thread.start()
    started = time.monotonic()
    frame = next(body)
    thread.join()
    assert _events(frame) == [1]
    assert time.monotonic() - started < 2  # woken by the publish, not by a poll (60 s)
    body.close()


@pytest.mark.parametrize(
    ("redis_url", "override", "streams"),
    [("", None, False), ("redis://127.0.0.1:6379/9", None, True), ("", True, True), ("redis://x", False, False)],
)
def test_pages_open_the_stream_only_where_it_is_served_well(user, settings, redis_url, override, streams):
    """The embedded default (one process, few threads) polls the badge; servers with Redis stream it."""
    settings.REDIS_URL = redis_url
    settings.SHEQU_NOTIFICATIONS_LIVE = {} if override is None else {"SSE": override}
    page = _login(user).get("/inbox/settings/").content.decode()

    assert ('data-stream="/inbox/stream/"' in page) is streams
    assert 'data-badge="/inbox/badge/"' in page
