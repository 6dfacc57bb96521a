"""manage.py geocoder_check: the configured geocoder, whether it answers, its measured rate."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from quartiers.georef.geocoder.check import geocoder_check


class Command(BaseCommand):
    help = "Dit quel géocodeur est configuré, s'il répond et à quel débit."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--requetes", type=int, default=20, help="requêtes chronométrées (défaut 20)"
        )

    def handle(self, *args, **options) -> None:
        report = geocoder_check(requests=max(options["requetes"], 0))
        for line in report.lines_fr():
            self.stdout.write(line)
        if not report.answers:
            raise CommandError("le géocodeur ne répond pas.")
