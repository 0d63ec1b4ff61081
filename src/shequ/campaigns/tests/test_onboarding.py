"""New-user tasks: completed by domain events, claimed once for points and a coupon."""

from __future__ import annotations

from datetime import date

import pytest

from shequ.campaigns.models import OnboardingTask, TaskProgress
from shequ.campaigns.services import task_claim
from shequ.core.domain_events import publish
from shequ.core.errors import Conflict, NotFound
from shequ.coupons.models import IssuedCoupon


def _events(capture, name, **payload):
    with capture(execute=True):
        publish(name, **payload)


def test_default_tasks_exist(db):
    assert set(OnboardingTask.objects.values_list("code", flat=True)) == {
        "complete_profile",
        "set_preferences",
        "first_checkin",
        "first_post",
        "first_order",
    }


def test_profile_and_preferences_services_complete_tasks(user, django_capture_on_commit_callbacks):
    from shequ.accounts.services.profile import preferences_update, user_profile_update

    with django_capture_on_commit_callbacks(execute=True):
        user_profile_update(user=user, bio="爱喝茶")
    assert not TaskProgress.objects.filter(user=user, code="complete_profile").exists()  # not complete yet

    with django_capture_on_commit_callbacks(execute=True):
        user_profile_update(user=user, birthday=date(1995, 4, 1), gender="female")
        preferences_update(user=user, categories=["茶饮"])

    assert set(TaskProgress.objects.filter(user=user).values_list("code", flat=True)) == {
        "complete_profile",
        "set_preferences",
    }


def test_checkin_post_and_order_events(user, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    _events(capture, "checkin.done", user_id=user.pk, day="2031-01-01", streak=1)
    _events(capture, "post.published", post_id=7, user_id=user.pk, image_count=2, product_ids=[], circle_id=None)
    _events(
        capture,
        "order.paid",
        order_id=1,
        order_number="X",
        user_id=user.pk,
        status="paid",
        previous="pending_payment",
        total="0.00",
        kind="trial",
    )
    assert set(TaskProgress.objects.filter(user=user).values_list("code", flat=True)) == {"first_checkin", "first_post"}

    _events(
        capture,
        "order.paid",
        order_id=2,
        order_number="Y",
        user_id=user.pk,
        status="paid",
        previous="pending_payment",
        total="9.90",
        kind="normal",
    )
    _events(
        capture,
        "order.paid",
        order_id=3,
        order_number="Z",
        user_id=user.pk,
        status="paid",
        previous="pending_payment",
        total="9.90",
        kind="normal",
    )

    assert TaskProgress.objects.filter(user=user).count() == 3


def test_claim_awards_points_and_coupon_exactly_once(user, template, balance):
    OnboardingTask.objects.filter(code="first_post").update(points=30, coupon_template=template)
    from shequ.campaigns.services import task_complete

    task_complete(user_id=user.pk, code="first_post")

    task_claim(user=user, code="first_post")
    assert balance(user) == 30
    assert IssuedCoupon.objects.filter(user=user, source="task", reference="first_post").count() == 1

    with pytest.raises(Conflict) as exc:
        task_claim(user=user, code="first_post")
    assert exc.value.code == "task_already_claimed"
    assert balance(user) == 30
    assert IssuedCoupon.objects.filter(user=user).count() == 1


def test_claiming_an_unfinished_or_unknown_task(user, balance):
    with pytest.raises(Conflict) as exc:
        task_claim(user=user, code="first_order")
    assert exc.value.code == "task_not_completed"
    with pytest.raises(NotFound):
        task_claim(user=user, code="nonsense")
    assert balance(user) == 0


def test_tasks_page_card_and_api(web_client, user, user_api, balance):
    from shequ.campaigns.services import task_complete

    task_complete(user_id=user.pk, code="first_checkin")

    page = web_client.get("/campaigns/tasks/")
    assert page.status_code == 200 and 'data-testid="task-claim"' in page.content.decode()

    claimed = web_client.post("/campaigns/tasks/first_checkin/claim/", headers={"HX-Request": "true"})
    again = web_client.post("/campaigns/tasks/first_checkin/claim/", headers={"HX-Request": "true"})
    assert claimed.status_code == 200 and 'data-testid="task-claimed"' in claimed.content.decode()
    assert again.status_code == 409
    assert balance(user) == 10

    api = user_api.api("get", "/campaigns/tasks")
    assert api.status_code == 200 and api.json()["done"] == 1
    assert user_api.api("post", "/campaigns/tasks/first_checkin/claim").status_code == 409
    assert user_api.api("post", "/campaigns/tasks/first_post/claim").json()["code"] == "task_not_completed"

    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    card = Template("{% load campaigns_tags %}{% onboarding_card %}").render(Context({"request": request}))
    assert 'data-testid="task-card"' in card and "1/5" in card


def test_missing_default_tasks_are_restored_and_edited_ones_kept(db):
    from shequ.campaigns.services.onboarding import onboarding_tasks_ensure

    OnboardingTask.objects.filter(code="first_post").delete()
    OnboardingTask.objects.filter(code="first_order").update(points=88)

    assert onboarding_tasks_ensure() == 1
    assert onboarding_tasks_ensure() == 0
    assert OnboardingTask.objects.filter(code="first_post").exists()
    assert OnboardingTask.objects.get(code="first_order").points == 88
