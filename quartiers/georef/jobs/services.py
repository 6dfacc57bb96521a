"""Batch jobs: create (store the upload, check it), run in a worker (checkpointed, cancellable,
resumable), cancel, recover jobs whose worker died, purge after the retention period."""

from __future__ import annotations

import fcntl
import logging
import shutil
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string

from quartiers.georef.batch import (
    BatchInputError,
    BatchOptions,
    Checkpoint,
    JobCancelled,
    file_georeference,
    part_path,
    rows_count,
)
from quartiers.georef.batch.columns import columns_detect
from quartiers.georef.batch.readers import source_inspect
from quartiers.georef.geocoder import GeocoderError
from quartiers.georef.job_models import GeorefJob, JobStatus
from quartiers.georef.jobs.holder import holder_current, holder_gone
from quartiers.georef.loader import GeorefError, index_get
from quartiers.shared.formatting import size_text

logger = logging.getLogger(__name__)
INPUT_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx")


def _size_check(size: int, *, known: bool = True) -> None:
    limit = int(settings.GEOREF_MAX_UPLOAD_BYTES)
    if size > limit:
        what = f"{size_text(size)}" if known else f"plus de {size_text(limit)}"
        raise BatchInputError(
            f"fichier trop volumineux ({what}) : la limite est de {size_text(limit)} par "
            "fichier. Découpez-le en plusieurs fichiers."
        )


def job_create(
    *,
    owner: Any,
    upload: BinaryIO,
    original_name: str,
    options: BatchOptions,
    enqueue: bool = True,
) -> GeorefJob:
    """Store the upload, check it (format, encoding, columns, generation) and queue the job.
    Raises BatchInputError / GeorefError (French) and stores nothing in that case."""
    suffix = Path(original_name).suffix.lower()
    if suffix not in INPUT_SUFFIXES:
        suffix = ".csv"
    size = getattr(upload, "size", None)
    if size is not None:
        _size_check(int(size))
    job = GeorefJob(id=uuid.uuid4(), owner=owner, original_name=original_name[:255])
    directory = job.directory
    directory.mkdir(parents=True, exist_ok=True)
    input_path = directory / f"entree{suffix}"
    try:
        written = 0
        with input_path.open("wb") as handle:
            while chunk := upload.read(1 << 20):
                written += len(chunk)
                _size_check(written, known=False)
                handle.write(chunk)
        info = source_inspect(
            path=input_path,
            encoding=options.encoding,
            delimiter=options.delimiter,
            header_line=options.header_line,
        )
        columns_detect(header=info.header, overrides=options.columns)
        index_get(generation=options.generation)
    except (BatchInputError, GeorefError):
        shutil.rmtree(directory, ignore_errors=True)
        raise
    extension = "xlsx" if options.output_format == "xlsx" else "csv"
    job.input_path = str(input_path)
    job.output_path = str(directory / f"resultat.{extension}")
    job.options = {**options.to_dict(), "durable": True}
    job.rows_total = info.rows_estimate
    job.save()
    if enqueue:
        transaction.on_commit(lambda: job_enqueue(job_id=job.id))
    return job


def job_enqueue(*, job_id: uuid.UUID) -> None:
    """Queue the job on the task configured by `settings.GEOREF_JOB_TASK` (huey)."""
    import_string(settings.GEOREF_JOB_TASK)(str(job_id))


