"""In real headless Chromium: an agent marks a milestone done and sees it on the dashboard."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone

from quartiers.contracts.demo import seed_contracts_demo
from quartiers.contracts.models import Milestone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", tempfile.gettempdir()))


def test_agent_marks_a_late_milestone_done_and_the_dashboard_shows_it(
    browser_page,
    live_server,
    data_dir,
    prefecture_agent,
):
    seed_contracts_demo(data_dir=data_dir)
    late = Milestone.objects.get(label="Cursus de 6 semaines — bilan (démo)")
    page, watch = browser_page
    page.goto(f"{live_server.url}/connexion/")
    page.fill("input[name=username]", "agent")
    page.fill("input[name=password]", "mot-de-passe-de-test")
    page.click("form button[type=submit]")

    page.goto(f"{live_server.url}/contrats/suivi/?toutes=on")
    assert late.label in page.locator('[data-testid="late-list"]').inner_text()

    page.goto(f"{live_server.url}/contrats/actions/{late.action_id}/")
    today = timezone.localdate()
    page.fill(f"#fait-{late.pk}", today.isoformat())
    page.locator(f"form:has(#fait-{late.pk}) button").click()
    page.wait_for_load_state()
    assert "mis à jour" in page.locator(".fr-alert--success").inner_text()
    row = page.locator('[data-testid="milestone-table"] tr', has_text=late.label)
    assert today.strftime("%d/%m/%Y") in row.inner_text()

    page.goto(f"{live_server.url}/contrats/suivi/?toutes=on")
    assert late.label not in page.locator('[data-testid="late-list"]').inner_text()
    assert page.locator(".q-gantt__mark--done").count() == 1
    page.screenshot(path=str(SCREENSHOT_DIR / "quartiers-suivi-renforce.png"), full_page=True)
    assert watch.problems == []
