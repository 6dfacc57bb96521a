"""Rules of the contracts: workflow, signing, at most 3 priority actions, audit trail."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from quartiers.contracts.choices import ContractStatus, SignatoryStatus
from quartiers.contracts.models import Action, Contract
from quartiers.contracts.services import (
    ContractRuleError,
    PriorityLimitError,
    action_create,
    action_update,
    contract_transition,
    milestone_add,
    milestone_update,
    signatory_status_set,
)
from quartiers.core.audit import AuditEntry, audit_for


def _action(contract: Contract, user, title: str, priority: bool = True) -> Action:
    return action_create(
        contract=contract,
        user=user,
        values={
            "title": title,
            "theme": "emploi",
            "is_priority": priority,
            "lead_name": "Chef de projet (démo)",
            "budget": Decimal("1000.00"),
        },
    )


def test_unsigned_required_signatory_blocks_signing(demo, prefecture_agent):
    contract = Contract.objects.get(code="CN05903M")  # no date in the press kit
    with pytest.raises(ContractRuleError, match=r"signature requise manquante.*Préfet du Nord"):
        contract_transition(
            contract=contract, to_status="signed", on=date(2024, 6, 1), user=prefecture_agent
        )
    contract.refresh_from_db()
    assert contract.status == ContractStatus.PREPARATION


def test_contract_is_signed_once_state_and_carrier_have_signed(demo, prefecture_agent):
    contract = Contract.objects.get(code="CN05903M")
    for signatory in contract.signatories.filter(required=True):
        signatory_status_set(
            signatory=signatory, status="signed", signed_on=date(2024, 6, 1), user=prefecture_agent
        )
    # Optional partners (France Travail…) have not signed: it does not block.
    assert contract.signatories.filter(required=False, status="pending").exists()
    contract_transition(
        contract=contract, to_status="signed", on=date(2024, 6, 3), user=prefecture_agent
    )
    contract.refresh_from_db()
    assert (contract.status, contract.signed_on) == (ContractStatus.SIGNED, date(2024, 6, 3))


def test_workflow_allows_amendments_then_evaluation_and_refuses_going_back(demo, prefecture_agent):
    contract = Contract.objects.get(code="CN05911M")  # signed on 16 May 2024
    with pytest.raises(ContractRuleError, match="« Signé » à « En préparation » impossible"):
        contract_transition(
            contract=contract, to_status="preparation", on=date(2025, 1, 1), user=prefecture_agent
        )
    contract_transition(
        contract=contract,
        to_status="amended",
        on=date(2025, 1, 10),
        user=prefecture_agent,
        note="Avenant n° 1",
    )
    contract_transition(
        contract=contract,
        to_status="amended",
        on=date(2025, 9, 1),
        user=prefecture_agent,
        note="Avenant n° 2",
    )
    contract_transition(
        contract=contract, to_status="evaluated", on=date(2026, 6, 1), user=prefecture_agent
    )
    contract.refresh_from_db()
    assert contract.amendment_count == 2
    assert [t.to_status for t in contract.transitions.all()] == [
        "signed",
        "amended",
        "amended",
        "evaluated",
    ]
    with pytest.raises(ContractRuleError, match="Le contrat est clos"):
        contract_transition(
            contract=contract, to_status="amended", on=date(2026, 7, 1), user=prefecture_agent
        )


def test_amendment_cannot_predate_the_signature(demo, prefecture_agent):
    contract = Contract.objects.get(code="CN05911M")
    with pytest.raises(ContractRuleError, match="précède la signature"):
        contract_transition(
            contract=contract, to_status="amended", on=date(2024, 1, 1), user=prefecture_agent
        )


def test_required_signature_cannot_be_withdrawn_from_a_signed_contract(demo, prefecture_agent):
    state = Contract.objects.get(code="CN05911M").signatories.get(category="etat")
    with pytest.raises(ContractRuleError, match="ne peut plus être retirée"):
        signatory_status_set(
            signatory=state, status=SignatoryStatus.PENDING, signed_on=None, user=prefecture_agent
        )


def test_fourth_priority_action_is_refused_with_a_clear_message(demo, prefecture_agent):
    contract = Contract.objects.get(code="CN05901I")
    for n in (1, 2, 3):
        _action(contract, prefecture_agent, f"Action prioritaire {n}")
    with pytest.raises(PriorityLimitError) as refused:
        _action(contract, prefecture_agent, "Quatrième")
    message = str(refused.value)
    assert "compte déjà 3 actions prioritaires" in message
    assert "« Action prioritaire 1 »" in message and "action ordinaire" in message
    # An ordinary action is still welcome.
    _action(contract, prefecture_agent, "Action ordinaire", priority=False)
    assert contract.actions.filter(is_priority=True).count() == 3


def test_database_also_refuses_a_fourth_priority_rank(demo, prefecture_agent):
    contract = Contract.objects.get(code="CN05901I")
    for n in (1, 2, 3):
        _action(contract, prefecture_agent, f"P{n}")
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(
            contract=contract,
            title="Contournement",
            theme="sante",
            is_priority=True,
            priority_rank=4,
            lead_name="Camille Cheffe",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(
            contract=contract,
            title="Doublon",
            theme="sante",
            is_priority=True,
            priority_rank=2,
            lead_name="Camille Cheffe",
        )


def test_every_change_is_audited_with_before_and_after(demo, prefecture_agent):
    contract = Contract.objects.get(code="CN05903M")
    state = contract.signatories.get(category="etat")
    signatory_status_set(
        signatory=state, status="signed", signed_on=date(2024, 6, 1), user=prefecture_agent
    )
    entry = audit_for(objects=[state]).first()
    assert entry.user == prefecture_agent
    assert entry.changes["status"] == {"label": "statut", "before": "À signer", "after": "Signé"}
    assert entry.changes["signed_on"]["after"] == "2024-06-01"

    action = _action(contract, prefecture_agent, "Permis de conduire pour les jeunes")
    milestone = milestone_add(
        action=action, user=prefecture_agent, label="Convention", due_on=date(2026, 1, 15)
    )
    milestone_update(milestone=milestone, user=prefecture_agent, done_on=date(2026, 1, 20))
    entries = list(audit_for(objects=[action, milestone]))
    assert [e.action for e in entries][:1] == ["update"]
    done = entries[0].changes["done_on"]
    assert (done["before"], done["after"]) == (None, "2026-01-20")
    created = audit_for(objects=[action]).get()
    assert created.changes["title"]["after"] == "Permis de conduire pour les jeunes"
    assert created.changes["budget"]["after"] == "1000.00"


def test_transition_is_audited(demo, prefecture_agent):
    contract = Contract.objects.get(code="CN05911M")
    contract_transition(
        contract=contract, to_status="amended", on=date(2025, 1, 10), user=prefecture_agent
    )
    entry = AuditEntry.objects.filter(object_id=str(contract.pk), action="transition").first()
    assert entry.user == prefecture_agent
    assert entry.changes["status"]["before"] == "Signé"
    assert entry.changes["status"]["after"] == "Avenant(s) signé(s)"
    assert "10/01/2025" in entry.note


def test_promoting_an_ordinary_action_beyond_three_priorities_is_refused(demo, prefecture_agent):
    from quartiers.contracts.services import action_update

    contract = Contract.objects.get(code="CN05901I")
    for n in (1, 2, 3):
        _action(contract, prefecture_agent, f"P{n}")
    ordinary = _action(contract, prefecture_agent, "Ordinaire", priority=False)
    with pytest.raises(PriorityLimitError, match="compte déjà 3 actions prioritaires"):
        action_update(
            action=ordinary,
            user=prefecture_agent,
            values={"is_priority": True},
            expected_version=ordinary.version,
        )
    ordinary.refresh_from_db()
    assert (ordinary.is_priority, ordinary.priority_rank, ordinary.version) == (False, None, 1)


def test_reimport_after_the_demo_keeps_statuses_and_themes(demo, data_dir):
    from quartiers.contracts.importers import contracts_import_nord

    summaries = contracts_import_nord(data_dir=data_dir, apply=True)
    assert all(not s.has_changes for s in summaries)
    mel = Contract.objects.get(code="CN05911M")
    assert mel.status == ContractStatus.SIGNED and "egalite_fh" in mel.themes


def test_a_priority_action_must_name_its_chef_de_projet(demo, client, prefecture_agent):
    contract = Contract.objects.get(code="CN05908M")
    client.force_login(prefecture_agent)
    url = reverse("contracts:action_create", args=[contract.code])
    body = {
        "title": "Sans chef",
        "theme": "emploi",
        "is_priority": "on",
        "status": "to_start",
        "progress": 0,
        "lead_name": "   ",
    }
    refused = client.post(url, body)
    assert refused.status_code == 400
    assert "Une action prioritaire doit nommer son chef de projet." in refused.content.decode()
    assert not Action.objects.filter(title="Sans chef").exists()
    with pytest.raises(ValidationError, match="chef de projet"):
        action_create(
            contract=contract,
            user=prefecture_agent,
            values={"title": "Sans chef", "theme": "emploi", "is_priority": True},
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(
            contract=contract, title="Sans chef", theme="emploi", is_priority=True, priority_rank=1
        )
    assert not Action.objects.filter(title="Sans chef").exists()
    ordinary = client.post(url, {**body, "is_priority": "", "title": "Ordinaire sans chef"})
    assert ordinary.status_code == 302
    assert Action.objects.get(title="Ordinaire sans chef").lead_name == ""


def test_removing_the_chef_de_projet_of_a_priority_action_is_refused(demo, prefecture_agent):
    action = _action(Contract.objects.get(code="CN05908M"), prefecture_agent, "Prioritaire")
    with pytest.raises(ValidationError, match="chef de projet"):
        action_update(
            action=action, user=prefecture_agent, values={"lead_name": ""}, expected_version=1
        )
    action.refresh_from_db()
    assert (action.lead_name, action.version) == ("Chef de projet (démo)", 1)
