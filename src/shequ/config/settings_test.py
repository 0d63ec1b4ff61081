"""Test settings: the production settings with fast hashing, an in-memory SMS outbox and inline analytics."""

import tempfile
from pathlib import Path

from shequ.config.settings import *  # noqa: F403
from shequ.config.settings import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SHEQU_SMS_BACKEND = "shequ.accounts.providers.sms.LocmemSmsBackend"
SHEQU_ANALYTICS = {"WRITE_MODE": "inline", "BATCH_SIZE": 500, "FLUSH_INTERVAL_SECONDS": 0.05}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="shequ-test-media-"))
CELERY_TASK_ALWAYS_EAGER = True
ALLOWED_HOSTS = ["*"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": "test_shequ"}
