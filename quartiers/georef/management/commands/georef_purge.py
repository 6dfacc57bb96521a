"""manage.py georef_purge [--days N]: delete old uploaded files and results."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from quartiers.georef.jobs.services import jobs_purge


class Command(BaseCommand):
    help = "Supprime les fichiers déposés et leurs résultats au-delà de la durée de conservation."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.GEOREF_RETENTION_DAYS,
            help="Durée de conservation en jours (défaut : GEOREF_RETENTION_DAYS).",
        )

    def handle(self, *args, **options):
        count = jobs_purge(days=options["days"])
        self.stdout.write(f"{count} traitement(s) de fichier supprimé(s) avec leurs fichiers.")
