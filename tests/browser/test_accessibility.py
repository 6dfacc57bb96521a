"""axe-core in headless Chromium on every parameterless page of the URL conf, for each role, and
on one real object of each parameterised page of the Nord demo (QPV, contract, action,
application, commitment, indicator, georeferencing job, dispositif…) for each demo account: no
serious or critical violation, and every other finding listed in the accessibility statement
(quartiers/core/accessibility.py)."""

from __future__ import annotations

import io
import os
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from quartiers.core.accessibility import AUDITED_DETAIL_PAGES, KNOWN_FINDINGS
from quartiers.core.models import User
from tests.browser.a11y import BLOCKING, page_audit, parameterless_paths
from tests.browser.demo_pages import demo_detail_paths

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
DEMO_ACCOUNTS = {
    "anonyme": None,
    "association": "demo-association",
    "partenaire": "demo-partenaire",
    "délégué": "demo-delegue",
    "agent": "demo-agent",
    "administrateur": "demo-admin",
}
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


def _blank(page) -> None:
    """Leave Chromium's error page for a blank one; its own navigation to
    chrome-error:// may still be under way and interrupt the first attempts."""
    for _attempt in range(5):
        try:
            page.goto("about:blank")
            return
        except PlaywrightError:
            page.wait_for_timeout(100)
    page.goto("about:blank")


def _paths_audit(page, live_server, paths):
    """(audited paths, findings) of the paths the page's visitor may open."""
    findings, audited = [], []
    for path in paths:
        try:
            response = page.goto(live_server.url + path)
        except PlaywrightError:  # a file download (calendar, exports), not a page
            _blank(page)  # Chromium's error page would cut the next navigation
            continue
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        redirected = urlsplit(page.url).path != path  # to the login page, most often
        if response.status in {403, 405} or redirected:
            continue
        audited.append(path)
        findings += page_audit(page, path)
    return audited, findings


def _check(role, audited, findings):
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


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_role_has_no_serious_or_critical_violation(
    request, chromium_browser, live_server, role
):
    fixture = ROLES[role]
    user = request.getfixturevalue(fixture) if fixture else None
    with _audit_page(chromium_browser, live_server, user) as page:
        audited, findings = _paths_audit(page, live_server, parameterless_paths() + DETAIL_PAGES)
    assert len(audited) >= 8, audited
    _check(role, audited, findings)


@pytest.fixture
def demo_paths(settings, tmp_path):
    """The Nord demo (accounts, contracts, actions, grants, CONCERTO…), set up once."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo_setup", stdout=io.StringIO())
    paths = demo_detail_paths()
    assert set(paths) == {key for key, _label in AUDITED_DETAIL_PAGES}  # the statement is true
    return list(paths.values())


# Pages each demo account must reach (a page the role cannot open any more fails the test).
EXPECTED = {
    "anonyme": {"/qpv/QN05920M/", "/contrats/CN05902M/"},
    "association": {"/financements/dossiers/", "/financements/associations/"},
    "partenaire": {"/concerto/engagements/"},
    "délégué": {"/financements/dossiers/", "/contrats/jalons/"},
    "agent": {"/georeferencer/", "/programmes/dispositifs/", "/contrats/actions/"},
    "administrateur": {"/delegues/"},
}


# One test per role (each sets the demo up again): the parallel suite spreads them over its
# workers.
@pytest.mark.parametrize("role", list(DEMO_ACCOUNTS))
def test_every_detail_page_of_the_demo_has_no_serious_or_critical_violation(
    chromium_browser, live_server, demo_paths, role
):
    username = DEMO_ACCOUNTS[role]
    user = User.objects.get(username=username) if username else None
    with _audit_page(chromium_browser, live_server, user) as page:
        audited, findings = _paths_audit(page, live_server, demo_paths)
    missing = [p for p in EXPECTED[role] if not any(a.startswith(p) for a in audited)]
    assert missing == [], f"{role} : {missing} non audité(s) ; audité(s) : {' '.join(audited)}"
    _check(f"{role} (détail)", audited, findings)
