"""`seed_programmes`: the press kit's programmes and measures (re-runnable)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from quartiers.programmes.seed import seed_programmes_demo
from quartiers.shared.imports import ImportRefused


class Command(BaseCommand):
    help = (
        "Enregistre les programmes, mesures et nombres déclarés du dossier de presse "
        "« Engagements Quartiers 2030 » (relançable sans effet de bord)."
    )

    def handle(self, *args: object, **options: object) -> None:
        try:
            self.stdout.write(str(seed_programmes_demo()))
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
