"""ProConnect in real headless Chromium: the button on the login page, the test provider's login
form, back in the app logged in; then the logout through the provider's end_session and back.
The app is pytest-django's live server, the provider tests/oidc_provider in its own process."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest

from quartiers.core.audit import AuditAction, AuditEntry
from quartiers.core.models import Role, User
from quartiers.core.oidc.client import oidc_cache_clear
from quartiers.core.oidc.models import OidcIdentity
from tests.browser.fixtures import PageWatch, watched_page
from tests.oidc_provider.world import CAMILLE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR", tempfile.gettempdir())
LOOPBACK = {"localhost", "127.0.0.1"}


@pytest.fixture
def loopback_page(chromium_browser, live_server) -> Iterator[tuple[object, PageWatch]]:
    """A page allowed to reach the live server and the provider (both on the loopback), and
    nothing else; console errors include Content-Security-Policy violations."""
    with watched_page(chromium_browser, LOOPBACK) as watched:
        yield watched


@pytest.fixture
def proconnect_live(settings, oidc_provider):
    settings.CACHES = {
        **settings.CACHES,
        "login": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    for name, value in oidc_provider.app_settings().items():
        setattr(settings, name, value)
    oidc_cache_clear()
    yield oidc_provider
    oidc_cache_clear()


def test_agent_logs_in_and_out_with_proconnect_in_chromium(
    loopback_page, live_server, proconnect_live
):
    page, watch = loopback_page
    camille = User.objects.create_user(
        username="c.martin",
        email=CAMILLE.email.lower(),
        role=Role.AGENT,
        first_name="Camille",
        last_name="Martin",
        oidc_link_allowed=True,  # an agent account: an administrator allowed the link
    )
    page.goto(live_server.url + "/connexion/")
    button = page.get_by_test_id("proconnect-button")
    assert button.is_visible()
    assert "S’identifier avec" in button.inner_text() and "ProConnect" in button.inner_text()
    page.screenshot(path=os.path.join(SCREENSHOT_DIR, "quartiers-connexion-proconnect.png"))

    button.click()
    page.wait_for_url(f"{proconnect_live.url}/login/**")
    page.fill("#id_username", CAMILLE.username)
    page.fill("#id_password", CAMILLE.password)
    page.get_by_role("button", name="Se connecter au fournisseur").click()
    page.wait_for_url(live_server.url + "/a-traiter/")  # every role lands on « À traiter »
    assert "Camille Martin" in page.locator("header.fr-header").inner_text()
    assert OidcIdentity.objects.filter(user=camille).exists()
    assert AuditEntry.objects.filter(object_id=str(camille.pk), action=AuditAction.LOGIN).exists()

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(live_server.url + "/connexion/")
    assert page.get_by_test_id("message").inner_text() == (
        "Vous êtes déconnecté de Quartiers 2030 et de ProConnect."
    )
    assert page.get_by_role("link", name="Se connecter").is_visible()

    # The provider's session ended too: the button leads to its login form again.
    page.get_by_test_id("proconnect-button").click()
    page.wait_for_url(f"{proconnect_live.url}/login/**")
    assert watch.problems == []
