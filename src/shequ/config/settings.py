"""Settings for every deployment, read from the environment.

With no environment at all Shequ runs embedded: SQLite in WAL mode, a local-memory cache, Celery tasks run
eagerly in-process and files live on local disk under ``SHEQU_DATA_DIR`` (``./var``). Setting
``DATABASE_URL``, ``REDIS_URL`` and ``CELERY_BROKER_URL`` turns the same code into a stateless production
app server. See the README's configuration table.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import environ
from celery.schedules import crontab

env = environ.Env()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env.str("SHEQU_DATA_DIR", default=str(Path.cwd() / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Return SECRET_KEY from the environment, or one generated once and kept in the data dir.

    Keeping the generated key on disk makes `shequ demo` safe to run again: sessions, signed cookies and
    the encryption keys derived from the secret survive restarts.
    """
    configured = env.str("SECRET_KEY", default="")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "shequ.core",
    "shequ.audit",
    "shequ.accounts",
    "shequ.analytics",
    "shequ.catalog",
    "shequ.inventory",
    "shequ.search",
    "shequ.notifications",
    "shequ.cart",
    "shequ.coupons",
    "shequ.orders",
    "shequ.payments",
    "shequ.logistics",
    "shequ.aftersales",
    "shequ.community",
    "shequ.reviews",
    "shequ.polls",
    "shequ.articles",
    "shequ.messaging",
    "shequ.moderation",
    "shequ.loyalty",
    "shequ.campaigns",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "shequ.accounts.sessions.SessionMiddleware",  # Django's, plus the user hint cookie
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "shequ.analytics.middleware.AnalyticsMiddleware",
    "shequ.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "shequ.config.urls"
WSGI_APPLICATION = "shequ.config.wsgi.application"
ASGI_APPLICATION = "shequ.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shequ.core.context_processors.site",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'shequ.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE transactions take the write lock up front so
    # two writers queue on the busy timeout instead of failing with "database is locked" mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Keep each thread's connection: opening one runs the PRAGMAs above, which cost more than most requests.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    if env.bool("DATABASE_POOL", default=False):
        DATABASES["default"]["OPTIONS"]["pool"] = {"min_size": 2, "max_size": env.int("DATABASE_POOL_SIZE", 8)}
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend, but a connection that finished a request without error within the last
        # DATABASE_HEALTH_CHECK_WINDOW seconds skips the SELECT 1, and the hot hand-written statements are
        # prepared once per connection (see shequ/core/dbbackends and shequ/core/prepared.py). Empty
        # DATABASE_PREPARE_THRESHOLD turns preparing off (a pooler in transaction mode that cannot keep them).
        DATABASES["default"]["ENGINE"] = "shequ.core.dbbackends.postgresql"
        threshold = env.str("DATABASE_PREPARE_THRESHOLD", default="5").strip()
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", int(threshold) if threshold else None)
DATABASE_HEALTH_CHECK_WINDOW = env.float("DATABASE_HEALTH_CHECK_WINDOW", default=1.0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, rate limits ---------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "shequ.core.cache.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "shequ",
        },
    }
    # Django's cache sessions, read with the user's row in one round trip (accounts/sessions.py).
    SESSION_ENGINE = "shequ.accounts.sessions"
