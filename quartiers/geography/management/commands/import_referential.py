"""manage.py import_referential --departements F --epci F --communes F [--arrondissements F]"""

from __future__ import annotations

from quartiers.geography.importers import referential_import
from quartiers.geography.management.commands._import_base import ImportCommand


class Command(ImportCommand):
    help = "Importe le référentiel COG : départements, arrondissements, EPCI et communes."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--departements", required=True, help="JSON des départements")
        parser.add_argument("--epci", required=True, help="JSON des EPCI")
        parser.add_argument("--communes", required=True, help="CSV des communes")
        parser.add_argument(
            "--arrondissements", help="GeoJSON des contours d'arrondissements (pour leurs noms)"
        )
        parser.add_argument(
            "--vintage", default="2024", help="Millésime du COG (populations légales associées)"
        )

        parser.add_argument(
            "--force-removals",
            action="store_true",
            help="Supprimer les communes, EPCI ou arrondissements absents du fichier même s'ils "
            "sont encore utilisés ou nombreux (IMPORT_MAX_REMOVAL_SHARE).",
        )

    def handle(self, *args, **options):
        self.summaries_print(
            lambda: referential_import(
                departements=options["departements"],
                epcis=options["epci"],
                communes=options["communes"],
                arrondissement_names=options["arrondissements"],
                vintage=options["vintage"],
                apply=options["apply"],
                force_removals=options["force_removals"],
            ),
            apply=options["apply"],
        )
