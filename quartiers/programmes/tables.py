"""Columns and cells of the CSV / XLSX exports (French headers, plain values)."""

from __future__ import annotations

from datetime import date

from quartiers.programmes.choices import NOT_PROVIDED
from quartiers.programmes.models import Dispositif
from quartiers.programmes.selectors import MeasureRow

MEASURE_COLUMNS = [
    "programme",
    "code",
    "mesure",
    "thématique",
    "périmètre",
    "responsable",
    "unité",
    "valeur de départ",
    "date de départ",
    "objectif",
    "échéance",
    "échéance (libellé)",
    "dernière valeur",
    "date de la dernière valeur",
    "statut",
    "motif du statut",
    "source",
]

DISPOSITIF_COLUMNS = [
    "type",
    "nom",
    "code INSEE",
    "commune",
    "QPV",
    "contrats",
    "début",
    "fin",
    "actif aujourd'hui",
]


def measure_cells(*, row: MeasureRow) -> list[object]:
    m, latest = row.measure, row.latest
    return [
        m.programme.name,
        m.code,
        m.label,
        m.get_theme_display(),
        m.scope_label,
        m.responsible_body or NOT_PROVIDED,
        m.unit,
        m.baseline_value,
        m.baseline_date,
        row.target,
        m.deadline,
        m.deadline_label,
        latest.value if latest else None,
        latest.on if latest else None,
        row.result.label,
        row.result.reason,
        m.source,
    ]


def dispositif_cells(*, dispositif: Dispositif, today: date) -> list[object]:
    return [
        dispositif.get_kind_display(),
        dispositif.name,
        dispositif.commune.insee_code,
        dispositif.commune.name,
        "|".join(q.code for q in dispositif.qpvs.all()),
        "|".join(dispositif.contract_codes),
        dispositif.start_date,
        dispositif.end_date,
        dispositif.is_active_on(today),
    ]
