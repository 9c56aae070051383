"""Settings for the whole project, driven by environment variables.

One file on purpose: every knob an operator can turn is an environment variable read here,
with a default that suits a laptop (SQLite, DEBUG off unless asked). docs/DEPLOY.md lists them.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# DJANGO_ENV=production turns on every HTTPS protection by default and refuses to start with a
# missing secret key or with DEBUG on (docs/DEPLOY.md).
PRODUCTION = env_str("DJANGO_ENV", "development") == "production"
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production.")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production.")
    # A well-known development key; `manage.py check --deploy` flags it (security.W009).
    SECRET_KEY = "django-insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "assessment.core.axes_strings.LoginProtectionConfig",  # django-axes, named in Chinese
    "django_tasks",
    "django_tasks_db",
    "indicators",
    "assessment",  # the migration history from before the domain apps, and the demo
    "assessment.core",
    "assessment.regions",
    "assessment.jobs",
    "assessment.notifications",
    "assessment.collection",
    "assessment.verification",
    "assessment.panels",
    "assessment.results",
    "assessment.feeds",
    "assessment.appeals",
    "assessment.rectification",
    "assessment.dashboards",
    "ninja",  # the API's documentation page uses its bundled Swagger UI (no CDN)
    "assessment.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "assessment.core.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "assessment.core.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "assessment.core.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Refuses logins while a username + IP pair is locked out; then the usual model backend.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("LOGIN_LOCKOUT", True)
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "assessment.core.security.client_ip"
AXES_USERNAME_CALLABLE = "assessment.core.security.lockout_username"
AXES_VERBOSE = False

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "assessment.regions.context_processors.navigation",
                "assessment.notifications.context_processors.unread",
            ],
        },
    },
    {
        # Only for templates rendered once per indicator (config/jinja2.py says why); they live
        # in the apps' jinja2/ folders.
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "config.jinja2.environment"},
    },
]

# SQLite by default ("check out, migrate, run"); PostgreSQL in production via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions avoid "database is locked" upgrades under concurrent writers;
    # WAL lets readers proceed while one request writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "assessment.core.security.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "assessment:home"
LOGOUT_REDIRECT_URL = "login"

# Chinese first, English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Evidence uploads. Never served by URL: views check access before streaming a file.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media-not-served/"
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_MB", 20) * 1024 * 1024

# Django's database sessions; a save that fails because the database is away answers 503.
SESSION_ENGINE = "assessment.core.sessions"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 2 * 3600)
# The age above counts from the session's last use, not from login: assessment's
# SessionRefreshMiddleware saves a used session again at most every SESSION_REFRESH_SECONDS
# (Django's SESSION_SAVE_EVERY_REQUEST would write on every request).
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 60)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline scripts anywhere (page scripts are static files); inline styles are allowed
# because Plotly and Bootstrap set style attributes from JavaScript.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Behind the reverse proxy (docs/DEPLOY.md "Reverse proxy"): trust X-Forwarded-Proto, and take
# the client address for login lockouts from X-Forwarded-For, counting TRUSTED_PROXY_COUNT
# entries from the right (each proxy appends the address it received the request from), so a
# value the client sent itself is never the one used (assessment/security.py).
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)
if TRUSTED_PROXY_COUNT < 1:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 1 or more.")
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # django-axes logs every login and logout at INFO; lockouts are WARNING.
        "axes": {"level": env_str("AXES_LOG_LEVEL", "WARNING")},
    },
}

# Names shown in the page header and the admin.
SITE_TITLE = _("Digital Government Maturity Assessment")

# Excel reports (README "Excel reports"). Exports of up to EXPORT_DIRECT_MAX_REGIONS regions
# are written in the request; larger ones are background jobs.
EXPORT_DIRECT_MAX_REGIONS = env_int("EXPORT_DIRECT_MAX_REGIONS", 300)
# Imports of more region rows than this are applied by a background job.
IMPORT_DIRECT_MAX_ROWS = env_int("IMPORT_DIRECT_MAX_ROWS", 300)

# Background jobs (README "Background jobs", docs/DEPLOY.md "Workers"): Django's tasks
# interface. Without JOBS_REDIS_URL the queue is a table of the database (django-tasks-db) and
# `manage.py run_worker` polls it: nothing else to run. With JOBS_REDIS_URL the queue is RQ on
# that Redis, and workers on any machine that reaches Redis, the database and MEDIA_ROOT take
# jobs from it.
JOBS_REDIS_URL = env_str("JOBS_REDIS_URL")
if JOBS_REDIS_URL:
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": JOBS_REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A running job writes a sign of life with every progress step; one silent for longer than
# JOB_STALE_SECONDS lost its worker and is queued again, up to JOB_MAX_ATTEMPTS runs in all.
JOB_STALE_SECONDS = env_int("JOB_STALE_SECONDS", 120)
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 2)
# Finished jobs and their files are deleted after JOB_KEEP_HOURS by the housekeeping job,
# which runs every JOB_HOUSEKEEPING_MINUTES.
JOB_KEEP_HOURS = env_int("JOB_KEEP_HOURS", 24)
JOB_HOUSEKEEPING_MINUTES = env_int("JOB_HOUSEKEEPING_MINUTES", 10)

# Notifications and e-mail (README "Notifications and e-mail"). E-mail is printed to the console
# unless EMAIL_BACKEND names another backend, e.g. django.core.mail.backends.smtp.EmailBackend
# with EMAIL_HOST and the rest below. SITE_URL begins the links in e-mails.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env_str("SITE_URL", "http://localhost:8000")
# The daily digest and the deadline reminders run at this hour (TIME_ZONE).
NOTIFICATION_DAILY_HOUR = env_int("NOTIFICATION_DAILY_HOUR", 8)
if not 0 <= NOTIFICATION_DAILY_HOUR <= 23:
    raise ImproperlyConfigured("NOTIFICATION_DAILY_HOUR must be between 0 and 23.")

# The open API (/api/v1/): requests per client and period (django-ninja's throttle syntax,
# e.g. 600/m), counted in the default cache. The cache is per process unless CACHE_REDIS_URL
# names a Redis, which every web process then shares (README "Open API").
API_RATE = env_str("API_RATE", "600/m")
CACHE_REDIS_URL = env_str("CACHE_REDIS_URL")
if CACHE_REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": CACHE_REDIS_URL}
    }  # fmt: skip
# Largest request body outside file uploads: an API push of 50,000 values is about 3 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
# Raw platform files larger than this are aggregated and applied by a background job.
FEED_DIRECT_MAX_BYTES = env_int("FEED_DIRECT_MAX_BYTES", 5 * 1024 * 1024)
