"""The inbox: notify after commit, mutes, grouping, the API and the page; others' ids are 404."""

import pytest
from django.db import transaction

from shequ.notifications.models import Notification
from shequ.notifications.services import notification_mute_set, notify

pytestmark = pytest.mark.django_db


def test_notify_outside_a_transaction_writes_at_once(user):
    row = notify(user=user, kind="order_paid", title="已付款", body="订单已付款", link="/orders/1/")

    assert row is not None
    assert Notification.objects.get().title == "已付款"


def test_a_rolled_back_transaction_notifies_nobody(user):
    try:
        with transaction.atomic():
            assert notify(user=user, kind="order_placed", title="t") is not None
            raise RuntimeError
    except RuntimeError:
        pass
    assert not Notification.objects.exists()


def test_muted_kinds_are_not_delivered(user):
    notification_mute_set(user=user, kind="order_shipped", muted=True)

    assert notify(user=user, kind="order_shipped", title="t") is None
    assert notify(user=user, kind="order_paid", title="t") is not None

    notification_mute_set(user=user, kind="order_shipped", muted=False)
    assert notify(user=user, kind="order_shipped", title="t") is not None


def test_the_returned_row_is_the_stored_row(user):
    row = notify(user=user, kind="order_paid", title="已付款", data={"order_number": "N1"}, link="/orders/N1/")

    stored = Notification.objects.get(pk=row.pk)
    assert (stored.kind, stored.title, stored.data, stored.link, stored.read_at) == (
        "order_paid",
        "已付款",
        {"order_number": "N1"},
        "/orders/N1/",
        None,
    )
    assert stored.created_at is not None and stored.actor_ids == [] and stored.actor_count == 0


def test_a_mute_also_stops_a_group_that_is_still_unread(user, make_user):
    first, second = make_user(), make_user()
    notify(user=user, kind="post_liked", title="A liked", group_key="post:1:likes", actor_id=first.pk)
    notification_mute_set(user=user, kind="post_liked", muted=True)

    assert (
        notify(user=user, kind="post_liked", title="A and B liked", group_key="post:1:likes", actor_id=second.pk)
        is None
    )
    row = Notification.objects.get()
    assert (row.title, row.actor_count) == ("A liked", 1)


def test_external_links_are_dropped(user):
    assert notify(user=user, kind="x_y", title="t", link="https://evil.example/").link == ""


def test_group_key_collapses_unread_notifications(user, make_user):
    first, second = make_user(), make_user()
    notify(user=user, kind="post_liked", title="A liked", group_key="post:1:likes", actor_id=first.pk)
    row = notify(user=user, kind="post_liked", title="A and B liked", group_key="post:1:likes", actor_id=second.pk)

    assert Notification.objects.count() == 1
    assert row.actor_count == 2
    assert row.actor_ids == [second.pk, first.pk]
    assert row.title == "A and B liked"


def test_stored_i18n_texts_render_in_the_reader_language(user_api, user):
    notify(
        user=user,
        kind="order_paid",
        title="付款成功",
        data={"i18n": {"title": "Payment received", "body": "", "params": {}}},
    )

    english = user_api.api("get", "/notifications", headers={"Accept-Language": "en"}).json()

    assert english["items"][0]["title"] == "Payment received"


def test_api_list_unread_and_mark_read(user_api, user, make_user):
    mine = [notify(user=user, kind="k_a", title=f"n{i}") for i in range(3)]
    theirs = notify(user=make_user(), kind="k_a", title="not yours")

    listed = user_api.api("get", "/notifications?page_size=2").json()
    assert listed["count"] == 3 and len(listed["items"]) == 2
    assert user_api.api("get", "/notifications/unread-count").json() == {"unread": 3}

    read = user_api.api("post", "/notifications/read", json={"ids": [mine[0].pk, theirs.pk]}).json()
    assert read == {"updated": 1, "unread": 2}
    theirs.refresh_from_db()
    assert theirs.read_at is None

    assert user_api.api("post", "/notifications/read", json={"all": True}).json() == {"updated": 2, "unread": 0}


def test_api_mutes(user_api):
    response = user_api.api("put", "/notifications/mutes", json={"kind": "order_shipped", "muted": True})

    assert response.json() == {"kinds": ["order_shipped"]}
    assert user_api.api("put", "/notifications/mutes", json={"kind": ""}).status_code == 422


def test_api_needs_login(anon_api):
    assert anon_api.api("get", "/notifications").status_code == 401


def test_inbox_page_lists_and_marks_all_read(web_client, user):
    notify(user=user, kind="order_paid", title="付款成功", link="/orders/")

    page = web_client.get("/inbox/")
    assert page.status_code == 200
    assert "付款成功" in page.content.decode()

    web_client.post("/inbox/read/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_opening_a_notification_marks_it_read_and_follows_its_link(web_client, user, make_user):
    row = notify(user=user, kind="order_paid", title="t", link="/orders/")
    other = notify(user=make_user(), kind="order_paid", title="t", link="/orders/")

    response = web_client.get(f"/inbox/{row.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/orders/"
    row.refresh_from_db()
    assert row.read_at is not None

    assert web_client.get(f"/inbox/{other.pk}/open/").status_code == 404


def test_inbox_needs_login(client):
    assert client.get("/inbox/").status_code == 302


def test_inbox_page_query_count_does_not_grow_with_notifications(web_client, user, django_assert_max_num_queries):
    for i in range(30):
        notify(user=user, kind="k_a", title=f"n{i}")
    with django_assert_max_num_queries(8):
        assert web_client.get("/inbox/").status_code == 200
