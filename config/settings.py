"""Quartiers 2030 settings: one file, driven by environment variables (see .env.example)."""

from __future__ import annotations

from importlib.util import find_spec
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
# The département the application is set up for (INSEE code: "59", "2A", "974"…): the demo
# imports its QPV, communes, EPCI and contracts from the national files of DATA_DIR.
DEPARTEMENT = env_str("DEPARTEMENT", "59").strip().upper().zfill(2)
# The grantor of the open grant data (SCDL « subventions »): its name and SIRET (14 digits).
# Without a SIRET the file cannot be valid: the portal then says it is not published.
SCDL_ATTRIBUANT_NAME = env_str("SCDL_ATTRIBUANT_NAME", "")
SCDL_ATTRIBUANT_SIRET = env_str("SCDL_ATTRIBUANT_SIRET", "")
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
    "quartiers.core",
    "quartiers.geography",
    "quartiers.georef",
    "quartiers.indicators",
    "quartiers.contracts",
    "quartiers.programmes",
    "quartiers.organisation",
    "quartiers.grants",
    "quartiers.worklist",
    "quartiers.imports",
    "quartiers.portal",
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

# Not installed as apps, so that a process imports them only when it uses them (each costs about
# 0.12 s at every start-up, CLI commands included): huey (its storages import redis and psycopg)
# by the task queue (`run_huey` is quartiers/georef/management/commands/run_huey.py, tasks in
# quartiers/georef/tasks.py); django-ninja (and pydantic) by the API's URLs, its Swagger UI
# templates and static files (served locally, no CDN) being found through these paths.
NINJA_DIR = Path(find_spec("ninja").origin).parent

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates", NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "quartiers.core.context_processors.site",
            ],
            # `{% url %}` with memoised reversals (issue 13), in every template.
            "builtins": ["quartiers.core.templatetags.url_memo"],
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
LOGIN_REDIRECT_URL = "worklist:todo"  # « À traiter », content per role
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env_path("STATIC_ROOT", BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static", NINJA_DIR / "static"]
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

# Uploads (docs/imports.md): every uploaded file is streamed to a private temporary directory
# (never kept in memory), refused past the limit of its route while it is read, purged at
# start and periodically, never backed up (quartiers/core/uploads/).
UPLOAD_TEMP_DIR = env_path("UPLOAD_TEMP_DIR", BASE_DIR / "var" / "upload-tmp")
UPLOAD_TEMP_MAX_AGE_S = env_int("UPLOAD_TEMP_MAX_AGE_S", 6 * 3600)
UPLOAD_TEMP_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)  # Django checks it exists
FILE_UPLOAD_TEMP_DIR = str(UPLOAD_TEMP_DIR)
FILE_UPLOAD_HANDLERS = ["quartiers.core.uploads.handler.BoundedUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # unused by the handler above: no upload is held in memory
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)
# Per-route limits (bytes of one file; rows of a table). A request announcing more is refused
# before it is read; a file passing the limit is dropped as soon as it does.
BENEFICIARIES_MAX_UPLOAD_BYTES = env_int("BENEFICIARIES_MAX_UPLOAD_BYTES", 30 * 1024 * 1024)
BENEFICIARIES_MAX_ROWS = env_int("BENEFICIARIES_MAX_ROWS", 200_000)
DAUPHIN_MAX_UPLOAD_BYTES = env_int("DAUPHIN_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
DAUPHIN_MAX_ROWS = env_int("DAUPHIN_MAX_ROWS", 20_000)
CONTRACT_DOCUMENT_MAX_BYTES = env_int("CONTRACT_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
# An uploaded XLSX is refused when its parts would inflate beyond this in total (zip bomb
# guard), or when a part that openpyxl loads whole (the shared strings table, styles…) would
# exceed the second limit (quartiers/core/uploads/xlsx.py).
XLSX_MAX_UNCOMPRESSED_BYTES = env_int("XLSX_MAX_UNCOMPRESSED_BYTES", 512 * 1024 * 1024)
XLSX_MAX_SHARED_STRINGS_BYTES = env_int("XLSX_MAX_SHARED_STRINGS_BYTES", 16 * 1024 * 1024)
# A request announcing a larger body is refused (413) before it is read; 0: the largest upload
# limit of the app plus 1 MB (quartiers/core/security.py).
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 0)
# An import that would remove more than this share of the rows of a kind (QPV of a
# generation, communes, EPCI) stops unless forced (--force-removals); referenced rows too.
IMPORT_MAX_REMOVAL_SHARE = env_float("IMPORT_MAX_REMOVAL_SHARE", 0.10)
# The import screen (« Importer un fichier officiel »): bytes of one uploaded official file
# (the national QPV contours are a few tens of MB).
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "quartiers2030@localhost")
# The public address of the site, for the links of e-mails sent outside a request (weekly
# digest, notifications): scheme and host, no trailing slash.
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")
# The weekly digest of late milestones, sent by the task queue every Monday at this hour
# (quartiers/organisation/tasks.py); LEADS: also to the project leads of priority actions.
MILESTONE_DIGEST_ENABLED = env_bool("MILESTONE_DIGEST_ENABLED", True)
MILESTONE_DIGEST_HOUR = env_int("MILESTONE_DIGEST_HOUR", 7)
MILESTONE_DIGEST_LEADS = env_bool("MILESTONE_DIGEST_LEADS", False)

