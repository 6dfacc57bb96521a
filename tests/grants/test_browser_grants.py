"""In real headless Chromium: an association files an application, an agent takes it
through to « accordée »."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from quartiers.grants.models import Application
from quartiers.grants.services.associations import association_account_link
from tests.grants.conftest import association_make, call_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", tempfile.gettempdir()))


def _login(page, url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/connexion/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "mot-de-passe-de-test")
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def _budget_line(page, side: str, account: str, label: str, amount: str, funder: str = "") -> None:
    form = page.locator('[data-testid="budget-form"]')
    form.locator("#budget-side").select_option(side)
    form.locator("#budget-account").select_option(account)
    if funder:
        form.locator("#budget-funder").select_option(funder)
    form.locator("#budget-label").fill(label)
    form.locator("#budget-amount").fill(amount)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def _step(page, value: str, **fields: str) -> None:
    form = page.locator(f'[data-testid="step-{value}"]')
    for name, text in fields.items():
        target = form.locator(f"#etape-{value}-{name}")
        if name == "opinion":
            target.select_option(text)
        elif name == "attestation":  # the DSFR label covers its checkbox: click the label
            form.locator(f'label[for="etape-{value}-{name}"]').click()
        else:
            target.fill(text)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_an_association_files_and_an_agent_grants(
    browser_page, live_server, contracts, association_user, prefecture_agent
):
    call = call_make(contracts["CN05911M"], 2025)
    association = association_make(303, "Association du Pile")
    association_account_link(user=association_user, association=association)
    page, watch = browser_page
    url = live_server.url

    _login(page, url, "association")
    page.goto(f"{url}/financements/")
    page.click('[data-testid="new-application"]')
    page.select_option("#id_call", str(call.pk))
    page.select_option("#id_aid_form", "numeraire")
    page.select_option("#id_request_kind", "premiere")
    page.select_option("#id_object_kind", "action")
    page.select_option("#id_period_kind", "annuelle")
    page.fill("#id_action_title", "Ateliers numériques au Pile")
    page.fill("#id_action_description", "Initiation au numérique pour les habitants.")
    page.fill("#id_objectives", "Autonomie dans les démarches en ligne.")
    page.fill("#id_target_public", "Adultes du quartier.")
    page.select_option("#id_theme", "citoyennete")
    for field, value in (
        ("association_budget", "85000"),
        ("staff_volunteers", "12"),
        ("staff_employees", "2"),
        ("staff_fte", "1.5"),
    ):
        page.fill(f"#id_{field}", value)
    page.click('[data-testid="application-form"] button[type=submit]')
    page.wait_for_load_state()
    assert "Brouillon" in page.locator('[data-testid="status"]').text_content()

    _budget_line(page, "charge", "64", "Animateur", "10 000,00")
    _budget_line(page, "produit", "74", "Demande politique de la ville", "6 000,00", "etat_bop147")
    _budget_line(page, "produit", "74", "Ville de Roubaix", "3 500,00", "commune")
    assert (
        "n'est pas équilibré" in page.locator('[data-testid="budget-problem"]').first.inner_text()
    )
    _budget_line(page, "produit", "70", "Participation des usagers", "500,00")
    assert page.locator('[data-testid="budget-problem"]').count() == 0
    _step(page, "deposee", attestation="on", attestation_name="Claire Martin")
    assert "Déposée" in page.locator('[data-testid="status"]').text_content()
    application = Application.objects.get(action_title="Ateliers numériques au Pile")
    detail = f"{url}/financements/dossiers/{application.uuid}/"

    _login(page, url, "agent")
    page.goto(detail)
    _step(page, "instruction", note="Dossier complet")
    _step(page, "avis_delegue", opinion="favorable")
    _step(page, "comite", committee_on="2025-02-12")
    _step(page, "accordee", amount_granted="5 500,00")
    assert "Accordée" in page.locator('[data-testid="status"]').text_content()
    assert page.locator('[data-testid="granted"]').inner_text() == "5\u202f500,00\u00a0€"
    steps = page.locator('[data-testid="steps-table"] tbody tr')
    assert steps.count() == 5
    assert "Camille Agent" in steps.last.inner_text()
    page.screenshot(
        path=str(SCREENSHOT_DIR / "quartiers-financements-accordee.png"), full_page=True
    )
    assert watch.problems == []

    # back as the association: it sees the decision on its own file
    _login(page, url, "association")
    page.goto(detail)
    assert "Accordée" in page.locator('[data-testid="status"]').text_content()
