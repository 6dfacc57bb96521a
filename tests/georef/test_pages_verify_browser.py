"""« Vérifier une adresse » in real headless Chromium: an address typed and submitted, then a
click on the map; the answers are the engine's, with no console error and no external request."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.georef.lookup_cases import addresses_in_qpv, oracle_locate, oracle_status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# A screenshot of the answered page, to look at after a run.
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", tempfile.gettempdir()))


def test_an_address_then_a_map_click_are_answered(
    browser_page, live_server, settings, addok_url, data_dir
):
    settings.GEOCODER_URL = addok_url
    case = addresses_in_qpv(data_dir, count=1)[0]
    page, watch = browser_page
    page.goto(live_server.url + "/verifier-une-adresse/")
    page.get_by_label("Adresse").fill(case["q"])
    page.get_by_role("button", name="Vérifier").click()
    answer = page.locator("[data-q-verifier-answer]")
    answer.wait_for()
    link = answer.locator(f'[data-q-qpv-link="{case["code"]}"]')
    assert link.count() == 1
    assert "Quartier" in link.inner_text() or case["code"] in link.inner_text()
    carte = page.locator("#verifier-carte")
    page.wait_for_selector('#verifier-carte[data-loaded="true"]')
    page.wait_for_selector(f'#verifier-carte[data-focus="{case["code"]}"]')
    assert carte.get_attribute("data-answer") in {"in", "uncertain"}
    assert (
        page.locator("#verifier-carte path.leaflet-interactive, #verifier-carte path").count() > 1
    )

    box = carte.bounding_box()
    carte.click(position={"x": box["width"] / 2 + 40, "y": box["height"] / 2 + 25})
    clicked = page.locator('[data-q-verifier-answer][data-source="carte"]')
    clicked.wait_for()
    lon = float(clicked.get_attribute("data-lon"))
    lat = float(clicked.get_attribute("data-lat"))
    expected = oracle_locate(lon, lat)
    status = oracle_status(expected, settings.GEOREF_BOUNDARY_TOLERANCE_M)
    assert clicked.get_attribute("data-status") == status
    code = expected.containing[0] if len(expected.containing) == 1 else None
    if code:
        assert clicked.locator(f'[data-q-qpv-link="{code}"]').count() == 1
    assert clicked.locator("[data-q-explanation]").inner_text()
    page.screenshot(path=str(SCREENSHOT_DIR / "verifier-une-adresse.png"), full_page=True)
    assert watch.problems == []