# Georeferencing (issue 3): tolerance around a boundary and geocoder reliability threshold.
GEOREF_BOUNDARY_TOLERANCE_M = env_float("GEOREF_BOUNDARY_TOLERANCE_M", 10.0)
GEOREF_MIN_SCORE = env_float("GEOREF_MIN_SCORE", 0.8)
# The national geocoder: the IGN Géoplateforme (the BAN API closed in January 2026); a
# self-hosted addok is spoken to in its own protocol ("auto": by the URL, docs/geocoding.md).
GEOCODER_URL = env_str("GEOCODER_URL", "https://data.geopf.fr/geocodage")
GEOCODER_PROTOCOL = env_str("GEOCODER_PROTOCOL", "auto")
# Two candidates whose scores differ by less than this make a geocoded address uncertain.
GEOREF_SECOND_CANDIDATE_GAP = env_float("GEOREF_SECOND_CANDIDATE_GAP", 0.05)
# The Géoplateforme allows 50 requests/s per IP; batches are cut to stay within its limits.
GEOCODER_RATE_PER_S = env_float("GEOCODER_RATE_PER_S", 45.0)
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
# Built spatial indexes, loaded by the next processes instead of being built again (keyed by
# the contours: never stale); empty: no disk cache (quartiers/georef/index_cache.py).
GEOREF_INDEX_CACHE_DIR = (
    env_path("GEOREF_INDEX_CACHE_DIR", BASE_DIR / "var" / "cache" / "georef")
    if env_str("GEOREF_INDEX_CACHE_DIR", "x")
    else None
)
# How often (seconds) a process compares its in-memory index with the shared version of the
# contours, renewed by every import (quartiers/georef/loader.py).
GEOREF_INDEX_CHECK_SECONDS = env_float("GEOREF_INDEX_CHECK_SECONDS", 1.0)

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
# The task that runs a georeferencing job, called with the job id: the job services name it
# here rather than import the tasks module (which imports them).
GEOREF_JOB_TASK = "quartiers.georef.tasks.georef_job_task"

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
# Counters and versions that every worker must see go to a shared cache: Redis when REDIS_URL
# is set (several machines), otherwise files under CACHE_DIR (the workers of one machine).
CACHE_DIR = env_path("CACHE_DIR", BASE_DIR / "var" / "cache")


def _shared_cache(prefix: str, folder: str, max_entries: int = 300) -> dict:
    if REDIS_URL:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(CACHE_DIR / folder),
        "KEY_PREFIX": prefix,
        "OPTIONS": {"MAX_ENTRIES": max_entries},
    }


CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Login throttling counters (quartiers/core/login_throttle.py).
    "login": _shared_cache("quartiers-login", "login"),
    # Public pages for anonymous visitors (quartiers/core/pagecache.py): bodies in each
    # worker's memory, for PAGE_CACHE_SECONDS at most, keyed on a shared data version.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "public-pages",
        "OPTIONS": {"MAX_ENTRIES": 500},  # ~30 kB each: 15 MB per worker at most
    },
    "page_versions": _shared_cache("quartiers-pages", "page-versions"),
    # The API rate-limit counters (quartiers/api/throttle.py).
    "api_throttle": _shared_cache("quartiers-api", "api-throttle", max_entries=10_000),
    # The report's PDF per data version and date, and the lock of its rebuild
    # (quartiers/portal/pdf_cache.py).
    "report_pdf": _shared_cache("quartiers-report", "report-pdf", max_entries=50),
}
# Longest time a rebuild of the report's PDF holds its lock (a crashed build frees it then).
REPORT_PDF_BUILD_SECONDS = env_int("REPORT_PDF_BUILD_SECONDS", 120)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)  # 0: no page cache
# JSON API rate limits per client and minute (quartiers/api/throttle.py): anonymous clients by
# address, accounts by id; 0 turns a limit off.
API_RATE_PER_MINUTE = env_int("API_RATE_PER_MINUTE", 120)
API_RATE_PER_MINUTE_AUTHENTICATED = env_int("API_RATE_PER_MINUTE_AUTHENTICATED", 600)
# The reverse proxies (addresses or CIDR networks) whose X-Forwarded-For is believed, read right
# to left, for the client address of every throttle (quartiers/core/client_address.py). Empty:
# no proxy, the client is REMOTE_ADDR.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
# Login throttling (quartiers/core/login_throttle.py): failures per username and address, and
# per address whatever the username (password spraying).
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)

