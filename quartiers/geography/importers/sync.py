"""Compare wanted rows with the registry and write the difference (shared by the importers).

Rows are dicts keyed by natural codes (INSEE code, SIREN); foreign keys are given by the
natural code of the parent (``"departement__insee_code": "59"``) so that a dry run can compare
them before the parent row exists, and are turned into ids only when writing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from quartiers.geography.importers.removals import protected_text
from quartiers.shared.imports import ImportRefused, ImportSummary


@dataclass(frozen=True)
class ForeignKey:
    lookup: str  # e.g. "departement__insee_code"
    attname: str  # e.g. "departement_id"
    model: type[models.Model]
    code_field: str  # e.g. "insee_code"


@dataclass
class TableDiff:
    model: type[models.Model]
    key: str
    wanted: dict[str, dict[str, Any]]
    foreign_keys: tuple[ForeignKey, ...] = ()
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def summary_fill(self, summary: ImportSummary) -> ImportSummary:
        summary.added, summary.changed = len(self.added), len(self.changed)
        summary.unchanged, summary.removed = len(self.unchanged), len(self.removed)
        summary.codes = {
            "added": sorted(self.added),
            "changed": sorted(self.changed),
            "removed": list(self.removed),
        }
        return summary


def table_diff(
    *,
    model: type[models.Model],
    key: str,
    wanted: dict[str, dict[str, Any]],
    removable: Iterable[str] = (),
    foreign_keys: tuple[ForeignKey, ...] = (),
) -> TableDiff:
    """Classify wanted rows as added / changed / unchanged; `removable` keys absent → removed."""
    names = sorted({name for row in wanted.values() for name in row})
    current = {row[key]: row for row in model.objects.values(key, *names)}
    diff = TableDiff(model=model, key=key, wanted=wanted, foreign_keys=foreign_keys)
    for code, row in wanted.items():
        if code not in current:
            diff.added.append(code)
        elif any(current[code][name] != value for name, value in row.items()):
            diff.changed.append(code)
        else:
            diff.unchanged.append(code)
    diff.removed = sorted(code for code in removable if code not in wanted and code in current)
    return diff


def table_write(diff: TableDiff) -> None:
    """Write a diff (inside the caller's transaction)."""
    model, key, fks = diff.model, diff.key, diff.foreign_keys
    id_maps = {fk.lookup: dict(fk.model.objects.values_list(fk.code_field, "id")) for fk in fks}

    def values(code: str) -> dict[str, Any]:
        row = dict(diff.wanted[code])
        for fk in fks:
            if fk.lookup in row:
                row[fk.attname] = id_maps[fk.lookup].get(row.pop(fk.lookup))
        return row

    model.objects.bulk_create([model(**{key: c, **values(c)}) for c in diff.added], batch_size=500)
    if diff.changed:
        objects = model.objects.in_bulk(diff.changed, field_name=key)
        for code in diff.changed:
            for name, value in values(code).items():
                setattr(objects[code], name, value)
        fields = sorted({name for code in diff.changed for name in values(code)})
        model.objects.bulk_update(list(objects.values()), fields, batch_size=500)
    if diff.removed:
        try:
            model.objects.filter(**{f"{key}__in": diff.removed}).delete()
        except models.ProtectedError as exc:
            what = str(model._meta.verbose_name_plural)
            raise ImportRefused(protected_text(exc, diff.removed, what)) from exc
