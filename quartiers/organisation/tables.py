"""Columns and rows of the CONCERTO commitments export (CSV / XLSX)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from quartiers.organisation.models import Commitment

COMMITMENT_COLUMNS = [
    "Contrat",
    "Nom du contrat",
    "Membre",
    "Nature",
    "Thématique",
    "Engagement",
    "Cible",
    "Échéance",
    "Indicateur de suivi",
    "Statut",
    "Avancement (%)",
    "Échéance dépassée",
    "Donnée de démonstration",
]


def commitment_rows(commitments: Iterable[Commitment], *, today: date) -> Iterator[list[object]]:
    for c in commitments:
        yield [
            c.contract.code,
            c.contract.name,
            c.organisation.acronym,
            c.organisation.get_kind_display(),
            c.get_theme_display(),
            c.title,
            c.target,
            c.deadline,
            c.indicator,
            c.get_status_display(),
            c.progress,
            c.is_overdue(today),
            c.is_demo,
        ]
