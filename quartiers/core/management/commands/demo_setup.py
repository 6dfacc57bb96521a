"""`manage.py demo_setup`: real Nord geography and demo accounts, re-runnable (`make demo`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from quartiers.core.demo import (
    DEMO_ACCOUNTS,
    demo_accounts_ensure,
    demo_content_seed,
    demo_data_import,
    demo_production_refuse,
)
from quartiers.shared.imports import ImportRefused


class Command(BaseCommand):
    help = (
        "Prépare la démonstration : importe la géographie prioritaire réelle du département "
        "(réglage DEPARTEMENT, 59 par défaut) et ses "
        "indicateurs (si ce n'est pas déjà à jour) et crée les comptes de démonstration, dont "
        "les mots de passe sont affichés. Relançable sans effet de bord. Refusé quand "
        "PRODUCTION=true."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--skip-import",
            action="store_true",
            help="Ne crée que les comptes, sans importer les données du département.",
        )
        parser.add_argument(
            "--departement",
            default=None,
            help="Code INSEE du département à installer (par défaut le réglage DEPARTEMENT, "
            "59). Ex. : 69, 13, 2A, 974.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            demo_production_refuse()
            departement = options["departement"] or settings.DEPARTEMENT
            if not options["skip_import"]:
                self._import(departement)
            results = demo_accounts_ensure()
            if not options["skip_import"]:
                seeds = demo_content_seed(data_dir=settings.DATA_DIR, departement=departement)
                for report in seeds:
                    self.stdout.write(report)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self._print_accounts(results)
        if departement != settings.DEPARTEMENT:
            self.stdout.write(
                self.style.WARNING(
                    f"Les pages suivent le réglage DEPARTEMENT ({settings.DEPARTEMENT}) : servez "
                    f"l'application avec DEPARTEMENT={departement} (make demo "
                    f"DEPARTEMENT={departement})."
                )
            )

    def _import(self, departement: str) -> None:
        self.stdout.write(
            f"Import des données du département {departement} depuis {settings.DATA_DIR} …"
        )
        try:
            summaries = demo_data_import(data_dir=settings.DATA_DIR, departement=departement)
        except ImportRefused as exc:
            raise CommandError(f"Import refusé : {exc}") from exc
        for summary in summaries:
            self.stdout.write(str(summary))
        changed = sum(1 for s in summaries if s.added or s.changed or s.removed)
        if changed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Données du département {departement} importées "
                    f"({changed} imports avec changements)."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Données du département {departement} déjà à jour : rien à changer."
                )
            )

    def _print_accounts(self, results: list) -> None:
        width = max(len(account.username) for account in DEMO_ACCOUNTS)
        self.stdout.write("")
        self.stdout.write(
            self.style.WARNING(
                "Comptes de DÉMONSTRATION — mots de passe publics, à ne jamais utiliser "
                "en production :"
            )
        )
        for result in results:
            account = result.account
            self.stdout.write(
                f"  {account.username:<{width}}  mot de passe : {account.password:<26}  "
                f"{account.role_label} ({result.status})"
            )
        self.stdout.write("Se connecter : /connexion/ — administration : /admin/")
