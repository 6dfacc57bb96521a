"""Shared plumbing of the import_* commands: --apply flag, French summary, refusals."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quartiers.geography.importers import ImportRefused, ImportSummary
from quartiers.shared.imports import DRY_RUN_NOTICE


class ImportCommand(BaseCommand):
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--apply",
            action="store_true",
            help="Écrire dans la base (par défaut : simulation, rien n'est écrit).",
        )

    def summaries_print(
        self, run: Callable[[], ImportSummary | Iterable[ImportSummary]], *, apply: bool
    ) -> None:
        try:
            result = run()
        except ImportRefused as exc:
            raise CommandError(f"Import refusé : {exc}") from exc
        summaries = [result] if isinstance(result, ImportSummary) else list(result)
        for summary in summaries:
            text = str(summary).replace(f"\n  {DRY_RUN_NOTICE}", "")
            self.stdout.write(text)
        if apply:
            self.stdout.write(self.style.SUCCESS("Import enregistré."))
        else:
            self.stdout.write(self.style.WARNING(DRY_RUN_NOTICE))