else:
    # Django's default of 300 entries is far too few: product pages, review blocks, feeds' cards and badges
    # would evict each other on every request (measured: a warm product page rebuilt every time, 23 req/s).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "shequ",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=False)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", False) else None
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Tasks ----------------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BROKER_URL = "memory://"  # never used (tasks run in-process), but stops kombu guessing "localhost"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 4
# Celery's Django fixup closes the database connection before and after every task unless told to reuse it:
# a new PostgreSQL backend per task cost ~5 ms of each queued flash-sale order. Reused for 100 tasks (each
# task counts twice), and Django's own CONN_MAX_AGE / health checks still apply.
CELERY_DB_REUSE_MAX = 200
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {
    "accounts.purge_expired_credentials": {
        "task": "accounts.purge_expired_credentials",
        "schedule": crontab(hour=3, minute=17),
    },
    "logistics.poll_tracking": {"task": "logistics.poll_tracking", "schedule": crontab(minute="*/5")},
    "payments.refunds_resubmit_pending": {
        "task": "payments.refunds_resubmit_pending",
        "schedule": crontab(minute="*/10"),
    },
    "orders.cancel_overdue": {"task": "orders.cancel_overdue", "schedule": crontab(minute="*")},
    "orders.auto_confirm": {"task": "orders.auto_confirm", "schedule": crontab(minute=7)},
    "cart.purge_stale": {"task": "cart.purge_stale", "schedule": crontab(hour=4, minute=41)},
    "coupons.rules_run": {"task": "coupons.rules_run", "schedule": crontab(hour=1, minute=5)},
    "coupons.expiry_reminders": {"task": "coupons.expiry_reminders", "schedule": crontab(minute=23)},
    "campaigns.trial_reminders": {"task": "campaigns.trial_reminders", "schedule": crontab(minute=37)},
    "articles.publish_due": {"task": "articles.publish_due", "schedule": crontab(minute="*/5")},
    "loyalty.expire_points": {"task": "loyalty.expire_points", "schedule": crontab(minute=3)},
    "loyalty.tiers_nightly": {"task": "loyalty.tiers_nightly", "schedule": crontab(hour=2, minute=23)},
}

# --- Auth -----------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Logins go through the cached backend; sessions made before it (naming ModelBackend) keep working.
AUTHENTICATION_BACKENDS = [
    "shequ.accounts.auth_backend.CachedModelBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:me"
LOGOUT_REDIRECT_URL = "home"

# --- Internationalisation -------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "sq_lang"
# Cookies that never change what a storefront page shows (CSRF, language, the analytics visitor ids): a
# visitor with only these gets the shared copy of a page (core.page_cache). Any other cookie opts out.
SHEQU_SHARED_PAGE_COOKIES = frozenset({"csrftoken", LANGUAGE_COOKIE_NAME, "sq_aid", "sq_sid", "sq_utm"})

# --- Files ----------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True  # the embedded server serves static files without collectstatic
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- Logging --------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.request": {"level": "ERROR"}, "celery": {"level": "WARNING"}, "kombu": {"level": "WARNING"}},
}

# --- Shequ ----------------------------------------------------------------------------------------------
SHEQU_SITE_NAME = env.str("SHEQU_SITE_NAME", default="Shequ 社区")
# The public address printed into QR codes and links sent outside the site (SMS, share cards).
SHEQU_PUBLIC_URL = env.str("SHEQU_PUBLIC_URL", default="")
SHEQU_DEFAULT_REGION = "CN"
# Comma-separated Fernet keys, newest first; derived from SECRET_KEY when unset (see core/crypto.py).
SHEQU_ENCRYPTION_KEYS = env.list("SHEQU_ENCRYPTION_KEYS", default=[])
SHEQU_LOOKUP_HASH_KEY = env.str("SHEQU_LOOKUP_HASH_KEY", default="")

SHEQU_SMS_BACKEND = env.str("SHEQU_SMS_BACKEND", default="shequ.accounts.providers.sms.ConsoleSmsBackend")
SHEQU_OTP = {
    "LENGTH": 6,
    "TTL_SECONDS": 300,
    "RESEND_COOLDOWN_SECONDS": 60,
    "MAX_ATTEMPTS": 5,
    "PER_PHONE_PER_HOUR": 5,
    "PER_PHONE_PER_DAY": 10,
    "PER_IP_PER_HOUR": 30,
    "PHONE_FAILURES_BEFORE_LOCK": 10,
    "LOCK_SECONDS": 15 * 60,
}
SHEQU_PASSWORD_LOGIN = {"FAILURES_BEFORE_LOCK": 5, "LOCK_SECONDS": 15 * 60, "PER_IP_PER_HOUR": 60}
SHEQU_TOKENS = {"ACCESS_TTL_SECONDS": 15 * 60, "REFRESH_TTL_SECONDS": 30 * 24 * 60 * 60}

SHEQU_OAUTH_PROVIDERS = {
    "wechat": {
        "CLASS": "shequ.accounts.providers.oauth.wechat.WeChatOAuthProvider",
        "APP_ID": env.str("WECHAT_APP_ID", default=""),
        "APP_SECRET": env.str("WECHAT_APP_SECRET", default=""),
        "AUTHORIZE_URL": env.str("WECHAT_AUTHORIZE_URL", default="https://open.weixin.qq.com/connect/qrconnect"),
        "API_BASE": env.str("WECHAT_API_BASE", default="https://api.weixin.qq.com"),
    },
}

