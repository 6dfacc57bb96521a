"""The measures page and a measure page in real headless Chromium: gauges, badges, chart."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import pytest

from quartiers.geography.models import QPV, Commune
from quartiers.programmes.models import Dispositif, Measure
from quartiers.programmes.seed import seed_programmes_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", tempfile.gettempdir()))


def test_measures_page_shows_gauges_and_status_badges_without_console_error(
    browser_page,
    live_server,
):
    seed_programmes_demo()
    citeslab = Measure.objects.get(code="eq2030-citeslab")
    citeslab.entries.create(on=date(2024, 12, 31), value=90)
    citeslab.entries.create(on=date(2025, 12, 31), value=130)
    mediator = Dispositif.objects.create(
        kind="mediateur_sante",
        name="Médiateur santé (test)",
        commune=Commune.objects.get(insee_code="59512"),
    )
    mediator.qpvs.set(QPV.objects.filter(code__in=["QN05981M", "QN05969M"]))
    page, watch = browser_page

    page.goto(f"{live_server.url}/programmes/")
    assert page.locator("h1").inner_text() == "Programmes et objectifs"
    gauges = page.locator("svg.q-gauge")
    assert gauges.count() >= 2
    box = gauges.first.bounding_box()
    assert box is not None and box["width"] > 150 and box["height"] > 20
    coverage = page.locator('[data-testid="coverage-gauge"] svg')
    assert "2,1\u00a0% des QPV couverts (2 QPV sur 94)" in coverage.first.text_content()
    row = page.locator('tr[data-measure="eq2030-citeslab"]')
    assert "130 CitésLab au 31/12/2025" in row.locator("svg.q-gauge").text_content()
    badge = row.locator("[data-status]")
    # from the first entry (90, end 2024) to 200 by end 2027: 126.7 expected at end 2025
    assert badge.text_content().strip() == "En bonne voie"
    assert page.locator('[data-status="no_data"]').first.is_visible()
    page.screenshot(path=str(SCREENSHOT_DIR / "quartiers-programmes.png"), full_page=True)

    page.goto(f"{live_server.url}/programmes/mesures/eq2030-citeslab/")
    chart = page.locator('svg[data-testid="trajectory"]')
    box = chart.bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 150
    text = chart.text_content()
    assert "objectif : 200 CitésLab" in text and "130" in text and "trajectoire attendue" in text
    page.screenshot(path=str(SCREENSHOT_DIR / "quartiers-mesure.png"), full_page=True)
    assert watch.problems == []
