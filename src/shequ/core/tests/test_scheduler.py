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
    from shequ.core.scheduler import _import_task_modules

    _import_task_modules()  # what the embedded beat imports: every scheduled task must be found by it
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


def test_only_one_server_process_runs_the_schedule(settings, tmp_path, monkeypatch):
    """``shequ serve --workers 4`` starts a beat thread in each worker; the tasks must run once, not four times,
    and another worker takes over when the one running them exits."""
    import fcntl

    from shequ.core import scheduler

    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(scheduler, "_lock_file", None)
    other_worker = open(tmp_path / "embedded-beat.lock", "a+")  # noqa: SIM115
    fcntl.flock(other_worker, fcntl.LOCK_EX | fcntl.LOCK_NB)

    assert scheduler._hold_the_lock() is False

    other_worker.close()  # that worker exited
    assert scheduler._hold_the_lock() is True
    assert scheduler._hold_the_lock() is True  # and keeps it
    scheduler._lock_file.close()