# "sqlite" / "postgresql" (chosen by the database when empty) or a dotted class path, e.g. an OpenSearch
# backend for very large catalogs: see docs/search.md.
SHEQU_SEARCH_BACKEND = env.str("SHEQU_SEARCH_BACKEND", default="")

SHEQU_ANALYTICS = {
    # "buffered": events are queued in memory and written in batches by a background flusher (through a
    # Celery task when a broker is configured). "inline": written at once; used by the test suite.
    "WRITE_MODE": env.str("SHEQU_ANALYTICS_WRITE_MODE", default="buffered"),
    "BATCH_SIZE": env.int("SHEQU_ANALYTICS_BATCH_SIZE", default=500),
    "FLUSH_INTERVAL_SECONDS": env.float("SHEQU_ANALYTICS_FLUSH_SECONDS", default=1.0),
}

SHEQU_ORDERS = {
    "PAYMENT_TIMEOUT_MINUTES": env.int("SHEQU_PAYMENT_TIMEOUT_MINUTES", default=30),
    "AUTO_CONFIRM_DAYS": env.int("SHEQU_AUTO_CONFIRM_DAYS", default=7),
    "MAX_QUANTITY_PER_LINE": 99,
    "MAX_CART_LINES": 50,
    "POINTS_PROVIDER": "shequ.loyalty.checkout.LoyaltyPointsProvider",
    "SHIPPING_BENEFIT_PROVIDER": "shequ.loyalty.checkout.LoyaltyShippingBenefit",
}

# Payment providers; each is switched on only when its configuration is complete. Keys may be given as the
# PEM text, the bare base64 body from the provider's console, or a path to a file (see payments/providers).
SHEQU_PAYMENTS = {
    # The sandbox lets anyone "pay" for free: on by default only in DEBUG or the embedded (SQLite) demo.
    "SANDBOX_ENABLED": env.bool(
        "PAYMENTS_SANDBOX_ENABLED", default=DEBUG or DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    ),
    # Public base URL the providers call back (https://shop.example.com); default: the host the buyer used.
    "NOTIFY_BASE_URL": env.str("PAYMENTS_NOTIFY_BASE_URL", default=""),
    "ALIPAY": {
        "APP_ID": env.str("ALIPAY_APP_ID", default=""),
        "PRIVATE_KEY": env.str("ALIPAY_PRIVATE_KEY", default="") or env.str("ALIPAY_PRIVATE_KEY_FILE", default=""),
        "PUBLIC_KEY": env.str("ALIPAY_PUBLIC_KEY", default="") or env.str("ALIPAY_PUBLIC_KEY_FILE", default=""),
        "GATEWAY": env.str("ALIPAY_GATEWAY", default="https://openapi.alipay.com/gateway.do"),
    },
    "WECHATPAY": {
        "MCHID": env.str("WECHATPAY_MCHID", default=""),
        "APPID": env.str("WECHATPAY_APPID", default=""),
        "PRIVATE_KEY": env.str("WECHATPAY_PRIVATE_KEY", default="")
        or env.str("WECHATPAY_PRIVATE_KEY_FILE", default=""),
        "CERT_SERIAL_NO": env.str("WECHATPAY_CERT_SERIAL_NO", default=""),
        "APIV3_KEY": env.str("WECHATPAY_APIV3_KEY", default=""),
        # Platform certificates (PEM files, comma-separated) and/or the newer "WeChat Pay public key" + its id.
        "PLATFORM_CERTS": env.list("WECHATPAY_PLATFORM_CERTS", default=[]),
        "PUBLIC_KEY": env.str("WECHATPAY_PUBLIC_KEY", default="") or env.str("WECHATPAY_PUBLIC_KEY_FILE", default=""),
        "PUBLIC_KEY_ID": env.str("WECHATPAY_PUBLIC_KEY_ID", default=""),
        "API_BASE": env.str("WECHATPAY_API_BASE", default="https://api.mch.weixin.qq.com"),
    },
}
