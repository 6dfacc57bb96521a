"""manage.py import_nord [--apply]: the whole Nord demo geography from settings.DATA_DIR."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from quartiers.geography.importers import import_nord_demo
from quartiers.geography.management.commands._import_base import ImportCommand


class Command(ImportCommand):
    help = (
        "Importe la géographie du Nord (référentiel, contours, 94 QPV, estimation NPNRU, "
        "populations) depuis le dossier de données (QUARTIERS_DATA_DIR)."
    )

    def handle(self, *args, **options):
        self.summaries_print(
            lambda: import_nord_demo(data_dir=Path(settings.DATA_DIR), apply=options["apply"]),
            apply=options["apply"],
        )
