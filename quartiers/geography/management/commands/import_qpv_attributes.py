"""manage.py import_qpv_attributes FILE [--preset npnru-derive|sigville-population] [--apply]"""

from __future__ import annotations

from django.core.management.base import CommandError

from quartiers.geography.importers import qpv_attributes_import
from quartiers.geography.importers.attributes import PRESETS
from quartiers.geography.management.commands._import_base import ImportCommand


def _pairs(values: list[str], option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not name:
            raise CommandError(f"{option} {value!r} : forme attendue attribut=valeur.")
        pairs[name.strip()] = rest.strip()
    return pairs


class Command(ImportCommand):
    help = "Importe des attributs de QPV (statut NPNRU, population…) depuis un petit CSV."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("source", help="Chemin du fichier CSV ou adresse https://")
        parser.add_argument("--preset", choices=sorted(PRESETS))
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            help="attribut=colonne du fichier (ex. population=popMuniQPV, code_qp=codeQPV)",
        )
        parser.add_argument(
            "--constant",
            action="append",
            default=[],
            help="attribut=valeur pour toutes les lignes (ex. population_vintage=2020)",
        )
        parser.add_argument("--generation", type=int, default=2024, choices=[2015, 2024])

    def handle(self, *args, **options):
        columns = _pairs(options["column"], "--column") or None
        constants = _pairs(options["constant"], "--constant")
        self.summaries_print(
            lambda: qpv_attributes_import(
                source=options["source"],
                preset=options["preset"],
                columns=columns,
                constants=constants,
                generation=options["generation"],
                apply=options["apply"],
            ),
            apply=options["apply"],
        )
