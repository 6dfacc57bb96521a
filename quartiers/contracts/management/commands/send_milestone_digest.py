"""manage.py send_milestone_digest [--to a@b] [--date AAAA-MM-JJ] [--prioritaires]"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from quartiers.contracts.digest import milestone_digest_send


class Command(BaseCommand):
    help = (
        "Envoie le récapitulatif hebdomadaire des jalons en retard (par défaut aux agents et "
        "administrateurs de la préfecture ayant une adresse électronique)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", action="append", help="Destinataire (répétable).")
        parser.add_argument("--date", help="Date de référence AAAA-MM-JJ (par défaut aujourd'hui).")
        parser.add_argument(
            "--prioritaires", action="store_true", help="Seulement les actions prioritaires."
        )

    def handle(self, *args, **options):
        try:
            today = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"Date invalide « {options['date']} » (AAAA-MM-JJ).") from exc
        digest = milestone_digest_send(
            today=today, recipients=options["to"], priority_only=options["prioritaires"]
        )
        if digest is None:
            self.stdout.write(self.style.WARNING("Aucun destinataire : rien n'a été envoyé."))
            return
        self.stdout.write(
            self.style.SUCCESS(f"Récapitulatif envoyé : {digest.late_count} jalon(s) en retard.")
        )
