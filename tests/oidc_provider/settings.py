"""Settings of the test OpenID Connect provider (a separate Django project, its own SQLite file).

Environment (set by serve.py): OP_DATA_DIR (database and RSA key), OP_ISSUER.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.oidc_provider.world import pkce_required

DATA_DIR = Path(os.environ["OP_DATA_DIR"])
ISSUER = os.environ["OP_ISSUER"]

SECRET_KEY = "test-oidc-provider-secret-key-never-used-outside-the-tests"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.oidc_provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ]
        },
    }
]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "provider.sqlite3"}
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Fast hashing: test passwords only.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
LOGIN_URL = "/login/"
# The app under test may run on the same host name: its cookies must not collide with these.
SESSION_COOKIE_NAME = "provider_sessionid"
CSRF_COOKIE_NAME = "provider_csrftoken"

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": ISSUER,
    "OIDC_RSA_PRIVATE_KEY": (DATA_DIR / "rsa.pem").read_text(),
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    # ProConnect logs out without asking when the id_token_hint is the session's.
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OAUTH2_VALIDATOR_CLASS": "tests.oidc_provider.validators.ProConnectLikeValidator",
    "SCOPES": {
        "openid": "OpenID Connect",
        "given_name": "Prénom",
        "usual_name": "Nom d'usage",
        "email": "Adresse électronique",
        "uid": "Identifiant chez le fournisseur d'identité",
        "siret": "SIRET de l'administration",
        "idp_id": "Fournisseur d'identité",
    },
    "DEFAULT_SCOPES": ["openid"],
    "PKCE_REQUIRED": pkce_required,
    # The app's redirect URIs on the live test server: any port of localhost (RFC 8252 § 7.3).
    "ALLOW_LOCALHOST_LOOPBACK": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 60,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
