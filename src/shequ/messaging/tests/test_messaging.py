"""Private messages: requests folder, unread counts, blocks, privacy, rate limits, bad text; API and pages."""

import pytest

from shequ.accounts.models import PrivacySettings
from shequ.community.social.services import user_block, user_follow
from shequ.core.errors import Forbidden, InvalidInput, NotFound, RateLimited
from shequ.messaging import selectors, services
from shequ.messaging.models import Conversation, ConversationState, Message
from shequ.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _state(user, conversation_id):
    return ConversationState.objects.get(user=user, conversation_id=conversation_id)


def test_a_stranger_lands_in_requests_until_the_recipient_replies(make_user):
    alice, bob = make_user(nickname="alice"), make_user(nickname="bob")

    first = services.message_send(sender=alice, recipient_id=bob.pk, text="你好，请问这款燕麦好吃吗？")

    assert _state(bob, first.conversation_id).folder == "requests"
    assert _state(alice, first.conversation_id).folder == "inbox"
    assert selectors.unread_counts(user=bob).requests == 1
    assert selectors.unread_counts(user=bob).inbox == 0
    assert [s.conversation_id for s in selectors.conversation_list(user=bob, folder="requests")] == [
        first.conversation_id
    ]
    assert list(selectors.conversation_list(user=bob, folder="inbox")) == []

    services.message_send(sender=bob, recipient_id=alice.pk, text="好吃！")

    assert _state(bob, first.conversation_id).folder == "inbox"
    assert _state(alice, first.conversation_id).unread_count == 1


def test_someone_you_follow_goes_straight_to_the_inbox_and_counts_unread(make_user):
    alice, bob = make_user(), make_user()
    user_follow(follower=bob, followee_id=alice.pk)

    services.message_send(sender=alice, recipient_id=bob.pk, text="一")
    message = services.message_send(sender=alice, recipient_id=bob.pk, text="二")

    state = _state(bob, message.conversation_id)
    assert state.folder == "inbox" and state.unread_count == 2
    assert selectors.unread_counts(user=bob).inbox == 2
    assert Notification.objects.filter(user=bob, kind="message").count() == 1  # grouped per conversation

    services.conversation_mark_read(state=state)
    assert selectors.unread_counts(user=bob).inbox == 0


def test_accepting_a_request_moves_it_to_the_inbox(make_user):
    alice, bob = make_user(), make_user()
    message = services.message_send(sender=alice, recipient_id=bob.pk, text="hi")
    state = _state(bob, message.conversation_id)

    services.conversation_accept(state=state)

    assert _state(bob, message.conversation_id).folder == "inbox"


def test_a_stranger_may_send_only_a_few_messages_before_a_reply(make_user):
    alice, bob = make_user(), make_user()
    for i in range(services.REQUEST_MESSAGES_BEFORE_REPLY):
        services.message_send(sender=alice, recipient_id=bob.pk, text=f"消息{i}")

    with pytest.raises(Forbidden) as error:
        services.message_send(sender=alice, recipient_id=bob.pk, text="再来一条")
    assert error.value.code == "messaging_request_pending"
    assert Message.objects.count() == services.REQUEST_MESSAGES_BEFORE_REPLY


def test_messaging_someone_who_blocked_you_is_403_and_stores_nothing(make_user):
    alice, bob = make_user(), make_user()
    user_block(user=bob, blocked_id=alice.pk)

    with pytest.raises(Forbidden) as error:
        services.message_send(sender=alice, recipient_id=bob.pk, text="在吗")

    assert error.value.code == "messaging_blocked"
    assert not Conversation.objects.exists() and not Message.objects.exists()
    assert not Notification.objects.filter(user=bob).exists()


def test_an_existing_conversation_is_closed_by_a_block(make_user):
    alice, bob = make_user(), make_user()
    services.message_send(sender=alice, recipient_id=bob.pk, text="hi")
    user_block(user=alice, blocked_id=bob.pk)

    with pytest.raises(Forbidden):
        services.message_send(sender=bob, recipient_id=alice.pk, text="why?")
    with pytest.raises(Forbidden):  # the blocker cannot write either, until they unblock
        services.message_send(sender=alice, recipient_id=bob.pk, text="hi again")
    assert Message.objects.count() == 1


def test_privacy_setting_messages_from(make_user):
    alice, bob = make_user(), make_user()
    PrivacySettings.objects.update_or_create(user=bob, defaults={"messages_from": "following"})

    with pytest.raises(Forbidden) as error:
        services.message_send(sender=alice, recipient_id=bob.pk, text="hi")
    assert error.value.code == "messaging_not_accepting"

    user_follow(follower=bob, followee_id=alice.pk)
    services.message_send(sender=alice, recipient_id=bob.pk, text="hi")

    PrivacySettings.objects.filter(user=bob).update(messages_from="nobody")
    with pytest.raises(Forbidden):
        services.message_send(sender=alice, recipient_id=bob.pk, text="hi")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "message_empty"),
        ("   \n ", "message_empty"),
        ("<b></b>", "message_empty"),
        ("字" * 2001, "message_too_long"),
    ],
)
def test_bad_text_is_refused(make_user, text, code):
    alice, bob = make_user(), make_user()
    with pytest.raises(InvalidInput) as error:
        services.message_send(sender=alice, recipient_id=bob.pk, text=text)
    assert error.value.code == code
    assert not Message.objects.exists()


