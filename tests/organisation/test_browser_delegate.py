"""In real headless Chromium: a délégué logs in through the login page, marks done a late
milestone of a priority action on their territory, and sees it on the « Suivi renforcé »
dashboard and on « Mon territoire »."""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from quartiers.contracts.demo import seed_contracts_demo
from quartiers.contracts.models import Contract
from quartiers.contracts.services import action_create, milestone_add
from quartiers.organisation.demo import seed_organisation_demo
from quartiers.organisation.models import PrefectDelegate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", tempfile.gettempdir()))


def test_delegate_logs_in_marks_a_milestone_done_and_sees_it_on_the_dashboard(
    browser_page,
    live_server,
    data_dir,
    prefect_delegate,
):
    seed_contracts_demo(data_dir=data_dir)
    seed_organisation_demo()
    PrefectDelegate.objects.filter(contracts__code="CN05902M").update(user=prefect_delegate)
    action = action_create(
        contract=Contract.objects.get(code="CN05902M"),
        user=None,
        values={
            "title": "Permis de conduire des jeunes (test)",
            "theme": "emploi",
            "is_priority": True,
            "lead_name": "Camille Cheffe",
        },
    )
    today = timezone.localdate()
    late = milestone_add(
        action=action,
        user=None,
        label="Convention avec les auto-écoles",
        due_on=today - timedelta(days=5),
    )
    page, watch = browser_page

    page.goto(f"{live_server.url}/contrats/suivi/")  # internal: the login page first
    assert "/connexion/" in page.url
    page.fill("input[name=username]", "delegue")
    page.fill("input[name=password]", "mot-de-passe-de-test")
    page.click("form button[type=submit]")
    page.wait_for_url("**/contrats/suivi/")
    assert late.label in page.locator('[data-testid="late-list"]').inner_text()

    page.goto(f"{live_server.url}/mon-territoire/")
    assert late.label in page.locator('[data-testid="territory-late"]').inner_text()
    page.get_by_role("link", name=action.title).first.click()
    page.fill(f"#fait-{late.pk}", today.isoformat())
    page.locator(f"form:has(#fait-{late.pk}) button").click()
    page.wait_for_load_state()
    assert "mis à jour" in page.locator(".fr-alert--success").inner_text()
    row = page.locator('[data-testid="milestone-table"] tr', has_text=late.label)
    assert today.strftime("%d/%m/%Y") in row.inner_text()
    # The change is in the action's history, signed by the délégué (who, when, before → after).
    assert "Dominique Délégué" in page.locator('[data-testid="audit-table"]').text_content()

    page.goto(f"{live_server.url}/contrats/suivi/")
    assert late.label not in page.locator('[data-testid="late-list"]').inner_text()
    assert page.locator(".q-gantt__mark--done").count() == 1
    page.goto(f"{live_server.url}/mon-territoire/")
    assert late.label not in page.locator('[data-testid="territory-late"]').inner_text()
    page.screenshot(path=str(SCREENSHOT_DIR / "quartiers-mon-territoire.png"), full_page=True)
    assert watch.problems == []
