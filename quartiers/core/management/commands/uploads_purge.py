"""manage.py uploads_purge [--max-age-s N]: delete orphaned temporary uploads."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from quartiers.core.uploads.tempfiles import upload_temp_purge


class Command(BaseCommand):
    help = (
        "Supprime les fichiers déposés restés dans le dossier temporaire des dépôts "
        "(processus arrêté en cours de traitement, fichiers trop anciens)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-age-s",
            type=int,
            default=None,
            help="Âge au-delà duquel tout fichier est supprimé (défaut : UPLOAD_TEMP_MAX_AGE_S).",
        )

    def handle(self, *args, **options):
        count = upload_temp_purge(max_age_s=options["max_age_s"])
        folder = settings.UPLOAD_TEMP_DIR
        self.stdout.write(
            f"{count} fichier(s) ou dossier(s) temporaire(s) supprimé(s) de {folder}."
        )
