"""Task queue entry points (huey, discovered by `manage.py run_huey`): see docs/jobs.md."""

from __future__ import annotations

import uuid

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from quartiers.core.uploads.tempfiles import upload_temp_purge
from quartiers.georef.jobs.services import job_run, jobs_purge, jobs_recover


@db_task()
def georef_job_task(job_id: str) -> None:
    """Run or resume one job (a no-op when another worker holds it, or it is finished)."""
    job_run(job_id=uuid.UUID(job_id))


@db_periodic_task(crontab(minute="*"))
def georef_jobs_recover_task() -> None:
    """Every minute: queue again the jobs whose worker died (heartbeat too old)."""
    jobs_recover()


@db_periodic_task(crontab(hour="3", minute="17"))
def georef_purge_task() -> None:
    """Every night: delete uploads and results older than GEOREF_RETENTION_DAYS."""
    jobs_purge()


@db_periodic_task(crontab(minute="*/10"))
def uploads_purge_task() -> None:
    """Every 10 minutes: delete the temporary uploads of dead processes, and any too old
    (personal data; quartiers/core/uploads/tempfiles.py)."""
    upload_temp_purge()


@on_startup()
def georef_jobs_recover_on_startup() -> None:
    """A restarted worker picks up the jobs interrupted by the crash without waiting."""
    from django.db import close_old_connections

    close_old_connections()
    try:
        jobs_recover()
    finally:
        close_old_connections()