def test_html_is_stripped_from_messages(make_user):
    alice, bob = make_user(), make_user()
    message = services.message_send(sender=alice, recipient_id=bob.pk, text="<script>alert(1)</script>你好 <3")
    assert "<script" not in message.text and message.text.endswith("你好 <3")


def test_messaging_yourself_or_nobody(make_user):
    alice = make_user()
    with pytest.raises(InvalidInput):
        services.message_send(sender=alice, recipient_id=alice.pk, text="me")
    with pytest.raises(NotFound):
        services.message_send(sender=alice, recipient_id=987654, text="who")


def test_rate_limit(make_user, monkeypatch):
    monkeypatch.setattr(services, "PER_MINUTE", 3)
    alice, bob = make_user(), make_user()
    user_follow(follower=bob, followee_id=alice.pk)
    for _ in range(3):
        services.message_send(sender=alice, recipient_id=bob.pk, text="hi")

    with pytest.raises(RateLimited):
        services.message_send(sender=alice, recipient_id=bob.pk, text="hi")
    assert Message.objects.count() == 3


def test_inbox_list_costs_a_fixed_number_of_queries(make_user, login, django_assert_max_num_queries):
    me = make_user()
    for _ in range(12):
        other = make_user()
        user_follow(follower=me, followee_id=other.pk)
        services.message_send(sender=other, recipient_id=me.pk, text="你好呀")
    client = login(me)

    with django_assert_max_num_queries(8):
        response = client.get("/messages/")
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="conversation"') == 12

    more = make_user()
    user_follow(follower=me, followee_id=more.pk)
    services.message_send(sender=more, recipient_id=me.pk, text="多一个")
    with django_assert_max_num_queries(8):
        client.get("/messages/")


# --- API ----------------------------------------------------------------------------------------------


def test_api_send_list_read(make_user, api_for):
    alice, bob = make_user(), make_user()
    sent = api_for(alice).api("post", "/messaging/messages", json={"recipient_id": bob.pk, "text": "你好"})
    assert sent.status_code == 201
    conversation_id = sent.json()["conversation_id"]

    bob_api = api_for(bob)
    assert bob_api.api("get", "/messaging/unread").json() == {"inbox": 0, "requests": 1}
    listed = bob_api.api("get", "/messaging/conversations?folder=requests").json()
    assert listed["items"][0]["last_text"] == "你好"
    assert listed["items"][0]["other"]["id"] == alice.pk
    messages = bob_api.api("get", f"/messaging/conversations/{conversation_id}/messages").json()
    assert [m["text"] for m in messages] == ["你好"]
    assert bob_api.api("post", f"/messaging/conversations/{conversation_id}/accept").json()["folder"] == "inbox"


def test_api_blocked_is_403_with_a_clear_code(make_user, api_for):
    alice, bob = make_user(), make_user()
    user_block(user=bob, blocked_id=alice.pk)

    response = api_for(alice).api("post", "/messaging/messages", json={"recipient_id": bob.pk, "text": "hi"})

    assert response.status_code == 403
    assert response.json()["code"] == "messaging_blocked"
    assert not Message.objects.exists()


def test_api_someone_elses_conversation_is_404(make_user, api_for):
    alice, bob, eve = make_user(), make_user(), make_user()
    message = services.message_send(sender=alice, recipient_id=bob.pk, text="secret")

    response = api_for(eve).api("get", f"/messaging/conversations/{message.conversation_id}/messages")

    assert response.status_code == 404


# --- pages --------------------------------------------------------------------------------------------


def test_start_page_sends_and_opens_the_conversation(make_user, login):
    alice, bob = make_user(), make_user()
    client = login(alice)

    response = client.post(f"/messages/to/{bob.pk}/", {"text": "第一条消息"})

    conversation = Conversation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/messages/c/{conversation.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "第一条消息" in page


def test_start_page_shows_the_block_error(make_user, login):
    alice, bob = make_user(), make_user()
    user_block(user=bob, blocked_id=alice.pk)

    response = login(alice).post(f"/messages/to/{bob.pk}/", {"text": "hi"})

    assert response.status_code == 403
    assert 'data-testid="message-error"' in response.content.decode()
    assert not Message.objects.exists()


def test_send_in_place_with_htmx_and_opening_marks_read(make_user, login):
    alice, bob = make_user(), make_user()
    message = services.message_send(sender=alice, recipient_id=bob.pk, text="hi")
    bob_client = login(bob)

    page = bob_client.get(f"/messages/c/{message.conversation_id}/")
    assert 'data-testid="request-banner"' in page.content.decode()
    assert _state(bob, message.conversation_id).unread_count == 0

    reply = bob_client.post(f"/messages/c/{message.conversation_id}/send/", {"text": "你好"}, HTTP_HX_REQUEST="true")
    assert reply.status_code == 200
    body = reply.content.decode()
    assert "你好" in body and 'data-testid="request-banner"' not in body
    assert login(make_user()).get(f"/messages/c/{message.conversation_id}/").status_code == 404
