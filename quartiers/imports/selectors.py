"""The history of imports (ImportRun rows, newest first) and its export rows."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db.models import QuerySet
from django.utils import timezone

from quartiers.geography.models import ImportRun
from quartiers.shared.imports import KIND_LABELS

HISTORY_COLUMNS = [
    "Date",
    "Type",
    "Source",
    "Empreinte SHA-256",
    "Géographie",
    "Ajoutés",
    "Modifiés",
    "Inchangés",
    "Supprimés",
    "Avertissements",
    "Appliqué par",
]


def import_runs() -> QuerySet[ImportRun]:
    return ImportRun.objects.select_related("user").order_by("-started_at", "-pk")


def kind_label(run: ImportRun) -> str:
    return KIND_LABELS.get(run.kind, run.kind)


def applied_by(run: ImportRun) -> str:
    if run.user is None:
        return "commande ou démonstration"
    return run.user.get_full_name() or run.user.get_username()


def history_rows(runs: QuerySet[ImportRun]) -> Iterator[Sequence[object]]:
    for run in runs:
        counts = run.counts or {}
        yield [
            timezone.localtime(run.started_at).replace(tzinfo=None),  # XLSX: no time zone
            kind_label(run),
            run.source,
            run.sha256,
            run.generation,
            counts.get("added", 0),
            counts.get("changed", 0),
            counts.get("unchanged", 0),
            counts.get("removed", 0),
            len(run.warnings or []),
            applied_by(run),
        ]
