"""The choropleth map and the PNG export of charts, in real headless Chromium."""

from __future__ import annotations

import os
import struct
import tempfile
from pathlib import Path

import pytest

from quartiers.indicators.importers import import_nord_indicators
from quartiers.indicators.models import IndicatorValue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", tempfile.gettempdir()))


def test_the_choropleth_draws_94_qpv_with_a_legend_and_opens_a_qpv(
    browser_page, live_server, data_dir
):
    import_nord_indicators(data_dir=data_dir, apply=True)
    secret = IndicatorValue.objects.filter(
        indicator__code="part_population_etrangere", territory_kind="qpv", suppressed=True
    ).count()
    page, watch = browser_page
    page.goto(f"{live_server.url}/indicateurs/part_population_etrangere/carte/")
    container = page.locator("[data-q-choropleth]")
    page.wait_for_selector('[data-q-choropleth][data-loaded="true"]', timeout=15000)
    assert container.get_attribute("data-qpv-count") == "94"
    assert page.locator("path.q-choro").count() == 94
    assert page.locator('path[data-class="secret"]').count() == secret > 0
    for number in range(1, 6):
        assert page.locator(f'path[data-class="{number}"]').count() > 0
    # Secret cells are drawn with the grey cross-hatch, classes with their own pattern.
    fill = page.locator('path[data-class="secret"]').first.get_attribute("fill")
    assert fill == "url(#q-choro-secret)"
    legend = page.locator('[data-testid="choropleth-legend"]')
    assert legend.is_visible()
    assert "secret statistique" in legend.inner_text()
    assert legend.locator("li").count() == 6
    page.locator("figure.q-map-figure").screenshot(
        path=str(SCREENSHOT_DIR / "quartiers-choroplethe.png")
    )
    # Click the largest QPV shape: its popup gives the value and links to its page.
    shape = max(
        page.locator("path.q-choro").all(),
        key=lambda p: (lambda b: b["width"] * b["height"] if b else 0)(p.bounding_box()),
    )
    code = shape.get_attribute("data-code")
    shape.click(force=True)
    link = page.locator(f'.leaflet-popup [data-q-popup-link="{code}"]')
    link.wait_for(timeout=5000)
    assert "Valeur :" in page.locator(".leaflet-popup").inner_text()
    link.click()
    page.wait_for_url(f"**/qpv/{code}/")
    assert page.locator('[data-testid="qpv-code"]').inner_text() == code
    assert watch.problems == []


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_a_chart_downloads_as_png(browser_page, live_server, data_dir, tmp_path):
    import_nord_indicators(data_dir=data_dir, apply=True)
    page, watch = browser_page
    page.goto(f"{live_server.url}/chiffres-cles/")
    button = page.locator("[data-q-chart-png]").first
    assert button.is_visible()  # shown once the script is ready
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "habitants-qpv.png"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    width, height = _png_size(target)
    assert width == 2 * 760 and height > 100  # the SVG's viewBox, drawn at twice its size
    assert target.stat().st_size > 3000
    assert watch.problems == []
