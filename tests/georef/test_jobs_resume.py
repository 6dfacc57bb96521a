"""Jobs resumed without waiting: a running job whose worker process is gone (same machine and
boot, no such process) is taken over at once and shown « reprise en cours »; a failed job is
resumed by its owner from the page, the API or the command line, every row exactly once."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from quartiers.georef.geocoder import GeocoderError
from quartiers.georef.jobs import services
from quartiers.georef.jobs.holder import holder_current, holder_gone
from quartiers.georef.jobs.services import job_run, jobs_recover
from quartiers.georef.models import GeorefJob, JobStatus
from tests.georef import test_jobs as base

pytestmark = pytest.mark.django_db
media, points_csv = base.media, base.points_csv  # fixtures
EXPECTED = [str(i) for i in range(base.ROWS)]


def _dead_pid() -> int:
    """The id of a process of this machine that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _interrupted(job: GeorefJob, monkeypatch) -> GeorefJob:
    """The job stopped after a few committed chunks, as when its worker is killed."""
    base._committer_failing_at(monkeypatch, 4, lambda job: (_ for _ in ()).throw(base.Crash))
    with pytest.raises(base.Crash):
        job_run(job_id=job.id)
    monkeypatch.undo()
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and 0 < job.rows_done < base.ROWS
    return job


def _failed(job: GeorefJob, monkeypatch) -> GeorefJob:
    """The job failed mid-file with its checkpoint kept (the geocoder went down)."""

    def down(job):
        raise GeocoderError("service de géocodage indisponible")

    base._committer_failing_at(monkeypatch, 4, down)
    job = job_run(job_id=job.id)
    monkeypatch.undo()
    assert job.status == JobStatus.FAILED and 0 < job.rows_done < base.ROWS
    return job


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_job_whose_worker_process_is_gone_is_taken_over_at_once(
    media, points_csv, prefecture_agent, monkeypatch
):
    job = _interrupted(base._create(points_csv, prefecture_agent), monkeypatch)
    me = holder_current()
    assert (job.holder_host, job.holder_pid, job.holder_boot_id) == (me.host, me.pid, me.boot_id)
    # Held by this (living) process: nobody takes it before the heartbeat goes stale.
    assert job_run(job_id=job.id) is None
    assert not job.progress()["resuming"]
    # Its holder is a process that ended: the heartbeat is fresh, the job is taken over.
    GeorefJob.objects.filter(pk=job.pk).update(holder_pid=_dead_pid())
    job.refresh_from_db()
    assert job.heartbeat_at > timezone.now() - timezone.timedelta(seconds=60)
    page = _client(prefecture_agent).get(f"/georeferencer/{job.id}/").content.decode()
    assert "Reprise en cours" in page and "reprise en cours à partir de la ligne" in page
    progress = job.progress()
    assert progress["status_label"] == "reprise en cours"
    assert progress["percent"] == round(100 * job.rows_done / job.rows_total, 1) > 0
    queued = []
    monkeypatch.setattr(services, "job_enqueue", lambda *, job_id: queued.append(job_id))
    assert jobs_recover() == [job.pk] == queued
    monkeypatch.undo()
    job = job_run(job_id=job.id)
    assert job.status == JobStatus.DONE and job.attempts == 2
    assert base._ids(Path(job.output_path)) == EXPECTED


def test_another_machine_or_a_living_process_is_never_taken_for_gone(
    media, points_csv, prefecture_agent, monkeypatch
):
    job = _interrupted(base._create(points_csv, prefecture_agent), monkeypatch)
    GeorefJob.objects.filter(pk=job.pk).update(holder_host="autre-machine", holder_pid=_dead_pid())
    assert job_run(job_id=job.id) is None
    living = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        GeorefJob.objects.filter(pk=job.pk).update(
            holder_host=holder_current().host, holder_pid=living.pid
        )
        assert job_run(job_id=job.id) is None
    finally:
        living.kill()
        living.wait()


def test_a_failed_job_is_resumed_from_its_page_by_its_owner_only(
    media, points_csv, prefecture_agent, prefect_delegate, monkeypatch
):
    job = _failed(base._create(points_csv, prefecture_agent), monkeypatch)
    owner = _client(prefecture_agent)
    assert "Reprendre le traitement" in owner.get(f"/georeferencer/{job.id}/").content.decode()
    assert _client(prefect_delegate).post(f"/georeferencer/{job.id}/reprendre/").status_code == 404
    assert owner.get(f"/georeferencer/{job.id}/reprendre/").status_code == 405
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    response = owner.post(f"/georeferencer/{job.id}/reprendre/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.error_message) == (JobStatus.PENDING, "")
    assert "Reprise demandée" in owner.get(f"/georeferencer/{job.id}/").content.decode()
    job = job_run(job_id=job.id)
    assert job.status == JobStatus.DONE
    assert base._ids(Path(job.output_path)) == EXPECTED


def test_a_failed_job_is_resumed_through_the_api(
    media, points_csv, prefecture_agent, prefect_delegate, monkeypatch
):
    job = _failed(base._create(points_csv, prefecture_agent), monkeypatch)
    url = f"/api/georef/jobs/{job.id}/reprendre"
    assert _client(prefect_delegate).post(url).status_code == 404
    response = _client(prefecture_agent).post(url)
    assert response.status_code == 200, response.content
    assert response.json()["statut"] == JobStatus.PENDING
    again = _client(prefecture_agent).post(url)
    assert again.status_code == 409 and "Seul un traitement échoué" in again.json()["detail"]
    job = job_run(job_id=job.id)
    assert base._ids(Path(job.output_path)) == EXPECTED


def test_a_failed_job_is_resumed_from_the_command_line(
    media, points_csv, prefecture_agent, monkeypatch
):
    job = _failed(base._create(points_csv, prefecture_agent), monkeypatch)
    out = io.StringIO()
    call_command("georef_resume", str(job.id), "--here", stdout=out)
    assert "terminé" in out.getvalue()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2
    assert base._ids(Path(job.output_path)) == EXPECTED
    with pytest.raises(CommandError, match="Seul un traitement échoué peut être repris"):
        call_command("georef_resume", str(job.id))


def test_a_holder_is_gone_only_when_this_machine_can_tell():
    me = holder_current()
    boot, namespace = me.boot_id.split("/", 1)
    dead = _dead_pid()
    assert holder_gone(host=me.host, pid=dead, boot_id=me.boot_id)
    assert not holder_gone(host=me.host, pid=me.pid, boot_id=me.boot_id)  # this process
    # Another container of this machine (same boot, another PID namespace): its ids aren't ours.
    assert not holder_gone(host=me.host, pid=dead, boot_id=f"{boot}/pid:[1]")
    # A boot of this machine that ended: every process of it is gone.
    assert holder_gone(host=me.host, pid=me.pid, boot_id=f"autre-demarrage/{namespace}")
    assert not holder_gone(host="autre-machine", pid=dead, boot_id=me.boot_id)
    assert not holder_gone(host=me.host, pid=None, boot_id=me.boot_id)
