"""Operators: hide and restore posts, feature them, set badges and challenge topics in the admin."""

from __future__ import annotations

import pytest
from django.test import Client

from shequ.audit.models import AuditEntry
from shequ.community.models import Circle, CircleMembership, Post, Topic, UserBadge

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(operator) -> Client:
    client = Client()
    client.force_login(operator, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_hide_restore_and_feature_posts(admin_client, make_post):
    post = make_post()
    url = "/admin/community/post/"
    assert admin_client.get(url).status_code == 200

    admin_client.post(url, {"action": "hide", "_selected_action": [post.pk]})
    post.refresh_from_db()
    assert post.status == "hidden"
    assert Topic.objects.get().post_count == 0

    admin_client.post(url, {"action": "restore", "_selected_action": [post.pk]})
    admin_client.post(url, {"action": "feature", "_selected_action": [post.pk]})
    post.refresh_from_db()
    assert post.status == "published" and post.is_featured
    assert Topic.objects.get().post_count == 1
    assert AuditEntry.objects.filter(target_type="community.post", target_id=str(post.pk)).count() == 3


def test_badges_and_challenges_and_moderators(admin_client, author, reader):
    response = admin_client.post(
        "/admin/community/userbadge/add/", {"user": author.pk, "kind": "kol", "label": "美食博主"}
    )
    assert response.status_code == 302
    assert UserBadge.objects.get(user=author).label == "美食博主"

    response = admin_client.post(
        "/admin/community/topic/add/",
        {
            "name": "七天早餐",
            "slug": "seven-breakfasts",
            "description": "",
            "is_challenge": "on",
            "prize": "礼盒",
            "deadline_0": "2030-01-01",
            "deadline_1": "12:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Topic.objects.get(slug="seven-breakfasts").is_challenge

    response = admin_client.post(
        "/admin/community/circle/add/",
        {
            "name": "烘焙圈",
            "slug": "baking",
            "description": "",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": reader.pk,
            "memberships-0-role": "moderator",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    circle = Circle.objects.get(slug="baking")
    assert CircleMembership.objects.get(circle=circle, user=reader).role == "moderator"
    assert circle.member_count == 1


def test_non_operators_cannot_use_the_admin(make_user, make_post):
    client = Client()
    client.force_login(make_user(nickname="普通人"), backend="django.contrib.auth.backends.ModelBackend")
    post = make_post()
    client.post("/admin/community/post/", {"action": "hide", "_selected_action": [post.pk]})
    assert Post.objects.get(pk=post.pk).status == "published"