def _claim(job_id: uuid.UUID, token: str) -> bool:
    """Take the job: pending, or running with a stale heartbeat, or running with its holder
    process gone (then only if it still has the holder seen here: no two takers win)."""
    now = timezone.now()
    stale = now - timedelta(seconds=int(settings.GEOREF_JOB_STALE_SECONDS))
    claimable = Q(status=JobStatus.PENDING) | Q(status=JobStatus.RUNNING, heartbeat_at__lt=stale)
    held = (
        GeorefJob.objects.filter(pk=job_id, status=JobStatus.RUNNING)
        .values("worker", "holder_host", "holder_pid", "holder_boot_id")
        .first()
    )
    if held and holder_gone(
        host=held["holder_host"], pid=held["holder_pid"], boot_id=held["holder_boot_id"]
    ):
        claimable |= Q(status=JobStatus.RUNNING, worker=held["worker"])
    return bool(
        GeorefJob.objects.filter(pk=job_id, cancel_requested=False)
        .filter(claimable)
        .update(
            status=JobStatus.RUNNING,
            worker=token,
            heartbeat_at=now,
            started_at=Coalesce("started_at", now),
            attempts=F("attempts") + 1,
            **holder_current().as_fields(),
        )
    )


def job_run(*, job_id: uuid.UUID) -> GeorefJob | None:
    """Run (or resume) a job in this process. Returns None when another worker holds it."""
    token = f"{uuid.uuid4().hex[:12]}"
    if not _claim(job_id, token):
        return None
    job = GeorefJob.objects.get(pk=job_id)
    # A worker taken for dead may still be writing (a very slow chunk): the lock keeps two
    # processes from ever writing the same .part file; the loser leaves the job to the holder.
    with (job.directory / "verrou").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None
        return _run_locked(job, token)


def _run_locked(job: GeorefJob, token: str) -> GeorefJob:
    job_id = job.pk
    options = BatchOptions.from_dict(job.options)
    output = Path(job.output_path)
    checkpoint = None
    if job.checkpoint and part_path(output).exists():
        checkpoint = Checkpoint.from_dict(job.checkpoint)
    try:
        info = source_inspect(
            path=Path(job.input_path),
            encoding=options.encoding,
            delimiter=options.delimiter,
            header_line=options.header_line,
        )
        if checkpoint is None:
            job.rows_total = rows_count(info=info)
            GeorefJob.objects.filter(pk=job_id).update(rows_total=job.rows_total)
        summary = file_georeference(
            source=Path(job.input_path),
            output=output,
            options=options,
            checkpoint=checkpoint,
            on_chunk=_committer(job, token),
            info=info,
        )
    except JobCancelled:
        if GeorefJob.objects.filter(pk=job_id, worker=token).exists():  # else: taken over
            _finish(job, token, JobStatus.CANCELLED)
            part_path(output).unlink(missing_ok=True)
    except (BatchInputError, GeorefError) as exc:
        _finish(job, token, JobStatus.FAILED, error=str(exc))
        part_path(output).unlink(missing_ok=True)
    except GeocoderError as exc:  # the service is down: keep the checkpoint, job_retry resumes
        _finish(job, token, JobStatus.FAILED, error=str(exc))
    except Exception:
        logger.exception("georef job %s failed", job_id)
        _finish(job, token, JobStatus.FAILED, error="Erreur interne pendant le traitement.")
        part_path(output).unlink(missing_ok=True)
        raise
    else:
        _finish(job, token, JobStatus.DONE, summary=summary.to_dict())
    job.refresh_from_db()
    return job


def _committer(job: GeorefJob, token: str) -> Callable[[Checkpoint], bool]:
    """The on_chunk callback: commit the checkpoint in one transaction, say whether to go on."""
    started = time.monotonic()
    first_rows: list[int] = []
    pause = float(settings.GEOREF_JOB_CHUNK_PAUSE_S)

    def commit(checkpoint: Checkpoint) -> bool:
        if not first_rows:
            first_rows.append(checkpoint.rows_done)
        elapsed = time.monotonic() - started
        done = checkpoint.rows_done - first_rows[0]
        rate = done / elapsed if elapsed > 0 and done else None
        with transaction.atomic():
            updated = GeorefJob.objects.filter(
                pk=job.pk, worker=token, status=JobStatus.RUNNING, cancel_requested=False
            ).update(
                checkpoint=checkpoint.to_dict(),
                rows_done=checkpoint.rows_done,
                rate=rate,
                heartbeat_at=timezone.now(),
            )
        if pause:
            time.sleep(pause)
        return bool(updated)

    return commit


