"""Mission CONCERTO: commitments table (filters, exports), partner edits of its own
commitments and of the actions it leads, audit visible on the page, conflicts."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from quartiers.contracts.models import Contract
from quartiers.contracts.services import action_create
from quartiers.core.audit import audit_for
from quartiers.organisation.models import Commitment, Organisation
from quartiers.organisation.services import commitment_update


def _form(commitment: Commitment, **changes) -> dict[str, object]:
    data = {
        "organisation": commitment.organisation_id,
        "contract": commitment.contract_id,
        "theme": commitment.theme,
        "title": commitment.title,
        "target": commitment.target,
        "deadline": commitment.deadline.isoformat() if commitment.deadline else "",
        "indicator": commitment.indicator,
        "status": commitment.status,
        "progress": commitment.progress,
        "version": commitment.version,
    }
    data.update(changes)
    return data


def _ft(code: str = "CN05902M") -> Commitment:
    return Commitment.objects.get(contract__code=code, organisation__code="france-travail")


def test_table_lists_the_members_commitments_with_status_and_progress_filters(
    client, organisation_demo, prefecture_agent
):
    commitment = _ft()
    commitment_update(
        commitment=commitment,
        user=prefecture_agent,
        values={"status": "in_progress", "progress": 40},
        expected_version=commitment.version,
    )
    url = reverse("organisation:commitment_list")
    assert len(client.get(url).context["commitments"]) == 78  # 6 commitments × 13 contracts
    response = client.get(url, {"statut": "in_progress"})
    assert [c.pk for c in response.context["commitments"]] == [commitment.pk]
    assert len(client.get(url, {"avancement_min": 30}).context["commitments"]) == 1
    assert len(client.get(url, {"avancement_max": 30}).context["commitments"]) == 77
    # The ARS screening truck was due in autumn 2024: past due in all 13 contracts.
    overdue = client.get(url, {"echeance_depassee": "on"}).context["commitments"]
    assert {c.organisation.acronym for c in overdue} == {"ARS"} and len(overdue) == 13


def test_exports_follow_the_filters_in_csv_and_xlsx(client, organisation_demo):
    csv = client.get(
        reverse("organisation:commitment_export", args=["csv"]), {"membre": "caf"}
    ).content.decode("utf-8-sig")
    lines = csv.strip().splitlines()
    assert lines[0].startswith("Contrat;Nom du contrat;Membre")
    assert len(lines) == 14 and all(";CAF;" in line for line in lines[1:])
    xlsx = client.get(reverse("organisation:commitment_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 79


def test_partner_edits_its_commitment_and_the_change_is_audited_on_the_page(
    client, france_travail_partner
):
    commitment = _ft()
    client.force_login(france_travail_partner)
    url = reverse("organisation:commitment_edit", args=[commitment.pk])
    response = client.post(url, _form(commitment, status="in_progress", progress=25))
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.status, commitment.progress, commitment.version) == ("in_progress", 25, 2)
    entry = audit_for(objects=[commitment]).first()
    assert entry.user == france_travail_partner
    assert entry.changes["progress"] == {"label": "avancement (%)", "before": 0, "after": 25}
    assert entry.changes["status"]["before"] == "À engager"
    html = client.get(reverse("organisation:commitment_detail", args=[commitment.pk])).content
    assert 'data-testid="audit-table"' in html.decode() and "avancement (%)" in html.decode()


def test_partner_cannot_move_its_commitment_to_another_organisation(client, france_travail_partner):
    commitment = _ft()
    client.force_login(france_travail_partner)
    caf = Organisation.objects.get(code="caf")
    response = client.post(
        reverse("organisation:commitment_edit", args=[commitment.pk]),
        _form(commitment, organisation=caf.pk),
    )
    assert response.status_code == 400
    commitment.refresh_from_db()
    assert commitment.organisation.code == "france-travail"
    # Nor edit the CAF's commitment.
    other = Commitment.objects.get(contract__code="CN05902M", organisation=caf)
    url = reverse("organisation:commitment_edit", args=[other.pk])
    assert client.post(url, _form(other, progress=90)).status_code == 403
    other.refresh_from_db()
    assert other.progress == 0


def test_stale_commitment_save_is_refused_and_nothing_is_lost(
    client, france_travail_partner, prefecture_agent
):
    commitment = _ft()
    loaded = _form(commitment, progress=60, target="Ma cible à ne pas perdre")
    commitment_update(
        commitment=commitment,
        user=prefecture_agent,
        values={"progress": 30},
        expected_version=commitment.version,
    )
    client.force_login(france_travail_partner)
    url = reverse("organisation:commitment_edit", args=[commitment.pk])
    response = client.post(url, loaded)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Conflit de modification" in html and "Ma cible à ne pas perdre" in html
    assert 'name="version" value="2"' in html
    commitment.refresh_from_db()
    assert commitment.progress == 30  # the first save is kept
    again = {**loaded, "version": 2}
    assert client.post(url, again).status_code == 302
    commitment.refresh_from_db()
    assert (commitment.progress, commitment.target, commitment.version) == (
        60,
        "Ma cible à ne pas perdre",
        3,
    )


def test_partner_edits_the_action_it_leads_only_in_contracts_it_signs(
    client, france_travail_partner, prefecture_agent
):
    france_travail = france_travail_partner.partner_organisation
    led = action_create(
        contract=Contract.objects.get(code="CN05902M"),
        user=prefecture_agent,
        values={"title": "Job dating (test)", "theme": "emploi", "lead_partner": france_travail},
    )
    other = action_create(
        contract=Contract.objects.get(code="CN05902M"),
        user=prefecture_agent,
        values={"title": "Autre pilote (test)", "theme": "emploi"},
    )
    client.force_login(france_travail_partner)
    note = {"written_on": "2026-06-01", "text": "Point d'étape avec l'agence"}
    assert client.post(reverse("contracts:note_add", args=[led.pk]), note).status_code == 302
    assert led.notes.count() == 1
    assert client.post(reverse("contracts:note_add", args=[other.pk]), note).status_code == 403
    assert other.notes.count() == 0
