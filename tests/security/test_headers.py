"""Security headers on pages, and `manage.py check --deploy` clean with production settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: (rest[0] if rest else "") for name, *rest in parts}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/carte/", "/connexion/", "/qpv/"])
def test_pages_carry_the_security_headers(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "geolocation=()" in response["Permissions-Policy"]
    csp = _directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert "'unsafe-inline'" not in csp["style-src-elem"]
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert "blob:" in csp["img-src"]


@pytest.mark.django_db
def test_the_dsfr_scripts_carry_this_responses_nonce(client):
    response = client.get("/")
    nonce = _directives(response["Content-Security-Policy"])["script-src"].split("'nonce-")[1]
    nonce = nonce.rstrip("'")
    html = response.content.decode()
    assert f'nonce="{nonce}"' in html
    # A fresh nonce for every response.
    assert nonce not in client.get("/")["Content-Security-Policy"]


def test_no_template_has_inline_script_code_or_event_handlers():
    """Every <script> has a src (or is JSON data); no onclick=/onchange=… attributes."""
    import re

    offenders = []
    for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("quartiers/*/templates/**/*.html")]:
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "application/json" not in tag:
                offenders.append(f"{path}: {tag}")
        for handler in re.findall(r"\son[a-z]+=\"", text):
            offenders.append(f"{path}: {handler}")
    assert offenders == []


def test_deploy_checks_are_clean_with_production_settings(tmp_path):
    # The browser fixtures set DJANGO_ALLOW_ASYNC_UNSAFE for the test process only.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "PRODUCTION": "true",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "quartiers.example.org",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_a_weak_secret_key():
    env = {**os.environ, "PRODUCTION": "true", "SECRET_KEY": "court"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY doit être défini" in result.stderr


@pytest.mark.django_db
def test_production_sends_hsts(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/connexion/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
