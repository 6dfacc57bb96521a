"""GET /api/contrats, /api/contrats/{code}, /api/contrats/calendrier and /api/actions on the
13 Nord contracts and the press-kit demo: QPV links, signatories without names, public
fields of actions only (no e-mail, notes or budget)."""

from __future__ import annotations

import json

import pytest

from quartiers.contracts.models import Action, Contract, ContractQPV, FollowUpNote

pytestmark = pytest.mark.django_db


def test_the_13_contracts_are_listed_with_their_qpv_counts(client, open_data):
    body = client.get("/api/contrats", {"generation": 2024}).json()
    assert body["total"] == 13 == Contract.objects.filter(generation=2024).count()
    counts = {c["code"]: c["qpv"] for c in body["resultats"]}
    for contract in Contract.objects.filter(generation=2024):
        assert counts[contract.code] == contract.qpv_links.count()
    two = client.get("/api/contrats", {"generation": 2024, "taille": 5, "page": 3}).json()
    assert two["pages"] == 3 and len(two["resultats"]) == 3


def test_contracts_are_filtered_by_commune_and_qpv(client, open_data):
    link = ContractQPV.objects.filter(contract__generation=2024).select_related("qpv").first()
    body = client.get("/api/contrats", {"qpv": link.qpv.code}).json()
    assert link.contract.code in {c["code"] for c in body["resultats"]}
    assert client.get("/api/contrats", {"departement": "75"}).json()["total"] == 0


def test_a_contract_shows_its_qpv_links_and_signatory_categories_without_names(client, open_data):
    contract = Contract.objects.get(code="CN05902M")
    body = client.get("/api/contrats/CN05902M").json()
    links = {q["code"]: q["rattachement"] for q in body["qpv_rattaches"]}
    assert links == dict(contract.qpv_links.values_list("qpv__code", "link_status"))
    assert "uncertain" in links.values()  # the 4 QPV shared with Valenciennes Métropole
    assert len(body["signataires"]) == contract.signatories.count() > 0
    assert all(
        set(s) == {"categorie", "categorie_libelle", "requis", "statut", "signe_le"}
        for s in body["signataires"]
    )
    assert "@" not in json.dumps(body)


def test_the_signing_calendar_is_chronological(client, open_data):
    body = client.get("/api/contrats/calendrier").json()
    assert len(body) == Contract.objects.filter(signing_planned_on__isnull=False).count() > 0
    assert [c["date"] for c in body] == sorted(c["date"] for c in body)


def test_actions_show_public_fields_and_never_emails_notes_or_budget(client, open_data):
    assert Action.objects.exclude(lead_email="").exists()
    assert FollowUpNote.objects.exists()
    body = client.get("/api/actions", {"taille": 500}).json()
    assert body["total"] == Action.objects.count() > 0
    text = json.dumps(body, ensure_ascii=False)
    assert "@" not in text and "courriel" not in text and "email" not in text
    for email in Action.objects.exclude(lead_email="").values_list("lead_email", flat=True):
        assert email not in text
    for note in FollowUpNote.objects.values_list("text", flat=True):
        assert note not in text
    assert "Camille Exemple" not in text and "125000" not in text
    assert not {"budget", "notes", "chef_de_projet", "lead_email"} & set(body["resultats"][0])


def test_actions_are_filtered_by_contract_priority_and_theme(client, open_data):
    action = Action.objects.filter(is_priority=True).prefetch_related("milestones").first()
    code = action.contract.code
    body = client.get("/api/actions", {"contrat": code, "prioritaire": "true"}).json()
    assert body["total"] == Action.objects.filter(contract__code=code, is_priority=True).count()
    assert [a["rang"] for a in body["resultats"]] == sorted(a["rang"] for a in body["resultats"])
    themed = client.get("/api/actions", {"theme": action.theme}).json()
    assert themed["total"] == Action.objects.filter(theme=action.theme).count()
    one = client.get(f"/api/actions/{action.pk}").json()
    assert [j["echeance"] for j in one["jalons"]] == [
        m.due_on.isoformat() for m in action.milestones.all()
    ]


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/api/contrats/CN99999M", 404, "Contrat « CN99999M » inconnu."),
        ("/api/actions/999999", 404, "Action « 999999 » inconnue."),
        ("/api/actions/0", 404, "Action « 0 » inconnue."),
        ("/api/actions?theme=cuisine", 422, "« theme » : valeur invalide"),
    ],
)
def test_bad_contract_requests_get_french_messages(client, open_data, url, status, words):
    response = client.get(url)
    assert response.status_code == status and words in response.json()["detail"]
