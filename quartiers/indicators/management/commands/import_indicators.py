"""`import_indicators FILE_OR_PATH [--format sigville|long|catalogue] [--apply]`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quartiers.indicators.importers import indicators_import
from quartiers.indicators.importers.service import FORMATS
from quartiers.shared.imports import ImportRefused


class Command(BaseCommand):
    help = (
        "Importe des valeurs d'indicateurs : fichier SIG Ville (une ligne par QPV × commune), "
        "modèle CSV long (une valeur par ligne) ou catalogue d'indicateurs. Fichier, dossier "
        "ou URL https. Simulation par défaut ; --apply enregistre."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="fichier, dossier de .csv ou URL https")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            default=None,
            help="format du fichier (détecté d'après l'en-tête sinon)",
        )
        parser.add_argument("--apply", action="store_true", help="enregistrer (sinon simulation)")

    def handle(self, *args: object, **options: object) -> None:
        try:
            summaries = indicators_import(
                source=str(options["source"]), fmt=options["format"], apply=bool(options["apply"])
            )
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        for summary in summaries:
            self.stdout.write(str(summary))
