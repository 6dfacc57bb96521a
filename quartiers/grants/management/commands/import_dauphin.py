"""Import a Dauphin-style extract (docs/grants.md): dry run unless --apply."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quartiers.grants.services.dauphin import dauphin_import
from quartiers.shared.imports import ImportRefused


class Command(BaseCommand):
    help = "Importe un extrait Dauphin (CSV ; séparateur point-virgule). Simulation sans --apply."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--apply", action="store_true", help="enregistrer (sinon simulation)")

    def handle(self, *args, path: Path, apply: bool, **options):
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        try:
            summary = dauphin_import(path=path, apply=apply)
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(summary))
