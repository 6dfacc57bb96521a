"""The geography's import kinds and the `ImportRun` provenance row of an applied import.

`ImportSummary` and `ImportRefused` live in the shared layer (`quartiers.shared.imports`)."""

from __future__ import annotations

from quartiers.geography.models import ImportRun
from quartiers.shared.imports import ImportSummary, kind_labels_register

kind_labels_register(
    {
        "qpv": "Contours des QPV",
        "departements": "Départements",
        "arrondissements": "Arrondissements",
        "epci": "EPCI",
        "communes": "Communes",
        "contours_departements": "Contours des départements",
        "contours_arrondissements": "Contours des arrondissements",
        "contours_communes": "Contours des communes",
        "qpv_attributes": "Attributs des QPV",
    }
)


def import_run_record(*, summary: ImportSummary) -> ImportRun:
    """Write the provenance row of an applied import (never called on a dry run)."""
    summary.applied = True
    return ImportRun.objects.create(
        kind=summary.kind,
        source=summary.source,
        sha256=summary.sha256,
        applied=True,
        generation=summary.generation,
        counts=summary.counts(),
        warnings=summary.warnings,
    )
