"""The error pages in headless Chromium, DEBUG off, under the CSP: French, DSFR-styled, the
application's own message, no console error (DSFR's script runs with the page's nonce)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def _dsfr_styled(page) -> bool:
    # DSFR's stylesheet loaded: the header's logo block is drawn by it (Marianne, flag).
    return page.evaluate(
        "() => getComputedStyle(document.querySelector('.fr-logo')).fontWeight === '700'"
    )


def _assert_error_page(page, url: str, *, status: int, heading: str) -> None:
    response = page.goto(url)
    assert response.status == status
    assert page.get_attribute("html", "lang") == "fr"
    assert page.locator("h1").inner_text() == heading
    assert _dsfr_styled(page)


def test_404_page_is_french_and_dsfr_styled(browser_page, live_server):
    page, watch = browser_page
    _assert_error_page(
        page, live_server.url + "/nulle-part/", status=404, heading="Page non trouvée"
    )
    page.wait_for_load_state("networkidle")
    assert watch.problems == [] or all("404" in p for p in watch.problems)


def test_403_page_shows_the_application_s_message(browser_page, live_server, association_user):
    page, _watch = browser_page
    _log_in(page, live_server, association_user)
    url = live_server.url + "/mon-territoire/"
    _assert_error_page(page, url, status=403, heading="Accès refusé")
    assert page.get_by_test_id("error-message").inner_text() == (
        "« Mon territoire » est la page des délégués du préfet."
    )


def test_500_and_400_pages_are_french(browser_page, live_server, settings):
    settings.ROOT_URLCONF = "tests.core.error_urls"
    page, _watch = browser_page
    url = live_server.url + "/essai/erreur-"
    _assert_error_page(page, url + "500/", status=500, heading="Erreur inattendue")
    _assert_error_page(page, url + "400/", status=400, heading="Requête incorrecte")


def test_an_expired_form_gets_the_french_csrf_page(browser_page, live_server):
    page, _watch = browser_page
    page.goto(live_server.url + "/connexion/")
    page.context.clear_cookies()
    page.fill("input[name=username]", "quelqu-un")
    page.fill("input[name=password]", "mot-de-passe")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert page.locator("h1").inner_text() == "Formulaire expiré"
    assert page.get_attribute("html", "lang") == "fr"
    assert _dsfr_styled(page)
