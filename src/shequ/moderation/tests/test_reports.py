"""Reports: create (dedupe, rate limit, bad input), the report page and API, operators' admin queue."""

import pytest
from django.test import Client
from django.utils import timezone

from shequ.audit.models import AuditEntry
from shequ.community.models import Post
from shequ.core.errors import Conflict, InvalidInput, NotFound, RateLimited
from shequ.moderation import services
from shequ.moderation.models import Report
from shequ.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(make_user):
    author = make_user(nickname="作者")
    return Post.objects.create(author=author, text="加我微信买便宜货", status="published", published_at=timezone.now())


def _login(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_report_a_post(make_user, post):
    reporter = make_user()

    report = services.report_create(
        reporter=reporter, target_type="post", target_id=post.pk, reason="spam", note="广告"
    )

    assert report.status == "open"
    assert report.target_user_id == post.author_id
    assert report.target_excerpt == "加我微信买便宜货"
    assert report.detail == "广告"


def test_reporting_twice_is_409_and_stores_one(make_user, post):
    reporter = make_user()
    services.report_create(reporter=reporter, target_type="post", target_id=post.pk, reason="spam")

    with pytest.raises(Conflict) as error:
        services.report_create(reporter=reporter, target_type="post", target_id=post.pk, reason="abuse")

    assert error.value.code == "report_duplicate"
    assert Report.objects.count() == 1
    services.report_create(reporter=make_user(), target_type="post", target_id=post.pk, reason="spam")
    assert Report.objects.count() == 2


@pytest.mark.parametrize(
    ("target_type", "reason", "note", "error"),
    [
        ("planet", "spam", "", InvalidInput),
        ("post", "because", "", InvalidInput),
        ("post", "spam", "长" * 501, InvalidInput),
    ],
)
def test_bad_reports_store_nothing(make_user, post, target_type, reason, note, error):
    with pytest.raises(error):
        services.report_create(
            reporter=make_user(), target_type=target_type, target_id=post.pk, reason=reason, note=note
        )
    assert not Report.objects.exists()


def test_reporting_what_does_not_exist_or_yourself(make_user, post):
    with pytest.raises(NotFound):
        services.report_create(reporter=make_user(), target_type="post", target_id=987654, reason="spam")
    with pytest.raises(InvalidInput):
        services.report_create(reporter=post.author, target_type="post", target_id=post.pk, reason="spam")
    with pytest.raises(InvalidInput):
        services.report_create(reporter=post.author, target_type="user", target_id=post.author_id, reason="spam")
    assert not Report.objects.exists()


def test_report_rate_limit(make_user, monkeypatch):
    monkeypatch.setattr(services, "REPORTS_PER_HOUR", 2)
    reporter = make_user()
    targets = [make_user() for _ in range(3)]
    for target in targets[:2]:
        services.report_create(reporter=reporter, target_type="user", target_id=target.pk, reason="abuse")

    with pytest.raises(RateLimited):
        services.report_create(reporter=reporter, target_type="user", target_id=targets[2].pk, reason="abuse")
    assert Report.objects.count() == 2


def test_report_a_message(make_user):
    from shequ.messaging.services import message_send

    alice, bob = make_user(), make_user()
    message = message_send(sender=alice, recipient_id=bob.pk, text="骚扰信息")

    report = services.report_create(reporter=bob, target_type="message", target_id=message.pk, reason="abuse")
    assert report.target_user_id == alice.pk


# --- operators -----------------------------------------------------------------------------------------


@pytest.fixture
def operator(make_user):
    return make_user(nickname="运营", is_staff=True, is_superuser=True)


def test_hiding_closes_every_open_report_on_the_target_and_is_audited(make_user, post, operator):
    first = services.report_create(reporter=make_user(), target_type="post", target_id=post.pk, reason="spam")
    services.report_create(reporter=make_user(), target_type="post", target_id=post.pk, reason="abuse")

    closed = services.report_resolve_hide(report=first, operator=operator, note="广告")

    assert len(closed) == 2
    post.refresh_from_db()
    assert post.status == "hidden"
    assert set(Report.objects.values_list("status", flat=True)) == {"actioned"}
    assert AuditEntry.objects.filter(target_type="moderation.report", actor_id=operator.pk).count() == 2
    assert Notification.objects.filter(kind="report_resolved").count() == 2
    with pytest.raises(Conflict):
        services.report_dismiss(report=Report.objects.get(pk=first.pk), operator=operator)


def test_dismiss_leaves_the_content(make_user, post, operator):
    report = services.report_create(reporter=make_user(), target_type="post", target_id=post.pk, reason="spam")

    services.report_dismiss(report=report, operator=operator)

    post.refresh_from_db()
    assert post.status == "published"
    report.refresh_from_db()
    assert report.status == "dismissed" and report.resolved_by_id == operator.pk
    # a new report may be made once the earlier one is closed
    services.report_create(reporter=report.reporter, target_type="post", target_id=post.pk, reason="spam")


def test_admin_queue_and_actions(make_user, post, operator):
    report = services.report_create(reporter=make_user(), target_type="post", target_id=post.pk, reason="spam")
    client = _login(operator)

    listing = client.get("/admin/moderation/report/?status__exact=open")
    assert listing.status_code == 200 and "加我微信" in listing.content.decode()
    response = client.post(
        "/admin/moderation/report/", {"action": "hide_target", "_selected_action": [report.pk]}, follow=True
    )
    assert response.status_code == 200
    report.refresh_from_db()
    post.refresh_from_db()
    assert report.status == "actioned" and post.status == "hidden"


# --- page and API ---------------------------------------------------------------------------------------


def test_report_page(make_user, post):
    client = _login(make_user())
    form = client.get(f"/reports/new/?type=post&id={post.pk}")
    assert form.status_code == 200 and 'data-testid="report-submit"' in form.content.decode()

    done = client.post("/reports/new/", {"type": "post", "id": post.pk, "reason": "spam", "note": ""})
    assert done.status_code == 200 and 'data-testid="report-thanks"' in done.content.decode()

    again = client.post("/reports/new/", {"type": "post", "id": post.pk, "reason": "spam"})
    assert again.status_code == 409 and 'data-testid="report-error"' in again.content.decode()
    assert Report.objects.count() == 1


def test_report_page_bad_targets(make_user):
    client = _login(make_user())
    assert client.get("/reports/new/?type=post&id=987654").status_code == 404
    assert client.get("/reports/new/?type=nope&id=1").status_code == 400
    assert client.get("/reports/new/?type=post&id=abc").status_code == 400


def test_api_reasons_create_and_duplicate(make_user, post, api_for, anon_api):
    reasons = anon_api.api("get", "/moderation/reasons").json()
    assert {"spam", "abuse", "other"} <= {r["code"] for r in reasons}

    api = api_for(make_user())
    payload = {"target_type": "post", "target_id": post.pk, "reason": "spam"}
    assert api.api("post", "/moderation/reports", json=payload).status_code == 201
    duplicate = api.api("post", "/moderation/reports", json=payload)
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "report_duplicate"
    assert api.api("get", "/moderation/reports").json()["count"] == 1
    assert anon_api.api("post", "/moderation/reports", json=payload).status_code == 401
