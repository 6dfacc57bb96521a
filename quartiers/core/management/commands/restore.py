"""manage.py restore INPUT.tar.gz --yes — replaces the database and the uploaded files."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quartiers.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde (manage.py backup) : remplace la base de données et les "
        "fichiers déposés. Arrêtez l'application et les workers avant."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="Archive .tar.gz produite par manage.py backup")
        parser.add_argument(
            "--yes", action="store_true", help="Confirmer le remplacement des données actuelles."
        )

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError(
                "La restauration remplace toutes les données actuelles : relancez avec --yes."
            )
        try:
            summary = backup_restore(source=Path(options["source"]))
        except (BackupError, OSError, ValueError) as exc:
            raise CommandError(f"Restauration impossible : {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Restauration terminée. {summary}"))
