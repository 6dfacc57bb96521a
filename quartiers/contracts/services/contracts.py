"""Contract workflow and signatories.

Signing rule (documented in docs/contracts.md): a contract becomes « signé » only when every
signatory marked `required` has signed. By default the required signatories are the State
(the préfet) and the carrier (the EPCI or the commune that carries the contract); the other
partners (France Travail, ARS, CPAM, CAF, Département, Région, procureur, bailleurs,
Bpifrance, Banque des Territoires, communes of an EPCI contract) sign too but do not block.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from quartiers.contracts.choices import (
    CONTRACT_TRANSITIONS,
    ContractStatus,
    SignatoryCategory,
    SignatoryStatus,
    Theme,
)
from quartiers.contracts.models import Contract, ContractStatusChange, Signatory
from quartiers.core.access import Perm, access_require
from quartiers.core.audit import AuditAction, audit_diff, audit_record, audit_snapshot

CONTRACT_AUDIT_FIELDS = ("status", "signed_on", "amendment_count")
SIGNATORY_AUDIT_FIELDS = ("status", "signed_on", "required", "name")


class ContractRuleError(Exception):
    """A change refused by a contract rule; the message is French and shown as is."""


def contract_signing_missing(*, contract: Contract) -> list[Signatory]:
    """Required signatories who have not signed yet."""
    return [
        s for s in contract.signatories.all() if s.required and s.status != SignatoryStatus.SIGNED
    ]


def contract_transition(
    *, contract: Contract, to_status: str, on: date, user: Any, note: str = ""
) -> ContractStatusChange:
    """Move the contract along the workflow, dated; illegal moves are refused in French."""
    access_require(user, Perm.EDIT, contract)
    target = ContractStatus(to_status)
    current = ContractStatus(contract.status)
    if target not in CONTRACT_TRANSITIONS[current]:
        allowed = ", ".join(
            f"« {ContractStatus(s).label} »" for s in sorted(CONTRACT_TRANSITIONS[current])
        )
        raise ContractRuleError(
            f"Passage de « {current.label} » à « {target.label} » impossible pour le contrat "
            f"{contract.code}. "
            + (f"Étape suivante possible : {allowed}." if allowed else "Le contrat est clos.")
        )
    if target == ContractStatus.SIGNED:
        _signing_check(contract=contract, on=on)
    if contract.signed_on and on < contract.signed_on:
        raise ContractRuleError(
            f"La date d'effet ({on:%d/%m/%Y}) précède la signature du contrat "
            f"({contract.signed_on:%d/%m/%Y})."
        )
    with transaction.atomic():
        before = audit_snapshot(obj=contract, fields=CONTRACT_AUDIT_FIELDS)
        contract.status = target
        if target == ContractStatus.SIGNED:
            contract.signed_on = on
        if target == ContractStatus.AMENDED:
            contract.amendment_count += 1
        contract.version += 1
        contract.save(update_fields=[*CONTRACT_AUDIT_FIELDS, "version"])
        change = ContractStatusChange.objects.create(
            contract=contract,
            from_status=current,
            to_status=target,
            on=on,
            note=note,
            by=user if getattr(user, "is_authenticated", False) else None,
        )
        after = audit_snapshot(obj=contract, fields=CONTRACT_AUDIT_FIELDS)
        audit_record(
            obj=contract,
            user=user,
            action=AuditAction.TRANSITION,
            changes=audit_diff(before=before, after=after, model=Contract),
            note=f"Date d'effet : {on:%d/%m/%Y}" + (f" — {note}" if note else ""),
        )
    return change


def _signing_check(*, contract: Contract, on: date) -> None:
    signatories = list(contract.signatories.all())
    required = [s for s in signatories if s.required]
    if not required:
        raise ContractRuleError(
            f"Le contrat {contract.code} n'a aucun signataire requis : ajoutez au moins l'État "
            "et le porteur (EPCI ou commune) avant de le déclarer signé."
        )
    missing = [s for s in required if s.status != SignatoryStatus.SIGNED]
    if missing:
        names = ", ".join(str(s) for s in missing)
        raise ContractRuleError(
            f"Le contrat {contract.code} ne peut pas être déclaré signé : signature requise "
            f"manquante ({names})."
        )
    late = [s for s in required if s.signed_on and s.signed_on > on]
    if late:
        raise ContractRuleError(
            f"Date de signature du contrat ({on:%d/%m/%Y}) antérieure à celle d'un signataire "
            f"requis ({late[0]} : {late[0].signed_on:%d/%m/%Y})."
        )


def signatory_add(
    *,
    contract: Contract,
    category: str,
    name: str,
    required: bool = False,
    user: Any,
    order: int = 0,
) -> Signatory:
    SignatoryCategory(category)
    access_require(user, Perm.EDIT, contract)
    with transaction.atomic():
        signatory = Signatory.objects.create(
            contract=contract, category=category, name=name, required=required, order=order
        )
        audit_record(
            obj=signatory,
            user=user,
            action=AuditAction.CREATE,
            changes=audit_diff(
                before={},
                after=audit_snapshot(obj=signatory, fields=SIGNATORY_AUDIT_FIELDS),
                model=Signatory,
            ),
            note=f"Contrat {contract.code}",
        )
    return signatory


def signatory_status_set(
    *, signatory: Signatory, status: str, signed_on: date | None, user: Any
) -> Signatory:
    status = SignatoryStatus(status)
    access_require(user, Perm.EDIT, signatory)
    contract = signatory.contract
    if status == SignatoryStatus.SIGNED and signed_on is None:
        raise ContractRuleError(f"Indiquez la date à laquelle {signatory.name} a signé.")
    if status != SignatoryStatus.SIGNED:
        signed_on = None
        if signatory.required and contract.status != ContractStatus.PREPARATION:
            raise ContractRuleError(
                f"Le contrat {contract.code} est déjà signé : la signature requise de "
                f"{signatory.name} ne peut plus être retirée."
            )
    with transaction.atomic():
        before = audit_snapshot(obj=signatory, fields=SIGNATORY_AUDIT_FIELDS)
        signatory.status, signatory.signed_on = status, signed_on
        signatory.save(update_fields=["status", "signed_on"])
        changes = audit_diff(
            before=before,
            after=audit_snapshot(obj=signatory, fields=SIGNATORY_AUDIT_FIELDS),
            model=Signatory,
        )
        if changes:
            audit_record(
                obj=signatory,
                user=user,
                action=AuditAction.UPDATE,
                changes=changes,
                note=f"Contrat {contract.code}",
            )
    return signatory


def contract_themes_set(*, contract: Contract, themes: list[str], user: Any) -> Contract:
    access_require(user, Perm.EDIT, contract)
    cleaned = [Theme(t).value for t in themes]
    with transaction.atomic():
        before = {"themes": [Theme(t).label for t in contract.themes if t in Theme]}
        contract.themes = cleaned
        contract.save(update_fields=["themes"])
        changes = audit_diff(
            before=before, after={"themes": [Theme(t).label for t in cleaned]}, model=Contract
        )
        if changes:
            audit_record(obj=contract, user=user, action=AuditAction.UPDATE, changes=changes)
    return contract
