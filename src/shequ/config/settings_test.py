"""Test settings: the production settings with fast hashing, an in-memory SMS outbox and inline analytics."""

import os
import tempfile
from pathlib import Path

from shequ.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SHEQU_SMS_BACKEND = "shequ.accounts.providers.sms.LocmemSmsBackend"
SHEQU_ANALYTICS = {"WRITE_MODE": "inline", "BATCH_SIZE": 500, "FLUSH_INTERVAL_SECONDS": 0.05}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="shequ-test-media-"))
CELERY_TASK_ALWAYS_EAGER = True
ALLOWED_HOSTS = ["*"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Tests never reach a real payment provider (fakes are configured per test); the sandbox is on on every database.
SHEQU_PAYMENTS = {"SANDBOX_ENABLED": True, "NOTIFY_BASE_URL": "", "ALIPAY": {}, "WECHATPAY": {}}

# Parallel test workers (pytest -n) share one Redis database: give each its own key prefix so one worker's
# cache.clear() between tests cannot wipe another's sessions and rate-limit counters.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker:
    for _cache in CACHES.values():  # noqa: F405
        _cache["KEY_PREFIX"] = f"{_cache.get('KEY_PREFIX', 'shequ')}-{_worker}"

# Live notification streams (SSE) end quickly in tests, so a browser test's open page does not keep a server
# thread querying a test database that is being torn down.
SHEQU_NOTIFICATIONS_LIVE = {"STREAM_SECONDS": 2, "POLL_SECONDS": 0.5, "HEARTBEAT_SECONDS": 1.0, "RETRY_MS": 60000}
