"""Locate associations again (after the geocoder was unavailable): thin, see services/location."""

from django.core.management.base import BaseCommand

from quartiers.grants.services.location import associations_locate


class Command(BaseCommand):
    help = (
        "Localise en QPV les associations non localisées (adresse géocodée puis moteur de "
        "géoréférencement) ; --toutes : relocalise toutes les associations."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--toutes", action="store_true", dest="everything", help="toutes les associations"
        )

    def handle(self, *args, everything: bool, **options):
        self.stdout.write(str(associations_locate(everything=everything)))