# ProConnect (OpenID Connect) for agents, beside local accounts: off until OIDC_CLIENT_ID and
# OIDC_ISSUER are set (docs/auth.md). Endpoints come from the issuer's discovery document
# unless given here; ProConnect refuses unknown authorization parameters, hence PKCE off.
OIDC_ISSUER = env_str("OIDC_ISSUER", "")
OIDC_DISCOVERY_URL = env_str("OIDC_DISCOVERY_URL", "")
OIDC_AUTHORIZATION_ENDPOINT = env_str("OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_TOKEN_ENDPOINT = env_str("OIDC_TOKEN_ENDPOINT", "")
OIDC_USERINFO_ENDPOINT = env_str("OIDC_USERINFO_ENDPOINT", "")
OIDC_JWKS_URI = env_str("OIDC_JWKS_URI", "")
OIDC_END_SESSION_ENDPOINT = env_str("OIDC_END_SESSION_ENDPOINT", "")
OIDC_CLIENT_ID = env_str("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET", "")
OIDC_SCOPES = env_str("OIDC_SCOPES", "openid given_name usual_name email uid siret idp_id")
OIDC_ACR_VALUES = env_str("OIDC_ACR_VALUES", "")
OIDC_SIGNING_ALGORITHMS = env_list("OIDC_SIGNING_ALGORITHMS", ["RS256"])
OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", False)
OIDC_TOKEN_AUTH_METHOD = env_str("OIDC_TOKEN_AUTH_METHOD", "client_secret_post")
# Unknown agent: "refuse" (French message) or "create" (an account without any role).
OIDC_PROVISIONING = env_str("OIDC_PROVISIONING", "refuse")
OIDC_ALLOWED_EMAIL_DOMAINS = env_list("OIDC_ALLOWED_EMAIL_DOMAINS", [])
# ProConnect sends no email_verified claim: its addresses come from the agents' administrations.
OIDC_TRUST_EMAIL = env_bool("OIDC_TRUST_EMAIL", True)
OIDC_TIMEOUT_S = env_float("OIDC_TIMEOUT_S", 10.0)
_oidc_checks = {
    "OIDC_PROVISIONING": (OIDC_PROVISIONING, {"refuse", "create"}),
    "OIDC_TOKEN_AUTH_METHOD": (
        OIDC_TOKEN_AUTH_METHOD,
        {"client_secret_post", "client_secret_basic"},
    ),
}
for _name, (_value, _allowed) in _oidc_checks.items():
    if _value not in _allowed:
        raise ImproperlyConfigured(f"{_name}={_value!r} : valeurs possibles {sorted(_allowed)}.")
if OIDC_CLIENT_ID and not OIDC_ISSUER:
    raise ImproperlyConfigured("OIDC_CLIENT_ID est défini : OIDC_ISSUER doit l'être aussi.")
if PRODUCTION and OIDC_CLIENT_ID and not OIDC_ISSUER.startswith("https://"):
    raise ImproperlyConfigured("OIDC_ISSUER doit être une adresse https:// en production.")
if PRODUCTION and OIDC_CLIENT_ID and not OIDC_CLIENT_SECRET:
    raise ImproperlyConfigured("OIDC_CLIENT_SECRET doit être défini en production.")

# The deploying préfecture (quartiers/core/site.py): logo, legal notice, personal data,
# accessibility statement and contacts shown in the footer pages. Left empty, the names derive
# from DEPARTEMENT and its COG name (« Préfecture du Rhône », logo « Préfet / du Rhône »);
# the address and contact page default to the Nord's only when DEPARTEMENT is 59, else to none.
SITE_PREFET_TITLE = env_str("SITE_PREFET_TITLE", "Préfet")  # or « Préfète »
SITE_PREFECTURE_NAME = env_str("SITE_PREFECTURE_NAME", "")
SITE_LOGO_LINES = env_list("SITE_LOGO_LINES", [])
SITE_ADDRESS = env_str("SITE_ADDRESS", "")
SITE_PHONE = env_str("SITE_PHONE", "")
SITE_CONTACT_EMAIL = env_str("SITE_CONTACT_EMAIL", "")
SITE_CONTACT_URL = env_str("SITE_CONTACT_URL", "")
SITE_PUBLICATION_DIRECTOR = env_str("SITE_PUBLICATION_DIRECTOR", "")
SITE_HOST_NAME = env_str("SITE_HOST_NAME", "")
SITE_HOST_ADDRESS = env_str("SITE_HOST_ADDRESS", "")
SITE_DPO_NAME = env_str(
    "SITE_DPO_NAME", "Délégué à la protection des données du ministère de l'Intérieur"
)
SITE_DPO_ADDRESS = env_str("SITE_DPO_ADDRESS", "Place Beauvau, 75800 Paris Cedex 08")
SITE_DPO_EMAIL = env_str("SITE_DPO_EMAIL", "")
# Accessibility statement: the conformity level can only come from an RGAA audit of a sample of
# pages; without one the law asks for « non conforme » (axe-core's automatic checks are not one).
SITE_ACCESSIBILITY_STATUS = env_str("SITE_ACCESSIBILITY_STATUS", "non conforme")
SITE_ACCESSIBILITY_AUDIT = env_str("SITE_ACCESSIBILITY_AUDIT", "")
SITE_ACCESSIBILITY_STATEMENT_DATE = env_str("SITE_ACCESSIBILITY_STATEMENT_DATE", "5 décembre 2026")
SITE_ACCESSIBILITY_PLAN_URL = env_str("SITE_ACCESSIBILITY_PLAN_URL", "")
_site_statuses = {"totalement conforme", "partiellement conforme", "non conforme"}
if SITE_PREFET_TITLE not in {"Préfet", "Préfète"}:
    raise ImproperlyConfigured(
        f"SITE_PREFET_TITLE={SITE_PREFET_TITLE!r} : valeurs possibles ['Préfet', 'Préfète']."
    )
if SITE_ACCESSIBILITY_STATUS not in _site_statuses:
    raise ImproperlyConfigured(
        f"SITE_ACCESSIBILITY_STATUS={SITE_ACCESSIBILITY_STATUS!r} : valeurs possibles "
        f"{sorted(_site_statuses)}."
    )

# Error pages (quartiers/core/errors.py): French, DSFR, the application's own message.
CSRF_FAILURE_VIEW = "quartiers.core.errors.csrf_failure"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
