"""Preview (dry run) and apply of an official file from the import screen.

`import_preview` keeps the files in a deposit (deposits.py) and runs the kind's importer with
``apply=False`` inside a transaction that is rolled back; `import_apply` runs it again with
``apply=True`` on exactly the deposited bytes, in one transaction with the attribution of the
ImportRun rows it wrote (who applied it, the file's name or URL) and their audit entries.
Both are for the préfecture only (no access rule on ImportRun: `access_require`).

Each dry run is recorded as an `ImportPreview` (models.py) whose token the « Appliquer » form
posts. The apply claims it first, in its own short transaction, with a conditional UPDATE
(« vérifié » → « en cours ») that only one request can win, whatever the database; the import
and its attribution then run in one transaction that also marks it « appliqué ». A second apply
of the same verification — double click, replayed POST, concurrent request — finds it claimed
and raises `AlreadyApplied` without writing anything. A failed import releases its claim.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from quartiers.core.access import Perm, access_require
from quartiers.core.audit import AuditAction, audit_record
from quartiers.geography.models import ImportRun
from quartiers.imports.deposits import Deposit, deposit_create, deposit_get
from quartiers.imports.kinds import KINDS, ImportKind
from quartiers.imports.models import ImportPreview, PreviewState
from quartiers.shared.imports import KIND_LABELS, ImportRefused, ImportSummary

DENIED = "L'import des fichiers officiels est réservé aux agents de la préfecture."


UNKNOWN_PREVIEW = (
    "Cette vérification est inconnue : déposez le fichier à nouveau et relancez la vérification. "
    "Rien n'a été écrit."
)


@dataclass(frozen=True)
class Preview:
    deposit: Deposit
    summaries: list[ImportSummary]
    token: str  # what « Appliquer » posts (ImportPreview.token)


class AlreadyApplied(Exception):
    """The verification was already applied (or is being applied): nothing was written."""

    def __init__(self, preview: ImportPreview) -> None:
        super().__init__(f"Import déjà appliqué ({preview.token}).")
        self.preview = preview


def _run(kind: ImportKind, deposit: Deposit, *, apply: bool) -> list[ImportSummary]:
    try:
        summaries = kind.run(deposit.paths(), deposit.options, apply)
    except ImportRefused as exc:
        raise ImportRefused(deposit.text(str(exc))) from exc
    for summary in summaries:
        summary.source = deposit.text(summary.source)
        summary.warnings = [deposit.text(w) for w in summary.warnings]
    return summaries


def import_preview(
    *,
    user: Any,
    kind: ImportKind,
    options: dict[str, Any],
    uploads: dict[str, UploadedFile[Any]],
    urls: dict[str, str],
) -> Preview:
    """Deposit the files and dry-run the import: nothing is written to the database."""
    access_require(user, Perm.EDIT, ImportRun, DENIED)
    deposit = deposit_create(kind=kind.slug, options=options, uploads=uploads, urls=urls)
    with transaction.atomic():
        summaries = _run(kind, deposit, apply=False)
        transaction.set_rollback(True)  # whatever an importer did, a dry run keeps nothing
    preview = ImportPreview.objects.create(
        kind=kind.slug,
        deposit_key=deposit.key,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    return Preview(deposit=deposit, summaries=summaries, token=str(preview.token))


def _preview_get(token: str) -> ImportPreview:
    try:
        return ImportPreview.objects.get(token=uuid.UUID(str(token)))
    except (ValueError, ImportPreview.DoesNotExist) as exc:
        raise ImportRefused(UNKNOWN_PREVIEW) from exc


def _preview_claim(preview: ImportPreview) -> bool:
    """Whether this request won the verification: one conditional UPDATE, committed at once
    (PostgreSQL makes a concurrent one wait for it, then match no row; SQLite serialises them)."""
    with transaction.atomic():
        return bool(
            ImportPreview.objects.filter(pk=preview.pk, state=PreviewState.PREVIEWED).update(
                state=PreviewState.APPLYING
            )
        )


def import_apply(*, user: Any, token: str) -> list[ImportRun]:
    """Apply the verification `token` on exactly the previewed files, atomically and once; the
    ImportRun rows written. AlreadyApplied when it was applied (or is being applied) already."""
    access_require(user, Perm.EDIT, ImportRun, DENIED)
    preview = _preview_get(token)
    if preview.state != PreviewState.PREVIEWED:
        raise AlreadyApplied(preview)
    deposit = deposit_get(key=preview.deposit_key)
    kind = KINDS.get(deposit.kind)
    if kind is None:
        raise ImportRefused(f"Type d'import « {deposit.kind} » inconnu.")
    if not _preview_claim(preview):
        preview.refresh_from_db()
        raise AlreadyApplied(preview)
    try:
        runs = _apply(kind, deposit, user, preview)
    except BaseException:
        ImportPreview.objects.filter(pk=preview.pk, state=PreviewState.APPLYING).update(
            state=PreviewState.PREVIEWED
        )
        raise
    return runs


def _apply(
    kind: ImportKind, deposit: Deposit, user: Any, preview: ImportPreview
) -> list[ImportRun]:
    fingerprints = {f.sha256 for f in deposit.files}
    with transaction.atomic():
        # The importers write their ImportRun rows themselves (commands call them too): the
        # rows of this apply are the new ones of this transaction with these fingerprints.
        before = ImportRun.objects.aggregate(last=Max("pk"))["last"] or 0
        _run(kind, deposit, apply=True)
        runs = list(
            ImportRun.objects.filter(pk__gt=before, user=None, sha256__in=fingerprints).order_by(
                "pk"
            )
        )
        for run in runs:
            run.user = user if getattr(user, "is_authenticated", False) else None
            run.source = deposit.text(run.source)
            run.save(update_fields=["user", "source"])
            _audit(run, user)
        preview.runs.set(runs)
        preview.state, preview.applied_at = PreviewState.APPLIED, timezone.now()
        preview.save(update_fields=["state", "applied_at"])
    return runs


def _audit(run: ImportRun, user: Any) -> None:
    counts = run.counts or {}
    after = {
        "kind": KIND_LABELS.get(run.kind, run.kind),
        "source": run.source,
        "sha256": run.sha256,
        "counts": (
            f"{counts.get('added', 0)} ajoutés, {counts.get('changed', 0)} modifiés, "
            f"{counts.get('unchanged', 0)} inchangés, {counts.get('removed', 0)} supprimés"
        ),
    }
    labels = {
        "kind": "type",
        "source": "source",
        "sha256": "empreinte SHA-256",
        "counts": "décomptes",
    }
    audit_record(
        obj=run,
        user=user,
        action=AuditAction.CREATE,
        changes={
            name: {"label": labels[name], "before": None, "after": value}
            for name, value in after.items()
        },
        note="Import appliqué depuis l'écran « Importer un fichier officiel ».",
    )
