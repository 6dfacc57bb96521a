"""Rate limiting per client (quartiers/api/throttle.py): over the limit of the minute a
client gets 429 with Retry-After and a French message; other clients are not affected."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


@override_settings(API_RATE_PER_MINUTE=120)
def test_the_121st_anonymous_request_of_the_minute_gets_429():
    client = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [client.get("/api/departements").status_code for _ in range(120)]
    assert statuses == [200] * 120
    response = client.get("/api/departements")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["detail"].startswith("Trop de requêtes : réessayez dans")
    other = Client(REMOTE_ADDR="203.0.113.8")
    assert other.get("/api/departements").status_code == 200


@override_settings(API_RATE_PER_MINUTE=3, API_RATE_PER_MINUTE_AUTHENTICATED=5)
def test_logged_in_accounts_are_counted_apart_with_their_own_rate(prefecture_agent):
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert [client.get("/api/epci").status_code for _ in range(4)] == [200, 200, 200, 429]
    client.force_login(prefecture_agent)
    statuses = [client.get("/api/epci").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


@override_settings(API_RATE_PER_MINUTE=2)
def test_a_forged_forwarded_for_header_does_not_reset_the_count():
    client = Client(REMOTE_ADDR="203.0.113.10")
    codes = [
        client.get("/api/departements", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code
        for i in range(3)
    ]
    assert codes == [200, 200, 429]


@override_settings(API_RATE_PER_MINUTE=0)
def test_a_zero_rate_disables_the_limit():
    client = Client(REMOTE_ADDR="203.0.113.11")
    assert {client.get("/api/departements").status_code for _ in range(5)} == {200}


_OTHER_WORKER = """
import django
django.setup()
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from quartiers.api.throttle import ClientRateThrottle
request = RequestFactory().get("/api/departements", REMOTE_ADDR="203.0.113.12")
request.user = AnonymousUser()
print(ClientRateThrottle().allow_request(request))
"""


def _other_worker_allows(cache_dir: Path) -> bool:
    """One request of the same client counted by another process (another gunicorn worker)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CACHE_DIR": str(cache_dir),
        "REDIS_URL": "",
        "API_RATE_PER_MINUTE": "3",
    }
    out = subprocess.run(
        [sys.executable, "-c", _OTHER_WORKER],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return out.stdout.strip().splitlines()[-1] == "True"


def test_every_worker_process_counts_against_the_same_limit(tmp_path):
    shared = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(tmp_path / "api-throttle"),
        "KEY_PREFIX": "quartiers-api",
    }
    with override_settings(
        API_RATE_PER_MINUTE=3, CACHES={**settings.CACHES, "api_throttle": shared}
    ):
        client = Client(REMOTE_ADDR="203.0.113.12")
        assert client.get("/api/departements").status_code == 200
        assert _other_worker_allows(tmp_path) is True
        assert client.get("/api/departements").status_code == 200
        # The limit (3) is reached across the two processes: both refuse now.
        assert _other_worker_allows(tmp_path) is False
        assert client.get("/api/departements").status_code == 429
