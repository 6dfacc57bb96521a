"""A long table sorted by column in real headless Chromium: the QPV list, by keyboard then by
mouse, checked against the populations of the source file (SIG Ville CSV, read here)."""

from __future__ import annotations

import csv

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROW_CODES = "[data-testid='qpv-table'] tbody th[scope='row'] a"
POPULATION_TH = "[data-testid='qpv-table'] th[data-sort-key='population']"


def _populations(data_dir) -> dict[str, int]:
    path = data_dir / "indicateurs" / "sigville_qpv2024_indicateurs_nord.csv"
    with path.open() as f:
        return {r["codeQPV"]: int(float(r["popMuniQPV"])) for r in csv.DictReader(f)}


def test_the_qpv_list_sorts_by_population_by_keyboard_and_mouse(
    browser_page, live_server, data_dir
):
    populations = _populations(data_dir)
    page, watch = browser_page
    page.goto(live_server.url + "/qpv/")
    assert page.locator("[data-testid='qpv-table'] th[aria-sort]").count() == 1  # by code
    link = page.locator(f"{POPULATION_TH} a")
    assert "trier par « Population », ordre croissant" in link.inner_text()

    link.focus()  # keyboard: the header's link is focusable, Enter follows it
    page.keyboard.press("Enter")
    page.wait_for_url("**/qpv/?tri=population#qpv-table")
    assert page.get_attribute(POPULATION_TH, "aria-sort") == "ascending"
    codes = page.locator(ROW_CODES).all_inner_texts()
    assert [populations[c] for c in codes] == sorted(populations.values())[:50]

    page.locator(f"{POPULATION_TH} a").click()
    page.wait_for_url("**/qpv/?tri=-population#qpv-table")
    assert page.get_attribute(POPULATION_TH, "aria-sort") == "descending"
    assert page.locator("[data-testid='qpv-table'] th[aria-sort]").count() == 1
    codes = page.locator(ROW_CODES).all_inner_texts()
    assert [populations[c] for c in codes] == sorted(populations.values(), reverse=True)[:50]
    assert watch.problems == []
