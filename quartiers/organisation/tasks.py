"""Task queue entry points of the organisation domain (huey, discovered by `manage.py run_huey`).

The weekly digest of late milestones runs by itself once the worker runs: every Monday at
MILESTONE_DIGEST_HOUR (Europe/Paris), to the préfecture, each délégué (their territory only) and,
with MILESTONE_DIGEST_LEADS, the project leads of priority actions. `manage.py
send_milestone_digest` stays for a manual run.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from quartiers.organisation.digest import SentDigest, milestone_digests_send


def milestone_digest_weekly() -> list[SentDigest]:
    """One weekly run (what the periodic task calls; a no-op when the digest is switched off)."""
    if not settings.MILESTONE_DIGEST_ENABLED:
        return []
    return milestone_digests_send(today=timezone.localdate(), leads=settings.MILESTONE_DIGEST_LEADS)


@db_periodic_task(
    crontab(day_of_week="1", hour=str(settings.MILESTONE_DIGEST_HOUR), minute="0"),
    name="milestone_digest_weekly",
)
def milestone_digest_weekly_task() -> None:
    milestone_digest_weekly()