def _finish(
    job: GeorefJob,
    token: str,
    status: str,
    *,
    error: str = "",
    summary: dict[str, Any] | None = None,
) -> None:
    values = {"status": status, "finished_at": timezone.now(), "error_message": error}
    if summary is not None:
        values |= {"summary": summary, "rows_done": summary["rows"], "rows_total": summary["rows"]}
    GeorefJob.objects.filter(pk=job.pk, worker=token).exclude(
        status__in=[JobStatus.DONE, JobStatus.FAILED]
    ).update(**values)


def job_cancel(*, job: GeorefJob) -> None:
    """Ask the worker to stop after the current chunk (a pending job is cancelled at once)."""
    now = timezone.now()
    GeorefJob.objects.filter(pk=job.pk, status=JobStatus.PENDING).update(
        status=JobStatus.CANCELLED, cancel_requested=True, finished_at=now
    )
    GeorefJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(cancel_requested=True)
    # A running job whose worker is dead is cancelled here rather than resumed.
    stale = now - timedelta(seconds=int(settings.GEOREF_JOB_STALE_SECONDS))
    GeorefJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING, heartbeat_at__lt=stale).update(
        status=JobStatus.CANCELLED, finished_at=now
    )
    job.refresh_from_db()
    if job.holder_gone:
        GeorefJob.objects.filter(pk=job.pk, worker=job.worker).update(
            status=JobStatus.CANCELLED, finished_at=now
        )
        job.refresh_from_db()


def job_retry(*, job: GeorefJob, enqueue: bool = True) -> bool:
    """Make a failed job pending again and queue it (``enqueue``: else the caller runs it); it
    resumes from its last checkpoint when it has one. Returns whether it was failed."""
    updated = GeorefJob.objects.filter(pk=job.pk, status=JobStatus.FAILED).update(
        status=JobStatus.PENDING, error_message="", finished_at=None
    )
    if updated and enqueue:
        transaction.on_commit(lambda: job_enqueue(job_id=job.pk))
    job.refresh_from_db()
    return bool(updated)


def jobs_recover() -> list[uuid.UUID]:
    """Queue again the running jobs whose worker stopped: its process is gone (this machine),
    or its heartbeat is too old (crash elsewhere, restart); and the pending ones older than
    that delay (a lost queue message)."""
    stale = timezone.now() - timedelta(seconds=int(settings.GEOREF_JOB_STALE_SECONDS))
    ids = list(
        GeorefJob.objects.filter(cancel_requested=False)
        .filter(
            Q(status=JobStatus.RUNNING, heartbeat_at__lt=stale)
            | Q(status=JobStatus.PENDING, created_at__lt=stale)
        )
        .values_list("id", flat=True)
    )
    running = GeorefJob.objects.filter(
        status=JobStatus.RUNNING, cancel_requested=False, heartbeat_at__gte=stale
    ).only("id", "status", "holder_host", "holder_pid", "holder_boot_id")
    ids += [job.id for job in running if job.holder_gone]
    for job_id in ids:
        job_enqueue(job_id=job_id)
    return ids


def jobs_purge(*, days: int | None = None) -> int:
    """Delete the jobs created more than ``days`` (GEOREF_RETENTION_DAYS) ago, with their
    uploaded file and result; returns how many. A running job is left until it ends."""
    days = int(settings.GEOREF_RETENTION_DAYS if days is None else days)
    limit = timezone.now() - timedelta(days=days)
    old = GeorefJob.objects.filter(created_at__lt=limit).exclude(status=JobStatus.RUNNING)
    count = 0
    for job in old:
        shutil.rmtree(job.directory, ignore_errors=True)
        job.delete()
        count += 1
    return count
