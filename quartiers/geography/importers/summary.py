"""What an import did: counts, warnings, provenance (`ImportSummary`) and its ImportRun row."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction

from quartiers.geography.models import ImportRun

# French labels of the import kinds, as shown in summaries.
KIND_LABELS = {
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

DRY_RUN_NOTICE = "Simulation : rien n'a été écrit, relancez avec --apply pour enregistrer."


class ImportRefused(Exception):
    """A source that cannot be imported; the message (French) names the file, line or feature."""


@dataclass
class ImportSummary:
    kind: str
    source: str
    sha256: str = ""
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    warnings: list[str] = field(default_factory=list)
    applied: bool = False
    generation: int | None = None

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def counts(self) -> dict[str, int]:
        return {
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "removed": self.removed,
        }

    def __str__(self) -> str:
        label = KIND_LABELS.get(self.kind, self.kind)
        if self.generation:
            label += f" (géographie {self.generation})"
        lines = [
            f"{label} — source : {self.source}",
            f"  ajoutés : {self.added}, modifiés : {self.changed}, "
            f"inchangés : {self.unchanged}, supprimés : {self.removed}",
        ]
        if self.warnings:
            lines.append(f"  avertissements ({len(self.warnings)}) :")
            lines.extend(f"    - {warning}" for warning in self.warnings)
        if not self.applied:
            lines.append(f"  {DRY_RUN_NOTICE}")
        return "\n".join(lines)


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


def codes_listed(codes: list[str], *, limit: int = 20) -> str:
    """A short French list of codes: the first `limit`, then « … et N autres »."""
    shown = ", ".join(codes[:limit])
    if len(codes) > limit:
        shown += f" … et {len(codes) - limit} autres"
    return shown


@contextmanager
def import_chain(*, apply: bool) -> Iterator[list[ImportSummary]]:
    """Several imports in one transaction: the block appends their summaries (each run with
    ``apply=True`` so that later steps see earlier rows); a dry run rolls everything back and
    marks the summaries as not applied."""
    summaries: list[ImportSummary] = []
    with transaction.atomic():
        yield summaries
        if not apply:
            transaction.set_rollback(True)
    if not apply:
        for summary in summaries:
            summary.applied = False
