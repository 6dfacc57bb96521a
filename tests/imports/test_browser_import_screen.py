"""The import screen in headless Chromium: choose « Dispositifs », upload a file, read the dry
run, « Appliquer », land on the history with the new row."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from quartiers.core.accessibility import KNOWN_FINDINGS
from quartiers.geography.models import ImportRun
from quartiers.programmes.models import Dispositif
from tests.browser.a11y import BLOCKING, page_audit
from tests.imports.conftest import DISPOSITIFS_CSV

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_an_agent_previews_then_applies_a_dispositifs_file(
    browser_page, live_server, prefecture_agent
):
    page, watch = browser_page
    _log_in(page, live_server, prefecture_agent)
    before = Dispositif.objects.count()
    page.goto(live_server.url + "/a-traiter/")
    page.get_by_role("link", name="Imports", exact=True).click()
    page.get_by_role("link", name="Dispositifs").click()
    page.set_input_files(
        "#id_fichier",
        files=[
            {"name": "dispositifs.csv", "mimeType": "text/csv", "buffer": DISPOSITIFS_CSV.encode()}
        ],
    )
    page.get_by_test_id("preview-button").click()

    assert page.get_by_test_id("dry-run-notice").is_visible()
    assert page.get_by_test_id("count-added").inner_text() == "2"
    assert page.get_by_test_id("count-changed").inner_text() == "0"
    assert "PRE d'essai de Lille (59350)" in page.get_by_test_id("import-codes").inner_text()
    assert Dispositif.objects.count() == before  # the dry run wrote nothing

    page.get_by_test_id("apply-button").click()

    assert page.locator("h1").inner_text() == "Historique des imports"
    assert "2 ajoutés" in page.get_by_test_id("applied-notice").inner_text()
    first_row = page.get_by_test_id("history-row").first.inner_text()
    assert "dispositifs.csv" in first_row and "Camille Agent" in first_row
    assert Dispositif.objects.count() == before + 2
    assert ImportRun.objects.get(kind="dispositifs").user == prefecture_agent
    assert watch.problems == []


def test_the_import_pages_have_no_serious_accessibility_violation(
    chromium_browser, live_server, prefecture_agent
):
    """axe-core on the kinds, a dry-run result, the history and the answer to a second
    « Appliquer » (the whole-site audit skips those: they answer a POST)."""
    context = chromium_browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="fr-FR", bypass_csp=True
    )
    page = context.new_page()
    _log_in(page, live_server, prefecture_agent)
    findings = []
    try:
        for path in (
            "/imports/",
            "/imports/historique/",
            "/imports/attributs-qpv/",
            "/imports/contours-administratifs/",
            "/imports/dispositifs/",
        ):
            page.goto(live_server.url + path)
            findings += page_audit(page, path)
        page.set_input_files(
            "#id_fichier",
            files=[{"name": "d.csv", "mimeType": "text/csv", "buffer": DISPOSITIFS_CSV.encode()}],
        )
        page.get_by_test_id("preview-button").click()
        page.get_by_test_id("dry-run-notice").wait_for()
        findings += page_audit(page, "/imports/dispositifs/ (vérification)")
        # The same « Appliquer » sent twice (a replayed POST): the second answer is audited.
        apply_form = page.locator("form[action='/imports/appliquer/']")
        fields = {
            name: apply_form.locator(f"input[name='{name}']").get_attribute("value")
            for name in ("csrfmiddlewaretoken", "apercu")
        }
        page.get_by_test_id("apply-button").click()
        page.get_by_test_id("applied-notice").wait_for()
        page.evaluate(
            """fields => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = "/imports/appliquer/";
                for (const [name, value] of Object.entries(fields)) {
                    const input = document.createElement("input");
                    input.type = "hidden"; input.name = name; input.value = value;
                    form.append(input);
                }
                document.body.append(form);
                form.submit();
            }""",
            fields,
        )
        page.get_by_test_id("already-applied").wait_for()
        assert (
            "Cet import a déjà été appliqué" in page.get_by_test_id("already-applied").inner_text()
        )
        findings += page_audit(page, "/imports/appliquer/ (déjà appliqué)")
        assert ImportRun.objects.filter(kind="dispositifs").count() == 1  # applied once
    finally:
        context.close()
    blocking = [f for f in findings if f.impact in BLOCKING]
    assert blocking == [], "\n".join(f"{f.impact} {f.rule} {f.url} {f.targets}" for f in blocking)
    listed = {k.rule for k in KNOWN_FINDINGS}
    assert sorted({(f.rule, f.url) for f in findings if f.rule not in listed}) == []
