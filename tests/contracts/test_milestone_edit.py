"""« Modifier le jalon » and deleting a milestone added by mistake: the service (validation,
audit, optimistic concurrency) and the pages, per role."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from quartiers.contracts.models import Action, Contract, Milestone
from quartiers.contracts.services import (
    MilestoneConflict,
    MilestoneValues,
    action_create,
    milestone_add,
    milestone_delete,
    milestone_edit,
    milestone_update,
)
from quartiers.core.audit import AuditEntry, audit_for
from quartiers.core.models import Role, User
from quartiers.organisation.models import PrefectDelegate

DUE = date(2026, 3, 31)


@pytest.fixture
def action(contracts, prefecture_agent) -> Action:
    return action_create(
        contract=Contract.objects.get(code="CN05908M"),
        user=prefecture_agent,
        values={
            "title": "Aides au permis de conduire",
            "theme": "emploi",
            "is_priority": True,
            "lead_name": "Camille Cheffe",
        },
    )


@pytest.fixture
def milestone(action, prefecture_agent) -> Milestone:
    return milestone_add(action=action, user=prefecture_agent, label="Convention", due_on=DUE)


@pytest.fixture
def colleague(db) -> User:
    return User.objects.create_user(
        username="collegue", password="x", role=Role.AGENT, first_name="Alex", last_name="Collègue"
    )


def _form(milestone: Milestone, **changes) -> dict[str, str]:
    def text(value):
        return "" if value is None else str(value)

    data = {name: text(getattr(milestone, name)) for name in ("label", "due_on", "done_on")} | {
        f"loaded_{name}": text(getattr(milestone, name)) for name in ("label", "due_on", "done_on")
    }
    data.update(changes)
    return data


# --- Service -------------------------------------------------------------------------------


def test_edit_changes_label_and_due_date_with_one_audit_entry(milestone, prefecture_agent):
    loaded = MilestoneValues.of(milestone)
    edited = milestone_edit(
        milestone=milestone,
        user=prefecture_agent,
        values=MilestoneValues(label="  Convention signée  ", due_on=date(2026, 4, 30)),
        loaded=loaded,
    )
    milestone.refresh_from_db()
    assert (milestone.label, milestone.due_on) == ("Convention signée", date(2026, 4, 30))
    assert edited.label == "Convention signée"
    entry = audit_for(objects=[milestone]).first()
    assert entry.action == "update" and entry.user == prefecture_agent
    assert entry.changes == {
        "label": {"label": "Jalon", "before": "Convention", "after": "Convention signée"},
        "due_on": {"label": "Échéance", "before": "2026-03-31", "after": "2026-04-30"},
    }
    assert entry.note == "Action « Aides au permis de conduire »"


def test_edit_can_unmark_a_milestone_marked_done_by_mistake(milestone, prefecture_agent):
    done = timezone.localdate() - timedelta(days=2)
    milestone_update(milestone=milestone, user=prefecture_agent, done_on=done)
    milestone_edit(
        milestone=milestone,
        user=prefecture_agent,
        values=MilestoneValues(label="Convention", due_on=DUE, done_on=None),
        loaded=MilestoneValues(label="Convention", due_on=DUE, done_on=done),
    )
    milestone.refresh_from_db()
    assert milestone.done_on is None
    change = audit_for(objects=[milestone]).first().changes
    assert change == {"done_on": {"label": "Réalisé le", "before": done.isoformat(), "after": None}}


def test_edit_without_change_writes_no_audit_entry(milestone, prefecture_agent):
    before = AuditEntry.objects.count()
    values = MilestoneValues.of(milestone)
    milestone_edit(milestone=milestone, user=prefecture_agent, values=values, loaded=values)
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    ("label", "done_days", "field", "message"),
    [
        ("   ", None, "label", "L'intitulé du jalon est obligatoire."),
        ("x" * 251, None, "label", "L'intitulé du jalon compte 250 caractères au plus."),
        ("Convention", 1, "done_on", "La date de réalisation ne peut pas être future."),
    ],
)
def test_invalid_edit_is_refused_in_french_and_nothing_is_written(
    milestone, prefecture_agent, label, done_days, field, message
):
    done_on = timezone.localdate() + timedelta(days=done_days) if done_days else None
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        milestone_edit(
            milestone=milestone,
            user=prefecture_agent,
            values=MilestoneValues(label=label, due_on=DUE, done_on=done_on),
            loaded=MilestoneValues.of(milestone),
        )
    assert refused.value.message_dict == {field: [message]}
    milestone.refresh_from_db()
    assert (milestone.label, milestone.done_on) == ("Convention", None)
    assert AuditEntry.objects.count() == before


def test_stale_edit_is_refused_with_what_changed_and_who_changed_it(
    milestone, prefecture_agent, colleague
):
    loaded = MilestoneValues.of(milestone)
    done = timezone.localdate() - timedelta(days=1)
    milestone_update(milestone=milestone, user=colleague, done_on=done)  # marked done meanwhile
    with pytest.raises(MilestoneConflict) as conflict:
        milestone_edit(
            milestone=milestone,
            user=prefecture_agent,
            values=MilestoneValues(label="Convention signée", due_on=DUE),
            loaded=loaded,
        )
    (row,) = conflict.value.rows
    assert (row.field, row.label) == ("done_on", "Réalisé le")
    assert (row.theirs, row.yours) == (f"{done:%d/%m/%Y}", "non réalisé")
    assert row.by == "Alex Collègue" and row.at is not None
    assert "Conflit de modification" in str(conflict.value)
    milestone.refresh_from_db()
    assert (milestone.label, milestone.done_on) == ("Convention", done)  # nothing lost


def test_delete_is_audited_on_the_action(milestone, action, prefecture_agent):
    pk = milestone.pk
    milestone_delete(milestone=milestone, user=prefecture_agent)
    assert not Milestone.objects.filter(pk=pk).exists()
    entry = audit_for(objects=[action]).first()
    assert entry.user == prefecture_agent and entry.note == "Jalon « Convention » supprimé"
    assert entry.changes["milestone"] == {
        "label": "Jalon supprimé",
        "before": "Convention (échéance 31/03/2026)",
        "after": None,
    }


def test_a_done_milestone_cannot_be_deleted(milestone, prefecture_agent):
    milestone_update(milestone=milestone, user=prefecture_agent, done_on=timezone.localdate())
    with pytest.raises(ValidationError, match="est réalisé"):
        milestone_delete(milestone=milestone, user=prefecture_agent)
    assert Milestone.objects.filter(pk=milestone.pk).exists()


# --- Pages ---------------------------------------------------------------------------------


@pytest.fixture
def delegate_for(prefect_delegate):
    def assign(code: str) -> User:
        delegate = PrefectDelegate.objects.create(name="Délégué de test", user=prefect_delegate)
        delegate.contracts.add(Contract.objects.get(code=code))
        return prefect_delegate

    return assign


def test_action_page_links_to_the_edit_form_for_editors_only(client, milestone, prefecture_agent):
    action_url = reverse("contracts:action_detail", args=[milestone.action_id])
    edit_url = reverse("contracts:milestone_edit", args=[milestone.pk])
    assert edit_url not in client.get(action_url).content.decode()
    client.force_login(prefecture_agent)
    assert edit_url in client.get(action_url).content.decode()


def test_agent_edits_a_milestone_through_the_form(client, milestone, prefecture_agent):
    client.force_login(prefecture_agent)
    url = reverse("contracts:milestone_edit", args=[milestone.pk])
    page = client.get(url).content.decode()
    assert "Modifier le jalon" in page and 'name="loaded_due_on" value="2026-03-31"' in page
    response = client.post(url, _form(milestone, label="Convention signée", due_on="2026-05-15"))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/contrats/actions/{milestone.action_id}/#jalons")
    milestone.refresh_from_db()
    assert (milestone.label, milestone.due_on) == ("Convention signée", date(2026, 5, 15))
    html = client.get(response["Location"]).content.decode()
    assert "Jalon modifié." in html and "Convention signée" in html


def test_invalid_form_shows_french_errors(client, milestone, prefecture_agent):
    client.force_login(prefecture_agent)
    url = reverse("contracts:milestone_edit", args=[milestone.pk])
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(url, _form(milestone, label="", due_on="pas une date"))
    assert response.status_code == 400
    html = response.content.decode()
    assert escape("L’intitulé du jalon est obligatoire.") in html
    assert "Échéance invalide : saisissez une date." in html
    response = client.post(url, _form(milestone, done_on=future))
    assert response.status_code == 400
    assert "La date de réalisation ne peut pas être future." in response.content.decode()
    milestone.refresh_from_db()
    assert (milestone.label, milestone.done_on) == ("Convention", None)


def test_conflict_page_keeps_the_input_and_a_second_save_goes_through(
    client, milestone, prefecture_agent, colleague
):
    client.force_login(prefecture_agent)
    url = reverse("contracts:milestone_edit", args=[milestone.pk])
    stale = _form(milestone, label="Mon intitulé à ne pas perdre")
    milestone_edit(
        milestone=milestone,
        user=colleague,
        values=MilestoneValues(label="Convention", due_on=date(2026, 4, 15)),
        loaded=MilestoneValues.of(milestone),
    )
    response = client.post(url, stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Conflit de modification" in html and 'data-testid="conflict-table"' in html
    assert "Mon intitulé à ne pas perdre" in html and "Alex Collègue" in html
    assert 'name="loaded_due_on" value="2026-04-15"' in html
    milestone.refresh_from_db()
    assert (milestone.label, milestone.due_on) == ("Convention", date(2026, 4, 15))
    again = {**stale, "loaded_due_on": "2026-04-15"}
    assert client.post(url, again).status_code == 302
    milestone.refresh_from_db()
    assert (milestone.label, milestone.due_on) == ("Mon intitulé à ne pas perdre", DUE)


def test_delegate_edits_milestones_on_their_territory_only(client, milestone, delegate_for):
    url = reverse("contracts:milestone_edit", args=[milestone.pk])
    client.force_login(delegate_for("CN05911M"))  # MEL, not Dunkerque
    assert client.get(url).status_code == 403
    assert client.post(url, _form(milestone, label="Hors territoire")).status_code == 403
    assert client.post(reverse("contracts:milestone_delete", args=[milestone.pk])).status_code == (
        403
    )
    PrefectDelegate.objects.get().contracts.add(Contract.objects.get(code="CN05908M"))
    client.force_login(User.objects.get(username="delegue"))  # fresh territory
    assert client.post(url, _form(milestone, label="Sur mon territoire")).status_code == 302
    milestone.refresh_from_db()
    assert milestone.label == "Sur mon territoire"


def test_public_and_associations_cannot_edit_or_delete(client, milestone, association_user):
    url = reverse("contracts:milestone_edit", args=[milestone.pk])
    delete_url = reverse("contracts:milestone_delete", args=[milestone.pk])
    assert client.get(url)["Location"].startswith(reverse("login"))
    assert client.post(delete_url)["Location"].startswith(reverse("login"))
    client.force_login(association_user)
    assert client.get(url).status_code == 403
    assert client.post(delete_url).status_code == 403
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_agent_deletes_a_milestone_and_the_action_history_shows_it(
    client, milestone, prefecture_agent
):
    client.force_login(prefecture_agent)
    edit_page = client.get(reverse("contracts:milestone_edit", args=[milestone.pk])).content
    assert b'data-testid="milestone-delete"' in edit_page
    response = client.post(reverse("contracts:milestone_delete", args=[milestone.pk]), follow=True)
    html = response.content.decode()
    assert escape("Jalon « Convention » supprimé.") in html
    assert "Jalon supprimé" in html and "Convention (échéance 31/03/2026)" in html
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


def test_deleting_a_done_milestone_is_refused_with_a_message(client, milestone, prefecture_agent):
    milestone_update(milestone=milestone, user=prefecture_agent, done_on=timezone.localdate())
    client.force_login(prefecture_agent)
    response = client.post(reverse("contracts:milestone_delete", args=[milestone.pk]), follow=True)
    assert "ne peut pas être supprimé" in response.content.decode()
    assert Milestone.objects.filter(pk=milestone.pk).exists()
