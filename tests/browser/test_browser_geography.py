"""The geography pages in real headless Chromium: home, map (94 QPV drawn), a QPV page."""

from __future__ import annotations

import os
import re
import tempfile

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Screenshots of the map and of a QPV page, to look at after a run.
SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR", tempfile.gettempdir())

# Finds, in the map, a point where the biggest QPV shape is the topmost element: a real mouse
# click there hits that QPV (SVG `isPointInFill` + `elementFromPoint`).
_CLICKABLE_QPV_POINT = """
(selector) => {
  const paths = Array.from(document.querySelectorAll(selector));
  paths.sort((a, b) => {
    const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
    return rb.width * rb.height - ra.width * ra.height;
  });
  for (const path of paths) {
    const r = path.getBoundingClientRect();
    for (let i = 1; i < 12; i++) {
      for (let j = 1; j < 12; j++) {
        const x = r.left + (r.width * i) / 12, y = r.top + (r.height * j) / 12;
        if (document.elementFromPoint(x, y) === path) {
          return {x, y, code: path.getAttribute("data-code")};
        }
      }
    }
  }
  return null;
}
"""


def test_home_page_shows_the_nord_key_counts(browser_page, live_server):
    page, watch = browser_page
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Quartiers 2030"
    assert page.get_by_test_id("count-qpv").inner_text() == "94"
    assert page.get_by_test_id("count-communes").inner_text() == "76"
    assert page.get_by_test_id("count-epci").inner_text() == "13"
    assert page.locator("header.fr-header").is_visible()
    assert watch.problems == []


_OUTLINE_AND_QPV_BOXES = """
() => {
  const union = (selector) => {
    const box = {top: Infinity, left: Infinity, bottom: -Infinity, right: -Infinity};
    document.querySelectorAll(selector).forEach((el) => {
      const r = el.getBoundingClientRect();
      box.top = Math.min(box.top, r.top); box.left = Math.min(box.left, r.left);
      box.bottom = Math.max(box.bottom, r.bottom); box.right = Math.max(box.right, r.right);
    });
    return box;
  };
  return {outline: union(".leaflet-q-departement-pane path"), qpv: union("#carte path.q-qpv")};
}
"""


def test_map_draws_the_94_qpv_and_a_click_opens_the_qpv_page(browser_page, live_server):
    page, watch = browser_page
    page.goto(live_server.url + "/carte/")
    page.wait_for_selector("#carte[data-loaded='true']", timeout=20_000)

    assert page.get_attribute("#carte", "data-qpv-count") == "94"
    assert page.locator("#carte path.q-qpv").count() == 94
    assert page.locator("#carte path.q-qpv--national").count() >= 1
    assert page.get_by_text("Statut NPNRU estimé, à vérifier").is_visible()
    assert page.locator(".leaflet-control-layers").is_visible()
    # The département outline is drawn whole around the QPV (once it was clipped to the
    # view it was drawn in before the map zoomed to the Nord).
    boxes = page.evaluate(_OUTLINE_AND_QPV_BOXES)
    outline, qpvs = boxes["outline"], boxes["qpv"]
    assert outline["top"] <= qpvs["top"] and outline["bottom"] >= qpvs["bottom"]
    assert outline["left"] <= qpvs["left"] and outline["right"] >= qpvs["right"]
    page.screenshot(path=f"{SCREENSHOT_DIR}/quartiers-carte.png", full_page=True)

    point = page.evaluate(_CLICKABLE_QPV_POINT, "#carte path.q-qpv")
    assert point is not None, "aucun quartier cliquable trouvé sur la carte"
    page.mouse.click(point["x"], point["y"])
    link = page.locator(f"[data-q-popup-link='{point['code']}']")
    link.wait_for(state="visible")
    page.wait_for_timeout(1000)  # popup fade-in and auto-pan
    page.locator("#carte").screenshot(path=f"{SCREENSHOT_DIR}/quartiers-carte-popup.png")
    link.click()
    page.wait_for_url(re.compile(rf"/qpv/{point['code']}/$"))
    assert page.get_by_test_id("qpv-code").inner_text() == point["code"]
    assert watch.problems == []


def test_zooming_in_swaps_in_the_exact_qpv_contours(browser_page, live_server):
    page, watch = browser_page
    page.goto(live_server.url + "/carte/")
    page.wait_for_selector("#carte[data-loaded='true']", timeout=20_000)
    for _ in range(6):  # the département view is around zoom 8; exact contours from zoom 13
        page.locator("#carte .leaflet-control-zoom-in").click()
        page.wait_for_timeout(300)
    page.wait_for_selector("#carte[data-detail='true']", timeout=20_000)
    assert page.locator("#carte path.q-qpv").count() == 94
    assert page.locator("#carte path.q-qpv[data-code]").count() == 94
    assert watch.problems == []


def test_qpv_page_shows_its_contour_and_estimated_npnru_status(browser_page, live_server):
    page, watch = browser_page
    page.goto(live_server.url + "/qpv/QN05969M/")
    page.wait_for_selector("[data-q-map][data-loaded='true']", timeout=20_000)

    assert page.get_by_test_id("qpv-code").inner_text() == "QN05969M"
    assert page.get_attribute("[data-q-map]", "data-qpv-count") == "1"
    assert page.locator("[data-q-map] path.q-qpv--national").count() == 1
    assert "estimé, à vérifier" in page.get_by_test_id("npnru-estimate").inner_text()
    page.screenshot(path=f"{SCREENSHOT_DIR}/quartiers-qpv.png", full_page=True)
    assert watch.problems == []
