"""Contract pages, exports, uploads and who may edit (the full matrix of rights by role and
territory is tests/core/test_permission_matrix.py)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from openpyxl import load_workbook

from quartiers.contracts.models import Action, Contract, ContractDocument, Milestone
from quartiers.core.audit import audit_for

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_contract_list_shows_carriers_status_and_shared_flags(demo, client):
    response = client.get(reverse("contracts:contract_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<th scope="row">CN059') == 13
    assert html.count('data-testid="shared-flag"') == 2  # Porte du Hainaut, Valenciennes
    assert "Métropole Européenne de Lille" in html and "16 mai 2024" in html


def test_history_list_shows_the_2015_contracts(demo, client):
    response = client.get(reverse("contracts:contract_list") + "?generation=2015")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<th scope="row">CV') == 13
    assert "absent du référentiel actuel" in html  # MEL and Cambrai's old SIRENs


def test_contract_page_flags_uncertain_qpv_and_lists_signatories(demo, client, prefecture_agent):
    client.force_login(prefecture_agent)  # the audit trail is internal (docs/roles.md)
    response = client.get(reverse("contracts:contract_detail", args=["CN05902M"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("rattachement incertain (2 contrats possibles)") == 4
    assert "Valenciennes Métropole" in html
    assert "Préfet du Nord" in html and "Signé" in html
    assert "« Parenthèse et Parenthèse+ » (Denain)" in html
    assert "exemple du dossier de presse" in html
    assert "Égalité entre les femmes et les hommes (transversale)" in html
    assert 'data-testid="audit-table"' in html


def test_commune_carried_contract_links_its_previous_epci_contract(demo, client):
    html = client.get(reverse("contracts:contract_detail", args=["CN05905M"])).content.decode()
    assert "CV197" in html  # CC du Caudrésis et du Catésis, 2015–2023


@pytest.mark.parametrize(
    "name,args",
    [
        ("contracts:contract_detail", ["CN05999Z"]),
        ("contracts:action_detail", [999999]),
        ("contracts:contract_export", ["pdf"]),
        ("contracts:document_download", ["CN05901I", 999999]),
    ],
)
def test_unknown_objects_are_404(demo, client, name, args):
    assert client.get(reverse(name, args=args)).status_code == 404


def test_action_page_and_follow_up_dashboard_render(demo, client, prefecture_agent):
    client.force_login(prefecture_agent)  # the dashboard is internal (docs/roles.md)
    action = Action.objects.get(title__contains="Parenthèse")
    response = client.get(reverse("contracts:action_detail", args=[action.pk]))
    assert response.status_code == 200
    assert 'data-testid="example-badge"' in response.content.decode()
    dashboard = client.get(reverse("contracts:follow_up")).content.decode()
    assert "Aucune action prioritaire n’est encore désignée" in dashboard
    everything = client.get(reverse("contracts:follow_up") + "?toutes=on").content.decode()
    assert 'data-testid="gantt"' in everything
    assert everything.count('class="q-gantt__row"') == 6  # the ECHO example has no milestone


def test_follow_up_filters_by_contract_theme_and_lead(demo, client, prefecture_agent):
    client.force_login(prefecture_agent)
    url = reverse("contracts:follow_up")
    by_contract = client.get(url, {"toutes": "on", "contract": "CN05911M"}).context["actions"]
    assert len(by_contract) == 5
    by_theme = client.get(url, {"toutes": "on", "theme": "sante"}).context["actions"]
    assert [a.title for a in by_theme] == ["Réseau des médiateurs-santé de Roubaix"]
    by_lead = client.get(url, {"toutes": "on", "lead": "PEP 59"}).context["actions"]
    assert len(by_lead) == 1


def test_late_and_upcoming_milestones_on_the_dashboard(demo, client, prefecture_agent):
    client.force_login(prefecture_agent)
    today = timezone.localdate()
    action = Action.objects.get(title__contains="Parenthèse")
    Milestone.objects.create(action=action, label="Jalon en retard", due_on=today - timedelta(3))
    Milestone.objects.create(action=action, label="Jalon bientôt", due_on=today + timedelta(5))
    Milestone.objects.create(action=action, label="Jalon lointain", due_on=today + timedelta(90))
    response = client.get(reverse("contracts:follow_up"), {"toutes": "on"})
    late = [m.label for m in response.context["late"]]
    upcoming = [m.label for m in response.context["upcoming"]]
    assert "Jalon en retard" in late and "Jalon bientôt" in upcoming
    assert "Jalon lointain" not in late + upcoming


def test_contract_exports_csv_and_xlsx(demo, client):
    response = client.get(reverse("contracts:contract_export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Code", "Génération", "Nom"]
    assert len(rows) == 14
    mel = next(r for r in rows if r[0] == "CN05911M")
    assert mel[6] == "Signé" and mel[7] == "2024-05-16" and mel[9] == "26"
    xlsx = client.get(reverse("contracts:contract_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 14
    assert sheet["A1"].value == "Code"


def test_action_exports_follow_the_filters(demo, client, prefecture_agent):
    client.force_login(prefecture_agent)  # the leads' e-mails are personal data
    response = client.get(
        reverse("contracts:action_export", args=["csv"]), {"toutes": "on", "contract": "CN05911M"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 6 and {r[0] for r in rows[1:]} == {"CN05911M"}
    xlsx = client.get(reverse("contracts:action_export", args=["xlsx"]), {"toutes": "on"})
    assert load_workbook(io.BytesIO(xlsx.content)).active.max_row == 8


@pytest.mark.parametrize(
    "persona,expected",
    [
        ("prefecture_agent", 200),
        ("prefecture_admin", 200),
        ("prefect_delegate", 403),
        ("partner", 403),
        ("association_user", 403),
    ],
)
def test_only_prefecture_staff_may_open_the_edit_form(demo, client, request, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    action = Action.objects.get(title__contains="Parenthèse")
    assert client.get(reverse("contracts:action_edit", args=[action.pk])).status_code == expected


def test_anonymous_visitor_reads_but_is_sent_to_login_to_edit(demo, client):
    action = Action.objects.get(title__contains="Parenthèse")
    assert client.get(reverse("contracts:action_detail", args=[action.pk])).status_code == 200
    response = client.get(reverse("contracts:action_edit", args=[action.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    response = client.post(
        reverse("contracts:transition", args=["CN05903M"]),
        {"to_status": "signed", "on": "2024-06-01"},
    )
    assert response.status_code == 302
    assert Contract.objects.get(code="CN05903M").status == "preparation"


def test_agent_marks_a_milestone_done_and_it_is_audited(demo, client, prefecture_agent):
    client.force_login(prefecture_agent)
    milestone = Milestone.objects.filter(action__is_example=True).first()
    done = timezone.localdate().isoformat()
    response = client.post(
        reverse("contracts:milestone_done", args=[milestone.pk]), {"done_on": done}
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on.isoformat() == done
    entry = audit_for(objects=[milestone]).first()
    assert entry.user == prefecture_agent and entry.changes["done_on"]["after"] == done
    page = client.get(reverse("contracts:action_detail", args=[milestone.action_id]))
    html = page.content.decode()
    assert escape(entry.object_repr) in html and escape("Réalisé le") in html


def test_signing_through_the_page_respects_the_rule(demo, client, prefecture_agent):
    client.force_login(prefecture_agent)
    url = reverse("contracts:transition", args=["CN05903M"])
    response = client.post(url, {"to_status": "signed", "on": "2024-06-01"}, follow=True)
    assert "signature requise manquante" in response.content.decode()
    assert Contract.objects.get(code="CN05903M").status == "preparation"


def test_pdf_upload_is_kept_and_other_files_are_refused(
    demo, client, prefecture_agent, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.CONTRACT_DOCUMENT_MAX_BYTES = 1024
    client.force_login(prefecture_agent)
    url = reverse("contracts:document_upload", args=["CN05901I"])
    ok = client.post(
        url,
        {
            "title": "Contrat signé",
            "file": SimpleUploadedFile("contrat.pdf", PDF, "application/pdf"),
        },
        follow=True,
    )
    assert "Document enregistré" in ok.content.decode()
    document = ContractDocument.objects.get()
    assert document.size == len(PDF) and len(document.sha256) == 64
    download = client.get(reverse("contracts:document_download", args=["CN05901I", document.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF

    fake = client.post(
        url, {"file": SimpleUploadedFile("faux.pdf", b"MZ\x90\x00binaire")}, follow=True
    )
    assert "signature %PDF absente" in fake.content.decode()
    big = client.post(url, {"file": SimpleUploadedFile("gros.pdf", PDF + b"0" * 2048)}, follow=True)
    assert "Fichier trop volumineux" in big.content.decode()
    assert ContractDocument.objects.count() == 1


def test_agent_creates_priority_actions_up_to_three_through_the_form(
    demo, client, prefecture_agent
):
    client.force_login(prefecture_agent)
    url = reverse("contracts:action_create", args=["CN05908M"])
    for n in (1, 2, 3):
        response = client.post(
            url,
            {
                "title": f"Priorité {n}",
                "theme": "emploi",
                "is_priority": "on",
                "lead_name": "Camille Cheffe",
                "status": "to_start",
                "progress": 0,
            },
        )
        assert response.status_code == 302
    refused = client.post(
        url,
        {
            "title": "Priorité 4",
            "theme": "emploi",
            "is_priority": "on",
            "lead_name": "Camille Cheffe",
            "status": "to_start",
            "progress": 0,
        },
    )
    assert refused.status_code == 400
    assert "compte déjà 3 actions prioritaires" in refused.content.decode()
    dashboard = client.get(reverse("contracts:follow_up"))
    assert len(dashboard.context["actions"]) == 3


def test_agent_edits_themes_and_adds_a_signatory_with_audit(demo, client, prefecture_agent):
    client.force_login(prefecture_agent)
    contract = Contract.objects.get(code="CN05908M")
    response = client.post(
        reverse("contracts:themes", args=[contract.code]),
        {"themes": ["emploi", "egalite_fh", "discriminations"]},
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.themes == ["emploi", "egalite_fh", "discriminations"]
    entry = audit_for(objects=[contract]).first()
    assert "Santé" in entry.changes["themes"]["before"]
    assert "Santé" not in entry.changes["themes"]["after"]

    url = reverse("contracts:signatory_add", args=[contract.code])
    data = {"category": "bailleur", "name": "Bailleur social (test)"}
    client.post(url, data)
    again = client.post(url, data, follow=True)
    assert "figure déjà au contrat" in again.content.decode()
    signatory = contract.signatories.get(name="Bailleur social (test)")
    assert not signatory.required
    assert audit_for(objects=[signatory]).get().user == prefecture_agent


def test_delegate_cannot_change_themes(demo, client, prefect_delegate):
    client.force_login(prefect_delegate)
    response = client.post(reverse("contracts:themes", args=["CN05908M"]), {"themes": ["emploi"]})
    assert response.status_code == 403


def test_the_gantt_month_labels_tell_june_from_july(demo, client, prefecture_agent):
    import re

    client.force_login(prefecture_agent)
    page = client.get(reverse("contracts:follow_up") + "?toutes=on").content.decode()
    labels = re.findall(r'class="q-gantt__month"[^>]*>([^<]+)<', page)
    assert labels
    unambiguous = {
        "jan.", "fév.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
        "nov.", "déc.",
    }  # fmt: skip
    assert {label.rsplit(" ", 1)[0] for label in labels} <= unambiguous, labels
