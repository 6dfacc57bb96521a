"""axe-core in headless Chromium on every parameterless page of the URL conf (and a few detail
pages), for each role: no serious or critical violation, and every other finding listed in
the accessibility statement (quartiers/core/accessibility.py)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from quartiers.core.accessibility import KNOWN_FINDINGS
from tests.browser.a11y import BLOCKING, page_audit, parameterless_paths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = {
    "anonyme": None,
    "association": "association_user",
    "partenaire": "partner",
    "délégué": "prefect_delegate",
    "agent": "prefecture_agent",
    "administrateur": "prefecture_admin",
}
DETAIL_PAGES = ["/qpv/QN05901M/", "/page-inconnue/"]
REPORT = os.environ.get("A11Y_REPORT", "")


@contextmanager
def _audit_page(browser, live_server, user):
    # axe-core is injected as a script: the audit context alone bypasses the CSP.
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="fr-FR", bypass_csp=True
    )
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_role_has_no_serious_or_critical_violation(
    request, chromium_browser, live_server, role
):
    fixture = ROLES[role]
    user = request.getfixturevalue(fixture) if fixture else None
    findings, audited = [], []
    with _audit_page(chromium_browser, live_server, user) as page:
        for path in parameterless_paths() + DETAIL_PAGES:
            try:
                response = page.goto(live_server.url + path)
            except PlaywrightError:  # a file download (calendar, exports), not a page
                continue
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue
            redirected = urlsplit(page.url).path != path  # to the login page, most often
            if response.status in {403, 405} or redirected:
                continue
            audited.append(path)
            findings += page_audit(page, path)
    assert len(audited) >= 8, audited
    if REPORT:
        with open(REPORT, "a", encoding="utf-8") as out:
            out.write(f"{role}\t{len(audited)} pages auditées\t{' '.join(audited)}\n")
            for f in findings:
                out.write(f"{role}\t{f.impact}\t{f.rule}\t{f.url}\t{f.help}\t{f.targets}\n")
    blocking = [f for f in findings if f.impact in BLOCKING]
    assert blocking == [], "\n".join(f"{f.impact} {f.rule} {f.url} {f.targets}" for f in blocking)
    listed = {k.rule for k in KNOWN_FINDINGS}
    unlisted = sorted({(f.rule, f.url) for f in findings if f.rule not in listed})
    assert unlisted == [], f"constats absents de la déclaration d'accessibilité : {unlisted}"
