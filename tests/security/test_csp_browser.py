"""Under the Content-Security-Policy, the pages still work in headless Chromium: Chromium
reports every refused script, style or image as a console error, which fails the test."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from quartiers.grants.models import Application
from tests.grants.conftest import application_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC = [
    "/",
    "/carte/",
    "/qpv/",
    "/qpv/QN05901M/",
    "/contrats/",
    "/contrats/calendrier/",
    "/chiffres-cles/",
    "/indicateurs/",
    "/connexion/",
    "/api/docs",
]
AGENT = ["/contrats/suivi/", "/financements/", "/georeferencer/", "/verifier-une-adresse/"]


def _log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_public_pages_raise_no_csp_violation(browser_page, live_server, contracts):
    page, watch = browser_page
    for url in PUBLIC:
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
        assert watch.problems == [], url


def test_agent_pages_raise_no_csp_violation(browser_page, live_server, prefecture_agent, contracts):
    page, watch = browser_page
    _log_in(page, live_server, prefecture_agent)
    for url in AGENT:
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
        assert watch.problems == [], url


def test_the_status_filter_still_submits_itself_without_inline_script(
    browser_page, live_server, prefecture_agent, asso_a, call_mel
):
    application_make(asso_a, call_mel)
    assert Application.objects.exists()
    page, watch = browser_page
    _log_in(page, live_server, prefecture_agent)
    page.goto(live_server.url + "/financements/")
    with page.expect_navigation():
        page.select_option("#statut", "brouillon")
    assert "statut=brouillon" in page.url
    assert watch.problems == []
