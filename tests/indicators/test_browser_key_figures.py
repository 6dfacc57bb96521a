"""The key-figures page in real headless Chromium: figures, sources, three readable charts."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from quartiers.indicators.importers import import_nord_indicators

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", tempfile.gettempdir()))


def test_key_figures_page_draws_its_charts_without_console_error(
    browser_page,
    live_server,
    data_dir,
):
    import_nord_indicators(data_dir=data_dir, apply=True)
    page, watch = browser_page
    page.goto(f"{live_server.url}/chiffres-cles/")
    assert page.locator("h1").inner_text().startswith("Chiffres clés")
    assert "398\u00a0500" in page.locator('[data-testid="key-figures"]').inner_text()
    charts = page.locator("figure.q-chart-figure svg")
    assert charts.count() == 3
    box = charts.first.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 50
    # Each bar carries its value as text: readable without colour.
    assert "432\u00a0926 habitants" in charts.first.text_content()
    page.screenshot(path=str(SCREENSHOT_DIR / "quartiers-chiffres-cles.png"), full_page=True)
    page.goto(f"{live_server.url}/indicateurs/part_population_etrangere/")
    assert page.locator("td em", has_text="secret statistique").count() == 11
    assert watch.problems == []
