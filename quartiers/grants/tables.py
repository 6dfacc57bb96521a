"""Columns and rows of the funding exports (CSV / XLSX): plain values, amounts as Decimal."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from quartiers.grants.models import Agreement, Application, Association, CallForProjects
from quartiers.grants.selectors import MoneyTable, TargetingRow

APPLICATION_COLUMNS = [
    "Numéro",
    "Numéro Dauphin",
    "Année",
    "Contrat",
    "Association",
    "SIRET",
    "Intitulé de l'action",
    "Thématique",
    "Crédits",
    "Statut",
    "Montant demandé (€)",
    "Montant accordé (€)",
    "Payé (€)",
    "QPV concernés",
    "Bénéficiaires localisés",
    "Bénéficiaires en QPV",
]


def application_rows(applications: Iterable[Application]) -> Iterator[Sequence[object]]:
    for a in applications:
        yield [
            a.reference,
            a.dauphin_number,
            a.call.year,
            a.call.contract.code,
            a.association.name,
            a.association.siret,
            a.action_title,
            a.get_theme_display(),
            a.get_fund_display(),
            a.get_status_display(),
            a.amount_requested,
            a.amount_granted,
            a.amount_paid,
            [q.code for q in a.qpvs.all()],
            a.beneficiaries_total,
            a.beneficiaries_in_qpv,
        ]


ASSOCIATION_COLUMNS = [
    "Association",
    "SIRET",
    "SIREN",
    "RNA",
    "Adresse",
    "Code postal",
    "Commune",
    "Localisation",
    "QPV du siège",
    "Demandes",
    "Démonstration",
]


def association_rows(associations: Iterable[Association]) -> Iterator[Sequence[object]]:
    for a in associations:
        yield [
            a.name,
            a.siret,
            a.siren,
            a.rna_number,
            a.address,
            a.postcode,
            a.city,
            a.get_qpv_location_display(),
            a.qpv.code if a.qpv else "",
            a.applications.count(),
            a.is_demo,
        ]


CALL_COLUMNS = [
    "Année",
    "Contrat",
    "Intitulé",
    "Ouverture",
    "Pré-dossiers avant le",
    "Clôture",
    "Comités",
    "Thématiques prioritaires",
]


def call_rows(calls: Iterable[CallForProjects]) -> Iterator[Sequence[object]]:
    for c in calls:
        yield [
            c.year,
            c.contract.code,
            c.title,
            c.opens_on,
            c.pre_application_deadline,
            c.closes_on,
            [m.meets_on.isoformat() for m in c.committees.all()],
            c.theme_labels,
        ]


AGREEMENT_COLUMNS = [
    "Référence",
    "Acte",
    "Association",
    "Première année",
    "Dernière année",
    "Signé le",
    "Tranches (€)",
]


def agreement_rows(agreements: Iterable[Agreement]) -> Iterator[Sequence[object]]:
    for g in agreements:
        yield [
            g.reference,
            g.get_kind_display(),
            g.association.name,
            g.first_year,
            g.last_year,
            g.signed_on,
            [f"{t.year} : {t.planned_amount}" for t in g.tranches.all()],
        ]


MONEY_COLUMNS = [
    "Regroupement",
    "Dossiers",
    "Enveloppe (€)",
    "Programmé (€)",
    "Engagé (€)",
    "Payé (€)",
    "Reste (€)",
]


def money_rows(table: MoneyTable) -> Iterator[Sequence[object]]:
    for r in [*table.rows, table.total]:
        yield [r.label, r.count, r.envelope, r.programmed, r.committed, r.paid, r.remaining]


REPORT_COLUMNS = [
    "Numéro",
    "Association",
    "Année",
    "Montant accordé (€)",
    "Bilan attendu le",
    "Statut",
    "En retard",
]


def report_rows(
    applications: Iterable[Application], late_ids: set[int]
) -> Iterator[Sequence[object]]:
    for a in applications:
        yield [
            a.reference,
            a.association.name,
            a.call.year,
            a.amount_granted,
            a.report_due_on,
            a.get_status_display(),
            a.pk in late_ids,
        ]


TARGETING_COLUMNS = [
    "Contrat",
    "Actions mesurées",
    "Bénéficiaires localisés",
    "Dont en QPV",
    "Part en QPV (%)",
]


def targeting_rows(rows: Iterable[TargetingRow]) -> Iterator[Sequence[object]]:
    for r in rows:
        yield [r.label, r.applications, r.total, r.in_qpv, r.percent]
