"""`manage.py georef_resume <id>`: resume a failed georeferencing job from its last checkpoint
(docs/jobs.md). Queued for a worker (`run_huey`) by default; `--here` runs it in this process."""

from __future__ import annotations

import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from quartiers.georef.job_models import GeorefJob


class Command(BaseCommand):
    help = "Reprend un traitement de fichier échoué, à partir de son dernier point de reprise."

    def add_arguments(self, parser):
        parser.add_argument("job_id", help="Identifiant du traitement (affiché par georef --queue)")
        parser.add_argument(
            "--here",
            action="store_true",
            help="Faire le traitement dans ce processus au lieu de le confier à un worker.",
        )

    def handle(self, *args, **options):
        from quartiers.georef.jobs.services import job_retry, job_run

        try:
            job = GeorefJob.objects.get(pk=uuid.UUID(options["job_id"]))
        except (ValueError, GeorefJob.DoesNotExist) as exc:
            raise CommandError(f"Traitement introuvable : {options['job_id']}") from exc
        with transaction.atomic():  # the queue message leaves at commit
            queued = job_retry(job=job, enqueue=not options["here"])
        if not queued:
            raise CommandError(
                f"Seul un traitement échoué peut être repris (état : {job.get_status_display()})."
            )
        if options["here"]:
            job = job_run(job_id=job.pk)
            if job is None:
                raise CommandError("Un autre worker a repris ce traitement entre-temps.")
            self.stdout.write(f"Traitement {job.pk} : {job.get_status_display()}.")
        else:
            self.stdout.write(f"Traitement {job.pk} remis dans la file : un worker le reprend.")
