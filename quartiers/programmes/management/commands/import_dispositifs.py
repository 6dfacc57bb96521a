"""`import_dispositifs FILE_OR_URL [--apply]`: located dispositifs from the CSV template."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quartiers.programmes.importers import dispositifs_import
from quartiers.shared.imports import ImportRefused


class Command(BaseCommand):
    help = (
        "Importe des dispositifs localisés (PRE, cités éducatives, médiateurs santé…) depuis "
        "le modèle CSV décrit dans docs/programmes.md. Simulation par défaut ; --apply enregistre."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="fichier CSV ou URL https")
        parser.add_argument("--apply", action="store_true", help="enregistrer (sinon simulation)")

    def handle(self, *args: object, **options: object) -> None:
        try:
            summary = dispositifs_import(
                source=str(options["source"]), apply=bool(options["apply"])
            )
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(summary))
