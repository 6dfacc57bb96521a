"""manage.py import_contracts [--apply] [--contrats-2024 F] [--liens F] [--contrats-2015 F]"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from quartiers.contracts.importers import CONTRACT_FILES, contracts_import_files
from quartiers.geography.management.commands._import_base import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe les contrats de ville du Nord (liste ANCT 2024, liens contrat–QPV, "
        "historique 2015), fichiers locaux ou adresses https://. Par défaut, les fichiers de "
        "QUARTIERS_DATA_DIR ; simulation sans --apply."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        data = Path(settings.DATA_DIR)
        for option, key in (
            ("--contrats-2024", "contracts_2024"),
            ("--liens", "links_2024"),
            ("--contrats-2015", "contracts_2015"),
        ):
            parser.add_argument(option, default=str(data / CONTRACT_FILES[key]))

    def handle(self, *args, **options):
        self.summaries_print(
            lambda: contracts_import_files(
                contracts_2024=options["contrats_2024"],
                links=options["liens"],
                contracts_2015=options["contrats_2015"],
                apply=options["apply"],
            ),
            apply=options["apply"],
        )
