"""manage.py send_milestone_digest [--to a@b] [--date AAAA-MM-JJ] [--prioritaires]
[--chefs-de-projet]"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from quartiers.organisation.digest import milestone_digest_send, milestone_digests_send


class Command(BaseCommand):
    help = (
        "Envoie le récapitulatif hebdomadaire des jalons en retard : aux agents et "
        "administrateurs de la préfecture ayant une adresse électronique (tous les jalons), et "
        "à chaque délégué du préfet (les jalons de son territoire seulement)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            action="append",
            help="Destinataire (répétable) du récapitulatif complet ; rien n'est alors envoyé "
            "aux délégués ni aux chefs de projet.",
        )
        parser.add_argument("--date", help="Date de référence AAAA-MM-JJ (par défaut aujourd'hui).")
        parser.add_argument(
            "--prioritaires", action="store_true", help="Seulement les actions prioritaires."
        )
        parser.add_argument(
            "--chefs-de-projet",
            action="store_true",
            help="Envoie aussi à chaque chef de projet d'action prioritaire ayant un courriel "
            "les jalons en retard de ses actions.",
        )

    def handle(self, *args, **options):
        try:
            today = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"Date invalide « {options['date']} » (AAAA-MM-JJ).") from exc
        if options["to"]:
            digest = milestone_digest_send(
                today=today, recipients=options["to"], priority_only=options["prioritaires"]
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Récapitulatif envoyé : {digest.late_count} jalon(s) en retard."
                )
            )
            return
        sent = milestone_digests_send(
            today=today, priority_only=options["prioritaires"], leads=options["chefs_de_projet"]
        )
        if not sent:
            self.stdout.write(self.style.WARNING("Aucun destinataire : rien n'a été envoyé."))
            return
        for item in sent:
            self.stdout.write(
                f"{item.audience} ({', '.join(item.recipients)}) : "
                f"{item.digest.late_count} jalon(s) en retard."
            )
        self.stdout.write(self.style.SUCCESS(f"Récapitulatif envoyé : {len(sent)} message(s)."))
