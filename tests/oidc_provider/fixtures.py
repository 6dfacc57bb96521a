"""Pytest side of the test OpenID Connect provider: the session fixture that runs it as a
subprocess on a free loopback port, and an httpx "browser" for the provider's pages."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from tests.oidc_provider.world import ACR, PROCONNECT_LIKE, Agent, Client

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 120


@dataclass(frozen=True)
class OidcProvider:
    url: str  # http://127.0.0.1:port
    log: Path

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def app_settings(self, client: Client = PROCONNECT_LIKE) -> dict[str, object]:
        """The app's settings for this provider and one of its clients (discovery on)."""
        return {
            "OIDC_ISSUER": self.issuer,
            "OIDC_CLIENT_ID": client.client_id,
            "OIDC_CLIENT_SECRET": client.secret,
            "OIDC_USE_PKCE": client.pkce,
            "OIDC_ACR_VALUES": ACR,
            "OIDC_TIMEOUT_S": 10.0,
        }

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(pas de journal)"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory) -> Iterator[OidcProvider]:
    """django-oauth-toolkit as an OpenID Connect provider, in its own process and database."""
    data_dir = tmp_path_factory.mktemp("oidc-provider")
    port = _free_port()
    provider = OidcProvider(url=f"http://127.0.0.1:{port}", log=data_dir / "provider.log")
    # Its own settings: nothing of the app's configuration (database, settings module) leaks in.
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env["PYTHONPATH"] = str(ROOT)
    with provider.log.open("wb") as log:
        command = [sys.executable, "-m", "tests.oidc_provider.serve", "--port", str(port)]
        process = subprocess.Popen(
            [*command, "--data-dir", str(data_dir)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_ready(provider, process)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_until_ready(provider: OidcProvider, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    url = f"{provider.issuer}/.well-known/openid-configuration"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"Le fournisseur OpenID Connect de test s'est arrêté :\n{provider.log_tail()}"
            )
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"Le fournisseur OpenID Connect de test ne répond pas :\n{provider.log_tail()}")


class ProviderBrowser:
    """An agent's browser on the provider's side (its own cookies): follows the provider's
    redirects, fills its login form, and stops at the first redirect that leaves it."""

    def __init__(self, provider: OidcProvider) -> None:
        self.provider = provider
        self.http = httpx.Client(follow_redirects=False, timeout=10)
        self.login_forms_seen = 0

    def close(self) -> None:
        self.http.close()

    def follow(self, url: str, agent: Agent | None = None) -> str:
        """The URL outside the provider that `url` leads to (logging `agent` in if asked)."""
        response = self.http.get(url)
        for _ in range(10):
            if response.status_code not in (301, 302, 303):
                raise AssertionError(
                    f"{response.status_code} du fournisseur sur {response.url} :\n"
                    f"{response.text[:800]}\n{self.provider.log_tail(10)}"
                )
            location = urljoin(str(response.url), response.headers["location"])
            if not location.startswith(self.provider.url + "/"):
                return location
            if urlsplit(location).path == "/login/":
                if agent is None:
                    raise AssertionError("le fournisseur demande une connexion")
                response = self._log_in(location, agent)
            else:
                response = self.http.get(location)
        raise AssertionError("trop de redirections chez le fournisseur")

    def _log_in(self, url: str, agent: Agent) -> httpx.Response:
        page = self.http.get(url)
        self.login_forms_seen += 1
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, page.text[:500]
        return self.http.post(
            url,
            data={
                "csrfmiddlewaretoken": token.group(1),
                "username": agent.username,
                "password": agent.password,
            },
            headers={"Referer": url},
        )

    def is_logged_in(self) -> bool:
        """Whether the provider still has a session for this browser (its authorization page
        sends anonymous visitors to its login page)."""
        response = self.http.get(f"{self.provider.url}/o/authorize/")
        return not (response.status_code == 302 and "/login/" in response.headers["location"])
