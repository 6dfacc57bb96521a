"""Login throttling: 5 failures for one username from one address lock it for 15 minutes."""

from __future__ import annotations

import time

import pytest

from quartiers.core import login_throttle
from quartiers.core.login_throttle import login_failures_clear

PASSWORD = "mot-de-passe-de-test"


@pytest.fixture
def clean_counters(prefecture_agent, settings):
    # A memory cache of this process: concurrent test runs never share counters.
    settings.CACHES = {
        **settings.CACHES,
        "login": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }

    def clear() -> None:
        for ip in ("127.0.0.1", "10.0.0.9"):
            for username in ("agent", login_throttle.ANY_USERNAME):
                login_failures_clear(username=username, ip=ip)

    clear()
    yield
    clear()


def _login(client, password, ip="127.0.0.1"):
    return client.post("/connexion/", {"username": "agent", "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_five_failures_lock_the_username_for_fifteen_minutes(client, clean_counters):
    for _ in range(4):
        response = _login(client, "mauvais")
        assert "Identifiant ou mot de passe incorrect." in response.content.decode()
    response = _login(client, "mauvais")
    html = response.content.decode()
    assert "Trop de tentatives de connexion" in html
    assert "réessayez dans 15 minutes" in html
    # Even the right password is refused while locked, and the session stays anonymous.
    response = _login(client, PASSWORD)
    assert response.status_code == 200
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


class _Clock:
    """The throttle's clock, moved by hand: the test does not depend on how fast logins run."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now


@pytest.mark.django_db
def test_the_lock_is_per_address_and_ends_with_the_window(client, clean_counters, monkeypatch):
    clock = _Clock()
    monkeypatch.setattr(login_throttle, "time", clock)
    for _ in range(5):
        _login(client, "mauvais")
    assert "réessayez dans 15 minutes." in _login(client, PASSWORD).content.decode()
    # Another address is not locked.
    assert _login(client, PASSWORD, ip="10.0.0.9").status_code == 302
    client.logout()
    clock.now += 14 * 60 + 30
    assert "réessayez dans 1 minute." in _login(client, PASSWORD).content.decode()
    clock.now += 31
    assert _login(client, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_successful_login_resets_the_failure_count(client, clean_counters):
    for _ in range(4):
        _login(client, "mauvais")
    assert _login(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, "mauvais")
    assert _login(client, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_many_usernames_from_one_address_lock_that_address(client, clean_counters, settings):
    """Password spraying: one password tried on many accounts, never 5 on one."""
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 8
    for number in range(7):
        response = client.post(
            "/connexion/",
            {"username": f"compte{number}", "password": "Printemps2026"},
            REMOTE_ADDR="10.0.0.9",
        )
        assert "Identifiant ou mot de passe incorrect." in response.content.decode()
    response = client.post(
        "/connexion/", {"username": "compte7", "password": "x"}, REMOTE_ADDR="10.0.0.9"
    )
    assert "Trop de tentatives de connexion infructueuses depuis votre adresse" in (
        response.content.decode()
    )
    # Even a real account with its right password is refused from that address…
    response = _login(client, PASSWORD, ip="10.0.0.9")
    assert response.status_code == 200
    assert "depuis votre adresse : réessayez dans 15 minutes." in response.content.decode()
    assert "_auth_user_id" not in client.session
    # …and not from another one.
    assert _login(client, PASSWORD, ip="127.0.0.1").status_code == 302
