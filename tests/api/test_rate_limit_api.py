"""Rate limiting per client (quartiers/api/throttle.py): over the limit of the minute a
client gets 429 with Retry-After and a French message; other clients are not affected."""

from __future__ import annotations

import pytest
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
