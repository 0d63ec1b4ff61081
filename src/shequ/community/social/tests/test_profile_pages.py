"""Profile pages and the social API: privacy settings, blocks, HTMX follow button, fixed query counts."""

import pytest

from shequ.accounts.models import PrivacySettings
from shequ.community.models import BadgeKind, UserBadge, UserFollow
from shequ.community.social import services

pytestmark = pytest.mark.django_db


def test_profile_shows_nickname_badges_counts_and_posts(make_user, make_post, login):
    author = make_user(nickname="燕麦达人", bio="每天一碗燕麦")
    UserBadge.objects.create(user=author, kind=BadgeKind.KOL, label="美食博主")
    fan = make_user()
    services.user_follow(follower=fan, followee_id=author.pk)
    make_post(author, text="第一篇公开帖子")
    make_post(author, text="只给粉丝看的帖子", visibility="followers")
    make_post(author, text="只有自己看的帖子", visibility="private")

    as_fan = login(fan).get(f"/community/u/{author.pk}/").content.decode()
    assert "燕麦达人" in as_fan and "每天一碗燕麦" in as_fan and "美食博主" in as_fan
    assert "第一篇公开帖子" in as_fan and "只给粉丝看的帖子" in as_fan and "只有自己看的帖子" not in as_fan
    assert 'data-testid="unfollow"' in as_fan

    stranger = login(make_user()).get(f"/community/u/{author.pk}/").content.decode()
    assert "第一篇公开帖子" in stranger and "只给粉丝看的帖子" not in stranger

    own = login(author).get(f"/community/u/{author.pk}/").content.decode()
    assert "只有自己看的帖子" in own

    anonymous = pytest.importorskip("django.test").Client().get(f"/community/u/{author.pk}/")
    assert anonymous.status_code == 200


def test_posts_visible_to_followers_only(make_user, make_post, login):
    author = make_user()
    PrivacySettings.objects.update_or_create(user=author, defaults={"posts_visibility": "followers"})
    make_post(author, text="粉丝专享")
    fan = make_user()
    services.user_follow(follower=fan, followee_id=author.pk)

    assert "粉丝专享" in login(fan).get(f"/community/u/{author.pk}/").content.decode()
    stranger = login(make_user()).get(f"/community/u/{author.pk}/").content.decode()
    assert "粉丝专享" not in stranger and 'data-testid="profile-posts-private"' in stranger


def test_follow_lists_respect_privacy(make_user, login):
    author, fan = make_user(nickname="主人"), make_user(nickname="粉丝甲")
    services.user_follow(follower=fan, followee_id=author.pk)

    page = login(make_user()).get(f"/community/u/{author.pk}/followers/")
    assert page.status_code == 200 and "粉丝甲" in page.content.decode()

    PrivacySettings.objects.update_or_create(user=author, defaults={"follows_visibility": "private"})
    assert login(make_user()).get(f"/community/u/{author.pk}/followers/").status_code == 403
    assert login(author).get(f"/community/u/{author.pk}/following/").status_code == 200


def test_someone_who_blocked_you_does_not_exist_for_you(make_user, login):
    alice, bob = make_user(), make_user()
    services.user_block(user=bob, blocked_id=alice.pk)

    assert login(alice).get(f"/community/u/{bob.pk}/").status_code == 404
    page = login(bob).get(f"/community/u/{alice.pk}/").content.decode()
    assert 'data-testid="profile-blocked"' in page


def test_follow_button_in_place_with_htmx(make_user, login):
    alice, bob = make_user(), make_user()
    client = login(alice)

    response = client.post(f"/community/u/{bob.pk}/follow/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'data-testid="unfollow"' in response.content.decode()
    assert UserFollow.objects.filter(follower=alice, followee=bob).exists()

    response = client.post(f"/community/u/{bob.pk}/unfollow/", HTTP_HX_REQUEST="true")
    assert 'data-testid="follow"' in response.content.decode()
    assert not UserFollow.objects.exists()

    response = client.post(f"/community/u/{alice.pk}/follow/", HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and 'data-testid="follow-error"' in response.content.decode()


def test_follow_without_htmx_redirects_back(make_user, login):
    alice, bob = make_user(), make_user()
    response = login(alice).post(f"/community/u/{bob.pk}/follow/")
    assert response.status_code == 302 and response["Location"] == f"/community/u/{bob.pk}/"


def test_block_page_action(make_user, login):
    alice, bob = make_user(), make_user()
    client = login(alice)
    client.post(f"/community/u/{bob.pk}/block/")
    assert "blocked-list" in client.get("/community/social/blocked/").content.decode()
    assert bob.nickname in client.get("/community/social/blocked/").content.decode()


def test_profile_page_query_count_does_not_grow_with_posts(make_user, make_post, login, django_assert_max_num_queries):
    author, viewer = make_user(), make_user()
    for i in range(3):
        make_post(author, text=f"帖子{i}")
    client = login(viewer)
    with django_assert_max_num_queries(30) as few:
        client.get(f"/community/u/{author.pk}/")
    for i in range(9):
        make_post(author, text=f"更多帖子{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/community/u/{author.pk}/")
    assert response.content.decode().count('data-testid="post-card"') == 10


# --- API ----------------------------------------------------------------------------------------------


def test_api_follow_profile_lists(make_user, api_for, anon_api):
    alice, bob = make_user(), make_user()
    api = api_for(alice)

    assert api.api("post", f"/social/users/{bob.pk}/follow").json() == {"following": True, "changed": True}
    assert api.api("post", f"/social/users/{bob.pk}/follow").json()["changed"] is False
    profile = api.api("get", f"/social/users/{bob.pk}").json()
    assert profile["follower_count"] == 1 and profile["is_following"] is True
    followers = anon_api.api("get", f"/social/users/{bob.pk}/followers").json()
    assert [p["id"] for p in followers["items"]] == [alice.pk]
    assert api.api("delete", f"/social/users/{bob.pk}/follow").json()["following"] is False


def test_api_bad_input(make_user, api_for, anon_api):
    alice, bob = make_user(), make_user()
    api = api_for(alice)

    assert api.api("post", f"/social/users/{alice.pk}/follow").json()["code"] == "follow_self"
    assert api.api("post", "/social/users/987654/follow").status_code == 404
    assert anon_api.api("post", f"/social/users/{bob.pk}/follow").status_code == 401
    api_for(bob).api("post", f"/social/users/{alice.pk}/block")
    blocked = api.api("post", f"/social/users/{bob.pk}/follow")
    assert blocked.status_code == 403
    assert api.api("get", f"/social/users/{bob.pk}").status_code == 404
    assert not UserFollow.objects.exists()
