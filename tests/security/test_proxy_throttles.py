"""The three throttles behind a real reverse proxy: gunicorn (two workers, shared file counters)
behind a proxy appending X-Forwarded-For, TRUSTED_PROXIES naming that proxy, and clients
connecting from distinct loopback addresses. One client's failures or requests never lock or
slow another one, and a client forging X-Forwarded-For gains nothing."""

from __future__ import annotations

import html
import re

import pytest

from tests.live_servers import Browser, ReverseProxy, free_port, gunicorn_start, process_stop
from tests.security.scratch_db import manage, scratch_env, shell

PASSWORD = "un-mot-de-passe-assez-long"
LOCKED = "Trop de tentatives de connexion infructueuses pour cet identifiant"
OIDC_LOCKED = "Trop de tentatives de connexion ProConnect invalides depuis votre adresse"
CALLBACK = "/connexion/proconnect/retour/?state=inventee&code=inventee"


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """(proxy port) of a gunicorn behind the reverse proxy, with one account « alice »."""
    tmp = tmp_path_factory.mktemp("proxy")
    with scratch_env(tmp, engine="sqlite") as env:
        env.update(
            TRUSTED_PROXIES="127.0.0.1",
            API_RATE_PER_MINUTE="3",
            ALLOWED_HOSTS="127.0.0.1",
            OIDC_ISSUER="http://127.0.0.1:9/",  # never reached: bogus callbacks stop before
            OIDC_CLIENT_ID="quartiers-tests",
            OIDC_CLIENT_SECRET="secret-de-test",
            PAGE_CACHE_SECONDS="0",
        )
        assert manage(env, "migrate", "--noinput", "-v0").returncode == 0
        shell(
            env,
            "from quartiers.core.models import User; "
            f"User.objects.create_user(username='alice', password='{PASSWORD}')",
        )
        port = free_port()
        server = gunicorn_start(env, port=port)
        try:
            with ReverseProxy(upstream_port=port) as proxy:
                yield proxy.port
        finally:
            process_stop(server)


def _messages(browser: Browser) -> str:
    return re.sub(r"\s+", " ", html.unescape(browser.get("/connexion/")[2]))


def test_bad_passwords_from_one_client_do_not_lock_the_username_for_another(proxied):
    attacker = Browser(port=proxied, source="127.0.0.10")
    for _ in range(4):
        assert attacker.login("alice", "mauvais")[0] == 200
    assert LOCKED in attacker.login("alice", "mauvais")[1]
    assert attacker.login("alice", PASSWORD)[0] == 200  # locked from its address
    # alice, from her own address, logs in.
    assert Browser(port=proxied, source="127.0.0.11").login("alice", PASSWORD)[0] == 302
    # A forged X-Forwarded-For does not unlock the attacker's address.
    page = attacker.get("/connexion/", headers={"X-Forwarded-For": "127.0.0.11"})[2]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, _headers, text = attacker.request(
        "POST",
        "/connexion/",
        data={"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"X-Forwarded-For": "127.0.0.11"},
    )
    assert status == 200 and LOCKED in text


def test_bogus_proconnect_returns_from_one_client_do_not_lock_proconnect_for_another(proxied):
    attacker = Browser(port=proxied, source="127.0.0.20")
    for _ in range(5):
        assert attacker.get(CALLBACK)[0] == 302
        assert "a expiré ou n'est pas valide" in _messages(attacker)
    assert attacker.get(CALLBACK)[0] == 302
    assert OIDC_LOCKED in _messages(attacker)
    agent = Browser(port=proxied, source="127.0.0.21")
    assert agent.get(CALLBACK)[0] == 302
    text = _messages(agent)
    assert "a expiré ou n'est pas valide" in text and OIDC_LOCKED not in text


def test_each_anonymous_api_client_has_its_own_bucket(proxied):
    greedy = Browser(port=proxied, source="127.0.0.30")
    statuses = [
        greedy.get("/api/departements", headers={"X-Forwarded-For": f"10.9.9.{n}"})[0]
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    assert Browser(port=proxied, source="127.0.0.31").get("/api/departements")[0] == 200
