"""Batch jobs in this process: progress, cancel, resume after a crash, size limit, retention."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone

from quartiers.georef.batch import BatchInputError, BatchOptions, file_georeference, part_path
from quartiers.georef.jobs import services
from quartiers.georef.jobs.services import (
    job_cancel,
    job_create,
    job_run,
    jobs_purge,
    jobs_recover,
)
from quartiers.georef.models import GeorefJob, JobStatus

pytestmark = pytest.mark.django_db

ROWS = 20_000


class Crash(BaseException):
    """Stands for the process being killed: nothing in the job code catches it."""


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def points_csv(tmp_path) -> Path:
    rng = np.random.default_rng(3)
    lon = rng.uniform(3.0, 3.4, ROWS)
    lat = rng.uniform(50.3, 50.7, ROWS)
    path = tmp_path / "points.csv"
    lines = "".join(f"{i},{x:.6f},{y:.6f}\n" for i, (x, y) in enumerate(zip(lon, lat, strict=True)))
    path.write_text("id,lon,lat\n" + lines, encoding="utf-8")
    return path


def _create(path: Path, owner, **options) -> GeorefJob:
    with path.open("rb") as upload:
        return job_create(
            owner=owner,
            upload=upload,
            original_name=path.name,
            options=BatchOptions(block_bytes=16_384, **options),
            enqueue=False,
        )


def _ids(path: Path) -> list[str]:
    text = path.read_bytes()[3:].decode("utf-8")
    return [row[0] for row in csv.reader(io.StringIO(text, newline=""), delimiter=";")][1:]


def _committer_failing_at(monkeypatch, call: int, action) -> None:
    original = services._committer

    def committer(job, token):
        commit = original(job, token)
        calls = [0]

        def wrapped(checkpoint):
            calls[0] += 1
            if calls[0] == call:
                action(job)
            return commit(checkpoint)

        return wrapped

    monkeypatch.setattr(services, "_committer", committer)


def test_a_job_runs_to_the_end_with_its_progress(media, points_csv, prefecture_agent):
    job = _create(points_csv, prefecture_agent)
    assert job.status == JobStatus.PENDING
    assert Path(job.input_path).is_relative_to(media)
    job = job_run(job_id=job.id)
    assert job.status == JobStatus.DONE
    assert job.rows_done == job.rows_total == ROWS
    assert job.progress()["percent"] == 100.0
    assert job.rate and job.rate > 0
    assert job.summary["rows"] == ROWS
    assert _ids(Path(job.output_path)) == [str(i) for i in range(ROWS)]
    assert job_run(job_id=job.id) is None  # a finished job is never run twice


def test_a_job_resumes_after_a_crash_without_losing_or_duplicating_a_row(
    media, points_csv, prefecture_agent, monkeypatch, tmp_path
):
    job = _create(points_csv, prefecture_agent)

    def crash(job):
        raise Crash  # after the chunk was written to .part, before its checkpoint is committed

    _committer_failing_at(monkeypatch, 6, crash)
    with pytest.raises(Crash):
        job_run(job_id=job.id)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    committed = job.checkpoint
    assert 0 < job.rows_done == committed["rows_done"] < ROWS
    assert part_path(Path(job.output_path)).stat().st_size > committed["output_offset"]
    monkeypatch.undo()
    assert job_run(job_id=job.id) is None  # the dead worker's heartbeat is still fresh
    GeorefJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    job = job_run(job_id=job.id)
    assert job.status == JobStatus.DONE
    assert job.attempts == 2
    assert _ids(Path(job.output_path)) == [str(i) for i in range(ROWS)]
    reference = tmp_path / "reference.csv"
    file_georeference(source=points_csv, output=reference, options=BatchOptions())
    assert Path(job.output_path).read_bytes() == reference.read_bytes()
    assert job.summary["by_status"] == job.summary["by_status"] | {"invalid": 0}
    assert sum(job.summary["by_status"].values()) == ROWS


def test_a_cancelled_job_stops_between_chunks_and_keeps_no_output(
    media, points_csv, prefecture_agent, monkeypatch
):
    job = _create(points_csv, prefecture_agent)
    _committer_failing_at(monkeypatch, 3, lambda job: job_cancel(job=job))
    job = job_run(job_id=job.id)
    assert job.status == JobStatus.CANCELLED
    assert 0 < job.rows_done < ROWS
    assert not Path(job.output_path).exists()
    assert not part_path(Path(job.output_path)).exists()


def test_a_pending_job_is_cancelled_at_once(media, points_csv, prefecture_agent):
    job = _create(points_csv, prefecture_agent)
    job_cancel(job=job)
    assert job.status == JobStatus.CANCELLED
    assert job_run(job_id=job.id) is None


def test_a_bad_file_fails_with_its_french_message(media, tmp_path, prefecture_agent):
    path = tmp_path / "vide.csv"
    path.write_text("lon,lat\n", encoding="utf-8")
    with pytest.raises(BatchInputError, match="qu'une ligne d'en-tête"):
        _create(path, prefecture_agent)
    assert not list((media / "georef" / "jobs").iterdir())  # nothing kept


def test_a_row_error_mid_file_fails_the_job_without_output(media, tmp_path, prefecture_agent):
    path = tmp_path / "mixte.csv"
    head = "id,lon,lat\n" + "".join(f"{i},3.0,50.6\n" for i in range(100_000))
    path.write_bytes(head.encode() + "x,3.0,50.6,Hénin\n".encode("cp1252"))
    job = job_run(job_id=_create(path, prefecture_agent).id)
    assert job.status == JobStatus.FAILED
    assert "ligne 100002" in job.error_message
    assert not Path(job.output_path).exists()


def test_an_upload_over_the_size_limit_is_refused(media, points_csv, prefecture_agent, settings):
    settings.GEOREF_MAX_UPLOAD_BYTES = 100_000
    with pytest.raises(
        BatchInputError,
        match=r"fichier trop volumineux \(plus de 100 ko\) : la limite est de 100 ko",
    ):
        _create(points_csv, prefecture_agent)


def test_stale_running_jobs_are_found_again(media, points_csv, prefecture_agent, monkeypatch):
    job = _create(points_csv, prefecture_agent)
    queued = []
    monkeypatch.setattr(services, "job_enqueue", lambda *, job_id: queued.append(job_id))
    GeorefJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    assert jobs_recover() == [job.pk] == queued
    GeorefJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    assert jobs_recover() == []


def test_files_and_jobs_are_purged_after_the_retention_period(
    media, points_csv, prefecture_agent, settings
):
    settings.GEOREF_RETENTION_DAYS = 7
    old = _create(points_csv, prefecture_agent)
    job_run(job_id=old.id)
    recent = _create(points_csv, prefecture_agent)
    GeorefJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert old.directory.exists()
    assert jobs_purge() == 1
    assert not old.directory.exists()
    assert list(GeorefJob.objects.values_list("pk", flat=True)) == [recent.pk]
    out = io.StringIO()
    call_command("georef_purge", "--days", "0", stdout=out)
    assert "1 traitement(s) de fichier supprimé(s)" in out.getvalue()
    assert not recent.directory.exists()
