from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from quartiers.portal.pdf import report_pdf_render
from quartiers.portal.report import report_build


class Command(BaseCommand):
    help = (
        "Écrit le rapport « Engagements Quartiers 2030 » (PDF A4) à partir des données, "
        "pour une date donnée (aujourd'hui par défaut)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("output", type=Path, help="Fichier PDF à écrire.")
        parser.add_argument("--date", help="Date des données, AAAA-MM-JJ.")
        parser.add_argument(
            "--departement",
            default=None,
            help="Code du département (par défaut le réglage DEPARTEMENT).",
        )

    def handle(self, *args, **options) -> None:
        try:
            on = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as error:
            raise CommandError(
                f"Date non reconnue (format AAAA-MM-JJ) : {options['date']}"
            ) from error
        started = time.perf_counter()
        data = report_build(on=on, departement_code=options["departement"])
        pdf = report_pdf_render(report=data)
        options["output"].write_bytes(pdf)
        self.stdout.write(
            f"Rapport au {on:%d/%m/%Y} écrit dans {options['output']} "
            f"({len(pdf) // 1024} Ko, {time.perf_counter() - started:.1f} s)."
        )
