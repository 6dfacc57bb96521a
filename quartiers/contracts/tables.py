"""Columns and rows of the contract and action exports (CSV / XLSX)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from quartiers.contracts.models import Action, Contract

CONTRACT_COLUMNS = [
    "Code",
    "Génération",
    "Nom",
    "Type de porteur",
    "Code du porteur",
    "Porteur (référentiel)",
    "Statut",
    "Date de signature",
    "Date au calendrier",
    "Nombre de QPV",
    "QPV au rattachement incertain",
    "Actions prioritaires",
    "Thématiques",
]
ACTION_COLUMNS = [
    "Contrat",
    "Intitulé",
    "Prioritaire",
    "Thématique",
    "QPV",
    "Chef de projet",
    "Organisme",
    "Courriel",
    "Budget (€)",
    "Statut",
    "Avancement (%)",
    "Jalons",
    "Jalons en retard",
    "Prochaine échéance",
    "Exemple du dossier de presse",
]


def contract_rows(contracts: Iterable[Contract]) -> Iterator[list[object]]:
    for c in contracts:
        carrier = c.carrier
        yield [
            c.code,
            c.generation,
            c.name,
            c.get_carrier_kind_display(),
            c.carrier_code,
            carrier.name if carrier else "",
            c.get_status_display(),
            c.signed_on,
            c.signing_planned_on,
            c.qpv_count,
            c.uncertain_count,
            c.priority_count,
            [label for _, label, _ in c.theme_labels],
        ]


def action_rows(actions: Iterable[Action], *, today) -> Iterator[list[object]]:
    for a in actions:
        milestones = list(a.milestones.all())
        open_ = [m for m in milestones if m.done_on is None]
        yield [
            a.contract.code,
            a.title,
            a.is_priority,
            a.get_theme_display(),
            [q.code for q in a.qpvs.all()],
            a.lead_name,
            a.lead_organisation,
            a.lead_email,
            a.budget,
            a.get_status_display(),
            a.progress,
            len(milestones),
            sum(1 for m in open_ if m.due_on < today),
            min((m.due_on for m in open_), default=None),
            a.is_example,
        ]
