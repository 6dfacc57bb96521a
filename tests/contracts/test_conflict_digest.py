"""Optimistic concurrency on actions (two people editing), and the weekly digest e-mail."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from quartiers.contracts.models import Action, Contract
from quartiers.contracts.services import (
    ActionConflict,
    action_create,
    action_update,
    milestone_add,
)
from quartiers.core.models import Role, User
from quartiers.organisation.digest import milestone_digest_send
from tests.contracts.conftest import TODAY


@pytest.fixture
def action(demo, prefecture_agent) -> Action:
    return action_create(
        contract=Contract.objects.get(code="CN05908M"),
        user=prefecture_agent,
        values={
            "title": "Aides au permis de conduire",
            "theme": "emploi",
            "is_priority": True,
            "lead_name": "Chef de projet (démo)",
            "progress": 10,
        },
    )


def _form(action: Action, **changes) -> dict[str, object]:
    data = {
        "title": action.title,
        "objective": action.objective,
        "theme": action.theme,
        "lead_name": action.lead_name,
        "lead_organisation": action.lead_organisation,
        "lead_email": action.lead_email,
        "budget": "",
        "status": action.status,
        "progress": action.progress,
        "version": action.version,
    }
    if action.is_priority:
        data["is_priority"] = "on"
    data.update(changes)
    return data


def test_stale_save_is_refused_with_what_changed_and_nothing_is_lost(action, prefecture_agent):
    second = User.objects.create_user(
        username="collegue", password="x", role=Role.AGENT, first_name="Alex", last_name="Collègue"
    )
    loaded = action.version
    action_update(
        action=action,
        user=second,
        expected_version=loaded,
        values={"progress": 40, "status": "in_progress"},
    )
    with pytest.raises(ActionConflict) as conflict:
        action_update(
            action=action,
            user=prefecture_agent,
            expected_version=loaded,
            values={"progress": 25, "lead_name": "Autre chef (démo)"},
        )
    rows = {row.field: row for row in conflict.value.rows}
    assert set(rows) == {"progress", "status"}
    assert (rows["progress"].theirs, rows["progress"].yours) == (40, 25)
    assert rows["status"].theirs == "En cours" and rows["progress"].by == "Alex Collègue"
    assert "Conflit de modification" in str(conflict.value)
    action.refresh_from_db()
    assert (action.progress, action.lead_name, action.version) == (40, "Chef de projet (démo)", 2)


def test_conflict_page_redisplays_the_users_input_and_the_differences(
    action, client, prefecture_agent
):
    client.force_login(prefecture_agent)
    url = reverse("contracts:action_edit", args=[action.pk])
    stale = _form(action, progress=25, objective="Mon objectif à ne pas perdre")
    assert client.post(url, _form(action, progress=40)).status_code == 302
    response = client.post(url, stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Conflit de modification" in html and 'data-testid="conflict-table"' in html
    assert "Mon objectif à ne pas perdre" in html  # the refused input is still in the form
    assert 'name="version" value="2"' in html
    action.refresh_from_db()
    assert action.progress == 40 and action.objective == ""
    # A deliberate second save, carrying the version shown, goes through.
    again = _form(action, progress=25, objective="Mon objectif à ne pas perdre")
    assert client.post(url, again).status_code == 302
    action.refresh_from_db()
    assert (action.progress, action.version) == (25, 3)


def test_edit_form_refuses_progress_above_100_in_french(action, client, prefecture_agent):
    client.force_login(prefecture_agent)
    response = client.post(
        reverse("contracts:action_edit", args=[action.pk]), _form(action, progress=120)
    )
    assert response.status_code == 400
    assert "100 % au plus" in response.content.decode()


def test_digest_lists_late_milestones_by_contract(demo, action, settings, prefecture_agent):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    milestone_add(
        action=action,
        user=prefecture_agent,
        label="Convention avec les auto-écoles",
        due_on=TODAY - timedelta(days=9),
    )
    milestone_add(
        action=action,
        user=prefecture_agent,
        label="Pas encore dû",
        due_on=TODAY + timedelta(days=9),
    )
    digest = milestone_digest_send(today=TODAY, recipients=["mission@demo.invalid"])
    # Demo examples with past due dates are late too (3 of them, see quartiers/contracts/demo.py).
    assert digest.late_count == 4
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mission@demo.invalid"]
    assert message.subject == "[Quartiers 2030] Jalons en retard au 15/06/2026 : 4"
    assert "CU de Dunkerque (CN05908M)" in message.body
    assert "Convention avec les auto-écoles (échéance 06/06/2026, 9 jour(s) de retard)" in (
        message.body
    )
    assert "action prioritaire « Aides au permis de conduire »" in message.body
    assert "Pas encore dû" not in message.body


def test_digest_command_sends_to_prefecture_staff(demo, settings, prefecture_agent, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    prefecture_agent.email = "agent@demo.invalid"
    prefecture_agent.save()
    call_command("send_milestone_digest", "--date", TODAY.isoformat())
    assert mail.outbox[0].to == ["agent@demo.invalid"]
    assert "jalon(s) en retard" in capsys.readouterr().out


def test_digest_without_late_milestone_says_so(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    digest = milestone_digest_send(today=date(2026, 1, 1), recipients=["a@demo.invalid"])
    assert digest.late_count == 0
    assert "Aucun jalon en retard" in mail.outbox[0].body
