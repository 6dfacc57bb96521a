"""manage.py seed_contracts_demo: 13 contracts, press-kit calendar and examples (re-runnable)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from quartiers.contracts.demo import seed_contracts_demo
from quartiers.core.demo import demo_production_refuse
from quartiers.geography.importers import ImportRefused


class Command(BaseCommand):
    help = (
        "Données de démonstration des contrats : import des 13 contrats réels, signataires par "
        "défaut, calendrier de signature et exemples du dossier de presse. Relançable."
    )

    def handle(self, *args, **options):
        demo_production_refuse()
        try:
            report = seed_contracts_demo(data_dir=settings.DATA_DIR)
        except ImportRefused as exc:
            raise CommandError(f"Import refusé : {exc}") from exc
        self.stdout.write(str(report))
