"""`manage.py seed_organisation_demo`: CONCERTO members, 15 demo délégués, demo commitments."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from quartiers.organisation.demo import seed_organisation_demo


class Command(BaseCommand):
    help = (
        "Crée (idempotent) les membres de la mission CONCERTO, 15 délégués du préfet fictifs "
        "rattachés aux contrats et QPV réels, des engagements de démonstration, et rattache les "
        "comptes demo-delegue et demo-partenaire s'ils existent. Après seed_contracts_demo."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(str(seed_organisation_demo()))
