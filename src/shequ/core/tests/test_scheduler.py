from datetime import timedelta

import pytest
from django.utils import timezone

from shequ.core.scheduler import EmbeddedBeat


@pytest.mark.django_db
def test_embedded_beat_runs_due_tasks_and_waits_for_the_rest(make_user):
    from shequ.accounts.models import ApiToken
    from shequ.accounts.services.tokens import token_pair_issue

    token_pair_issue(user=make_user())
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(days=8))
    beat = EmbeddedBeat(
        {
            "purge": {"task": "accounts.purge_expired_credentials", "schedule": timedelta(seconds=60)},
        }
    )
    beat.last_run["purge"] = timezone.now() - timedelta(seconds=61)

    assert beat.run_pending() == ["purge"]
    assert not ApiToken.objects.exists()
    assert beat.run_pending() == []  # not due again for another minute


def test_the_production_schedule_names_real_tasks():
    from django.conf import settings

    from shequ.config.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
