"""The audit tool itself finds what it should: a page with a known violation is reported (so
that « no finding » on the site's pages means something)."""

from __future__ import annotations

from tests.browser.a11y import page_audit

PAGE = (
    '<!doctype html><html lang="fr"><head><title>Essai</title></head>'
    '<body><main><h1>Essai</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
    '<form><input type="text" name="q"></form></main></body></html>'
)


def test_the_audit_reports_an_image_without_text_and_an_unlabelled_field(chromium_browser):
    context = chromium_browser.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        page.set_content(PAGE)
        findings = {(f.rule, f.impact) for f in page_audit(page, "essai")}
    finally:
        context.close()

    assert ("image-alt", "critical") in findings
    assert ("label", "critical") in findings
