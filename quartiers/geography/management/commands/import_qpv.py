"""manage.py import_qpv FILE_OR_URL [--generation 2024] [--apply]"""

from __future__ import annotations

from quartiers.geography.importers import qpv_import
from quartiers.geography.management.commands._import_base import ImportCommand


class Command(ImportCommand):
    help = "Importe les contours des QPV (GeoJSON, Shapefile, GeoPackage ; WGS84 ou Lambert-93)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("source", help="Chemin du fichier ou adresse https://")
        parser.add_argument("--generation", type=int, default=2024, choices=[2015, 2024])
        parser.add_argument(
            "--keep-degenerate",
            action="store_true",
            help="Garder sans contour les QPV dont le contour est de surface nulle (signalés).",
        )

        parser.add_argument(
            "--force-removals",
            action="store_true",
            help="Supprimer les QPV absents du fichier même s'ils sont encore utilisés (liens "
            "de contrats, actions, demandes, délégués) ou nombreux (IMPORT_MAX_REMOVAL_SHARE).",
        )

    def handle(self, *args, **options):
        self.summaries_print(
            lambda: qpv_import(
                source=options["source"],
                generation=options["generation"],
                apply=options["apply"],
                keep_degenerate=options["keep_degenerate"],
                force_removals=options["force_removals"],
            ),
            apply=options["apply"],
        )
