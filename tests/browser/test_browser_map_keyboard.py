"""The map by keyboard: the map takes the focus, arrow keys pan, + and - zoom, Tab reaches the
QPV shapes, and the QPV are reachable as a list of links."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

_PANE = "() => getComputedStyle(document.querySelector('#carte .leaflet-map-pane')).transform"
_QPV_WIDTH = """() => Math.max(...Array.from(document.querySelectorAll('#carte path.q-qpv'))
  .map((p) => p.getBoundingClientRect().width))"""


def test_the_map_pans_and_zooms_with_the_keyboard(browser_page, live_server):
    page, watch = browser_page
    page.goto(live_server.url + "/carte/")
    page.wait_for_selector("#carte[data-loaded='true']", timeout=20_000)
    page.focus("#carte")
    assert page.evaluate("() => document.activeElement.id") == "carte"
    before = page.evaluate(_PANE)
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(500)
    assert page.evaluate(_PANE) != before
    width = page.evaluate(_QPV_WIDTH)
    page.keyboard.press("+")
    page.wait_for_timeout(800)
    assert page.evaluate(_QPV_WIDTH) > width * 1.5
    page.keyboard.press("-")
    page.wait_for_timeout(800)
    assert page.evaluate(_QPV_WIDTH) < width * 1.5
    assert watch.problems == []


def test_tab_reaches_a_qpv_and_the_qpv_list_is_linked(browser_page, live_server):
    page, _watch = browser_page
    page.goto(live_server.url + "/carte/")
    page.wait_for_selector("#carte[data-loaded='true']", timeout=20_000)
    assert page.locator("#carte path.q-qpv[tabindex='0'][role='link']").count() == 94
    page.locator("main a[href='/qpv/']").first.click()
    page.wait_for_url("**/qpv/")
    assert page.locator("h1").count() == 1
