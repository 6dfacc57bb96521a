"""Import the adultes-relais and FONJEP posts (financements_nord/): dry run unless --apply."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from quartiers.grants.services.posts import POSTS_DIR, posts_import
from quartiers.shared.imports import ImportRefused


class Command(BaseCommand):
    help = (
        "Importe les postes adultes-relais et FONJEP (fichiers adulte-relais-AAAA_*.csv et "
        "postes-fonjep-AAAA_*.csv d'un dossier, par défaut financements_nord/ du dossier de "
        "données). Simulation sans --apply."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, nargs="?", default=None)
        parser.add_argument("--apply", action="store_true", help="enregistrer (sinon simulation)")

    def handle(self, *args, directory: Path | None, apply: bool, **options):
        directory = directory or Path(settings.DATA_DIR) / POSTS_DIR
        if not directory.is_dir():
            raise CommandError(f"Dossier introuvable : {directory}")
        try:
            summary = posts_import(directory=directory, apply=apply)
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(summary))
