"""Quartiers 2030 settings: one file, driven by environment variables (see .env.example)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_float, env_int, env_list, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# PRODUCTION=true turns on every hardening default and refuses a weak configuration.
PRODUCTION = env_bool("PRODUCTION", False)
DEBUG = env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG ne peut pas être activé en production.")
_DEV_SECRET = "dev-insecure-secret-key-change-me-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET)
if PRODUCTION and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY doit être défini (50 caractères au moins) en production."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Real public data (QPV contours, COG, contours, indicators…), never committed: see PROVENANCE.md.
DATA_DIR = env_path("QUARTIERS_DATA_DIR", BASE_DIR.parent / "shared" / "data")
# Where uploaded files and job outputs live.
MEDIA_ROOT = env_path("MEDIA_ROOT", BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "widget_tweaks",
    "dsfr",
    "huey.contrib.djhuey",
    "quartiers.core",
    "quartiers.geography",
    "quartiers.georef",
    "quartiers.indicators",
    "quartiers.contracts",
    "quartiers.programmes",
    "quartiers.organisation",
    "quartiers.grants",
    "quartiers.portal",
    "ninja",  # its Swagger UI static files (served locally, no CDN)
    "quartiers.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "quartiers.core.security.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "quartiers.core.security.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "quartiers.core.context_processors.site",
            ],
        },
    },
]

# DATABASE_URL unset: embedded SQLite file (WAL mode). postgres://… : PostgreSQL.
SQLITE_PATH = env_path("SQLITE_PATH", BASE_DIR / "var" / "quartiers.sqlite3")
_database_url = env_str("DATABASE_URL", "")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env_path("STATIC_ROOT", BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production the app serves static files straight from the source folders.
WHITENOISE_USE_FINDERS = not PRODUCTION
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing

# Uploads: bounded in memory, larger files spill to disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# An uploaded XLSX is refused when its parts would inflate beyond this (zip bomb guard,
# quartiers/core/uploads.py).
XLSX_MAX_UNCOMPRESSED_BYTES = env_int("XLSX_MAX_UNCOMPRESSED_BYTES", 512 * 1024 * 1024)
# A request announcing a larger body is refused (413) before it is read; 0: the largest upload
# limit of the app plus 1 MB (quartiers/core/security.py).
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 0)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "quartiers2030@localhost")

# Georeferencing (issue 3): tolerance around a boundary and geocoder reliability threshold.
GEOREF_BOUNDARY_TOLERANCE_M = env_float("GEOREF_BOUNDARY_TOLERANCE_M", 10.0)
GEOREF_MIN_SCORE = env_float("GEOREF_MIN_SCORE", 0.8)
GEOCODER_URL = env_str("GEOCODER_URL", "https://api-adresse.data.gouv.fr")
# The public BAN service allows 50 requests/s per IP; batches are cut to stay within its limits.
GEOCODER_RATE_PER_S = env_float("GEOCODER_RATE_PER_S", 50.0)
GEOCODER_MAX_CONCURRENCY = env_int("GEOCODER_MAX_CONCURRENCY", 4)
GEOCODER_TIMEOUT_S = env_float("GEOCODER_TIMEOUT_S", 10.0)
GEOCODER_BATCH_TIMEOUT_S = env_float("GEOCODER_BATCH_TIMEOUT_S", 300.0)
GEOCODER_BATCH_MAX_ROWS = env_int("GEOCODER_BATCH_MAX_ROWS", 5000)
GEOCODER_BATCH_MAX_BYTES = env_int("GEOCODER_BATCH_MAX_BYTES", 2_000_000)
GEOCODER_MAX_ATTEMPTS = env_int("GEOCODER_MAX_ATTEMPTS", 5)
# Batch files (docs/jobs.md): upload size limit, retention of uploads and results (personal
# data), seconds without a heartbeat after which a running job is resumed by another worker,
# and a pause between chunks (tests only: lets a test interrupt a job).
GEOREF_MAX_UPLOAD_BYTES = env_int("GEOREF_MAX_UPLOAD_BYTES", 512 * 1024 * 1024)
GEOREF_RETENTION_DAYS = env_int("GEOREF_RETENTION_DAYS", 7)
GEOREF_JOB_STALE_SECONDS = env_int("GEOREF_JOB_STALE_SECONDS", 120)
GEOREF_JOB_CHUNK_PAUSE_S = env_float("GEOREF_JOB_CHUNK_PAUSE_S", 0.0)

# Task queue (huey, docs/jobs.md): a SQLite file by default (no server to run), Redis when
# REDIS_URL is set (workers on several machines). Workers: `manage.py run_huey`.
REDIS_URL = env_str("REDIS_URL", "")
HUEY = {
    "huey_class": "huey.RedisHuey" if REDIS_URL else "huey.SqliteHuey",
    "name": env_str("HUEY_NAME", "quartiers"),
    "immediate": env_bool("HUEY_IMMEDIATE", False),
    "results": False,
    "connection": (
        {"url": REDIS_URL}
        if REDIS_URL
        else {"filename": str(env_path("HUEY_SQLITE_PATH", BASE_DIR / "var" / "huey.sqlite3"))}
    ),
    "consumer": {"workers": env_int("HUEY_WORKERS", 2), "worker_type": "thread"},
}

# Default geography generation shown and used for lookups.
QPV_GENERATION = env_int("QPV_GENERATION", 2024)

# Production hardening (checked by `manage.py check --deploy`). Content-Security-Policy and
# Permissions-Policy: quartiers/core/security.py.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
# HTTPS only in production: browsers remember it for one year (SECURE_HSTS_SECONDS=0 turns it off).
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Submitting a domain to the browsers' HSTS preload list is its owner's decision, not the app's.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto (and strips the client's).
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Caches. "default": per-process memory (map payloads, rebuilt cheaply by each worker).
# "login": the login throttling counters, which every worker must share: Redis when REDIS_URL
# is set, otherwise files under var/cache shared by the workers of the machine.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "login": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(env_path("CACHE_DIR", BASE_DIR / "var" / "cache")),
        }
    ),
}
CACHES["login"]["KEY_PREFIX"] = "quartiers-login"
# JSON API rate limits per client and minute (quartiers/api/throttle.py): anonymous clients by
# address, accounts by id; 0 turns a limit off.
API_RATE_PER_MINUTE = env_int("API_RATE_PER_MINUTE", 120)
API_RATE_PER_MINUTE_AUTHENTICATED = env_int("API_RATE_PER_MINUTE_AUTHENTICATED", 600)
# Login throttling (quartiers/core/login_throttle.py): failures per username and address.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
