"""New-product trials: apply once, manual or weighted selection, free trial orders, review reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shequ.campaigns.models import ApplicationStatus, ContentCredit, TrialApplication, TrialStatus
from shequ.campaigns.services import (
    trial_apply,
    trial_draw,
    trial_pick_winners,
    trial_review_received,
    trials_remind_reviews,
)
from shequ.campaigns.services.trials import draw_order, draw_weights
from shequ.core.errors import Conflict, InvalidInput, NotFound
from shequ.notifications.models import Notification
from shequ.orders.models import Order, OrderKind
from shequ.orders.testing import make_address


def _applicants(make_user, trial, n):
    found = []
    for i in range(n):
        person = make_user()
        found.append(
            trial_apply(user=person, trial=trial, reason=f"我很想试试这款{i}", address_id=make_address(person).pk)
        )
    return found


def test_apply_once(user, shop, make_trial):
    trial = make_trial()

    application = trial_apply(user=user, trial=trial, reason="每天都喝，想试新口味", address_id=shop["address"].pk)

    assert application.status == ApplicationStatus.APPLIED
    with pytest.raises(Conflict) as exc:
        trial_apply(user=user, trial=trial, reason="再申请一次可以吗", address_id=shop["address"].pk)
    assert exc.value.code == "trial_already_applied"
    assert TrialApplication.objects.count() == 1


def test_bad_applications(user, make_user, shop, make_trial):
    trial = make_trial()
    with pytest.raises(InvalidInput):
        trial_apply(user=user, trial=trial, reason="短", address_id=shop["address"].pk)
    with pytest.raises(InvalidInput):
        trial_apply(user=user, trial=trial, reason="<script>x</script>", address_id=shop["address"].pk)
    with pytest.raises(NotFound):
        trial_apply(user=user, trial=trial, reason="别人的地址试试", address_id=make_address(make_user()).pk)
    closed = make_trial(
        apply_starts_at=timezone.now() - timedelta(days=5), apply_ends_at=timezone.now() - timedelta(days=1)
    )
    with pytest.raises(Conflict) as exc:
        trial_apply(user=user, trial=closed, reason="已经结束了吗", address_id=shop["address"].pk)
    assert exc.value.code == "trial_closed"
    assert not TrialApplication.objects.exists()


def test_manual_pick_places_free_trial_orders_and_finishes(make_user, make_trial):
    operator = make_user(is_staff=True)
    trial = make_trial(units=2)
    apps = _applicants(make_user, trial, 3)

    trial_pick_winners(operator=operator, trial=trial, application_ids=[apps[0].pk])
    assert TrialApplication.objects.get(pk=apps[0].pk).status == ApplicationStatus.WON
    with pytest.raises(InvalidInput):
        trial_pick_winners(operator=operator, trial=trial, application_ids=[apps[1].pk, apps[2].pk])
    trial_pick_winners(operator=operator, trial=trial, application_ids=[apps[2].pk])

    statuses = dict(TrialApplication.objects.values_list("pk", "status"))
    assert statuses == {apps[0].pk: "won", apps[1].pk: "lost", apps[2].pk: "won"}
    orders = Order.objects.filter(kind=OrderKind.TRIAL)
    assert orders.count() == 2 and all(o.total == 0 for o in orders)
    assert Notification.objects.filter(kind="trial_won").count() == 2
    assert Notification.objects.filter(kind="trial_lost").count() == 1
    trial.refresh_from_db()
    assert trial.status == TrialStatus.DRAWN
    with pytest.raises(Conflict):
        trial_draw(operator=operator, trial=trial)


def test_weighted_draw_is_deterministic_and_favours_content(make_user, make_trial):
    trial = make_trial(units=1)
    apps = _applicants(make_user, trial, 4)
    for n in range(10):
        ContentCredit.objects.create(user_id=apps[3].user_id, kind="post", object_id=1000 + n)

    weights = draw_weights(apps)
    assert weights[apps[3].pk] - weights[apps[0].pk] == 10
    first = draw_order(trial=trial, applications=apps, weights=weights)
    assert first == draw_order(trial=trial, applications=list(reversed(apps)), weights=weights)

    wins = 0
    for seed in range(60):  # over many seeds the heavy applicant wins most draws
        trial.seed = f"s{seed}"
        wins += draw_order(trial=trial, applications=apps, weights=weights)[0] == apps[3].pk
    assert wins > 25  # a fair share would be 15 of 60; its weight 12 of 18 expects 40

    trial.seed = "s1"
    winners = trial_draw(operator=None, trial=trial)
    assert [w.pk for w in winners] == [first[0]]
    assert TrialApplication.objects.filter(status="lost").count() == 3


def test_review_reminders_and_flags(user, shop, make_trial, make_user):
    trial = make_trial(units=1)
    application = trial_apply(user=user, trial=trial, reason="想试试看看效果", address_id=shop["address"].pk)
    trial_pick_winners(operator=None, trial=trial, application_ids=[application.pk])
    due = trial.review_deadline

    assert trials_remind_reviews(now=due - timedelta(days=10)) == (0, 0)
    assert trials_remind_reviews(now=due - timedelta(days=2)) == (1, 0)
    assert trials_remind_reviews(now=due - timedelta(days=1)) == (0, 0)
    assert trials_remind_reviews(now=due + timedelta(hours=1)) == (0, 1)
    assert TrialApplication.objects.get(pk=application.pk).flagged_at is not None


def test_a_review_of_the_product_meets_the_obligation(user, shop, make_trial, django_capture_on_commit_callbacks):
    from shequ.core.domain_events import publish

    trial = make_trial(units=1)
    application = trial_apply(user=user, trial=trial, reason="想试试看看效果", address_id=shop["address"].pk)
    trial_pick_winners(operator=None, trial=trial, application_ids=[application.pk])

    with django_capture_on_commit_callbacks(execute=True):
        publish(
            "review.created",
            review_id=5,
            user_id=user.pk,
            product_id=shop["product"].pk,
            order_item_id=1,
            photo_count=1,
        )

    application.refresh_from_db()
    assert application.reviewed_at is not None and application.review_id == 5
    assert trials_remind_reviews(now=trial.review_deadline + timedelta(hours=1)) == (0, 0)
    assert trial_review_received(user_id=user.pk, product_id=shop["product"].pk, review_id=6) == 0


def test_pages_and_api(web_client, user, user_api, shop, make_trial):
    trial = make_trial(title="燕麦奶试用")

    assert "燕麦奶试用" in web_client.get("/campaigns/trials/").content.decode()
    assert web_client.get(f"/campaigns/trials/{trial.pk}/").status_code == 200
    short = web_client.post(f"/campaigns/trials/{trial.pk}/apply/", {"reason": "短", "address_id": shop["address"].pk})
    assert short.status_code == 400 and 'data-testid="trial-error"' in short.content.decode()
    ok = web_client.post(
        f"/campaigns/trials/{trial.pk}/apply/", {"reason": "真的很想试试", "address_id": shop["address"].pk}
    )
    assert ok.status_code == 302

    again = user_api.api(
        "post", f"/campaigns/trials/{trial.pk}/apply", json={"reason": "再来一次呢", "address_id": shop["address"].pk}
    )
    assert again.status_code == 409 and again.json()["code"] == "trial_already_applied"
    listing = user_api.api("get", "/campaigns/trials")
    assert listing.json()[0]["my_status"] == "applied"
    assert (
        user_api.api("post", "/campaigns/trials/999999/apply", json={"reason": "xxxxxxx", "address_id": 1}).status_code
        == 404
    )
