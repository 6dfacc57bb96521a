"""What an import did (`ImportSummary`: counts, warnings, provenance) and why one was refused
(`ImportRefused`). Each app registers the French labels of its import kinds
(`kind_labels_register`, from its importers); the `ImportRun` row is the geography's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction

# French labels of the import kinds, as shown in summaries (filled by each importer).
KIND_LABELS: dict[str, str] = {}


def kind_labels_register(labels: dict[str, str]) -> None:
    KIND_LABELS.update(labels)


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
    # The codes concerned, per outcome ("added", "changed", "removed"), when the importer
    # knows them (registry rows: INSEE codes, SIREN, QPV codes; dispositifs: their names).
    codes: dict[str, list[str]] = field(default_factory=dict)

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
