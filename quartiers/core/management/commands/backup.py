"""manage.py backup OUTPUT.tar.gz — the database and the uploaded files (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quartiers.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Sauvegarde la base de données et les fichiers déposés dans une archive .tar.gz."

    def add_arguments(self, parser):
        parser.add_argument("output", help="Chemin de l'archive à écrire (.tar.gz)")

    def handle(self, *args, **options):
        try:
            summary = backup_create(output=Path(options["output"]))
        except BackupError as exc:
            raise CommandError(f"Sauvegarde impossible : {exc}") from exc
        self.stdout.write(self.style.SUCCESS(str(summary)))
