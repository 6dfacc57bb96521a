"""Batch georeferencing jobs (imported by models.py): state, progress and checkpoint."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone


class JobStatus(models.TextChoices):
    PENDING = "pending", "en attente"
    RUNNING = "running", "en cours"
    DONE = "done", "terminé"
    FAILED = "failed", "échoué"
    CANCELLED = "cancelled", "annulé"


class GeorefJob(models.Model):
    """One uploaded file to georeference. ``checkpoint`` is committed after every chunk (input
    position, rows done, committed size of the .part output, summary so far): a worker that
    resumes the job starts exactly there. Files live in ``directory`` under MEDIA_ROOT and are
    deleted with the job after GEOREF_RETENTION_DAYS (addresses are personal data)."""

    FINISHED = (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="déposé par",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="georef_jobs",
    )
    original_name = models.CharField("nom du fichier déposé", max_length=255)
    input_path = models.CharField("fichier d'entrée", max_length=500)
    output_path = models.CharField("fichier de résultat", max_length=500)
    options = models.JSONField("options", default=dict)
    status = models.CharField(
        "état", max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    rows_total = models.BigIntegerField("lignes à traiter", null=True, blank=True)
    rows_done = models.BigIntegerField("lignes traitées", default=0)
    checkpoint = models.JSONField("point de reprise", null=True, blank=True)
    summary = models.JSONField("synthèse", null=True, blank=True)
    rate = models.FloatField("débit (lignes/s)", null=True, blank=True)
    error_message = models.TextField("message d'erreur", blank=True)
    cancel_requested = models.BooleanField("annulation demandée", default=False)
    worker = models.CharField("traitement en cours par", max_length=100, blank=True)
    # The process holding the job (quartiers/georef/jobs/holder.py): a worker takes the job over
    # at once when that process is gone.
    holder_host = models.CharField("machine du traitement", max_length=255, blank=True)
    holder_pid = models.IntegerField("processus du traitement", null=True, blank=True)
    holder_boot_id = models.CharField("démarrage de la machine", max_length=64, blank=True)
    attempts = models.PositiveIntegerField("lancements", default=0)
    created_at = models.DateTimeField("déposé le", default=timezone.now, db_index=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    heartbeat_at = models.DateTimeField("dernier signe de vie", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "géoréférencement de fichier"
        verbose_name_plural = "géoréférencements de fichiers"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def directory(self) -> Path:
        return Path(settings.MEDIA_ROOT) / "georef" / "jobs" / str(self.id)

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> float:
        if self.status == JobStatus.DONE:
            return 100.0
        if not self.rows_total:
            return 0.0
        return min(100.0, 100.0 * self.rows_done / self.rows_total)

    @property
    def seconds_left(self) -> float | None:
        """Time left at the current rate (None when unknown)."""
        if self.status != JobStatus.RUNNING or not self.rate or not self.rows_total:
            return None
        return max(self.rows_total - self.rows_done, 0) / self.rate

    @property
    def holder_gone(self) -> bool:
        """Running, but its worker process is known to be gone (a new worker takes it over)."""
        from quartiers.georef.jobs.holder import holder_gone

        return self.status == JobStatus.RUNNING and holder_gone(
            host=self.holder_host, pid=self.holder_pid, boot_id=self.holder_boot_id
        )

    @property
    def resuming(self) -> bool:
        """Waiting to be resumed after its worker died (or queued again after a failure)."""
        if self.status == JobStatus.PENDING:
            return bool(self.attempts)
        if self.status != JobStatus.RUNNING:
            return False
        stale = timezone.now() - timedelta(seconds=int(settings.GEOREF_JOB_STALE_SECONDS))
        return self.holder_gone or (self.heartbeat_at is not None and self.heartbeat_at < stale)

    def progress(self) -> dict:
        """What a progress bar shows (JSON for the page and the API)."""
        resuming = self.resuming
        return {
            "id": str(self.id),
            "status": self.status,
            "status_label": "reprise en cours" if resuming else self.get_status_display(),
            "resuming": resuming,
            "rows_done": self.rows_done,
            "rows_total": self.rows_total,
            "percent": round(self.percent, 1),
            "rate": round(self.rate, 1) if self.rate else None,
            "seconds_left": (
                round(self.seconds_left) if self.seconds_left is not None and not resuming else None
            ),
            "error_message": self.error_message,
        }
