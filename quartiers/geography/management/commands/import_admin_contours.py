"""manage.py import_admin_contours [--departements F] [--arrondissements F] [--communes F]"""

from __future__ import annotations

from django.core.management.base import CommandError

from quartiers.geography.importers import admin_contours_import
from quartiers.geography.management.commands._import_base import ImportCommand


class Command(ImportCommand):
    help = "Importe les contours administratifs (département, arrondissements, communes)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--departements", help="Contours des départements")
        parser.add_argument("--arrondissements", help="Contours des arrondissements")
        parser.add_argument("--communes", help="Contours des communes")

    def handle(self, *args, **options):
        names = ("departements", "arrondissements", "communes")
        if not any(options[n] for n in names):
            raise CommandError("Indiquez au moins un fichier de contours.")
        self.summaries_print(
            lambda: admin_contours_import(**{n: options[n] for n in names}, apply=options["apply"]),
            apply=options["apply"],
        )
