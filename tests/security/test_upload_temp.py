"""Temporary uploads (personal data) live in one private directory, survive no process: a
process killed with -9 while it holds an upload leaves it only until the next start, a purge
keeps the files of running processes, and a backup never archives them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from quartiers.core.backup import _media_files
from quartiers.core.uploads.tempfiles import owner_prefix
from tests.security.scratch_db import ROOT

# A real process that receives a multipart upload through the app's upload handler, then
# "processes" it (sleeps), as a beneficiaries' upload does while it geocodes.
UPLOADER = """
import django, io, time
django.setup()
from django.test import RequestFactory
from django.core.files.uploadedfile import SimpleUploadedFile
request = RequestFactory().post("/", {"file": SimpleUploadedFile("b.csv", b"lon;lat\\n" * 5000)})
upload = request.FILES["file"]
print(upload.temporary_file_path(), flush=True)
time.sleep(60)
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(UPLOAD_TEMP_DIR=str(tmp_path / "upload-tmp"), MEDIA_ROOT=str(tmp_path / "media"))
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    return env


def test_a_kill_9_during_an_upload_leaves_no_file_after_the_next_start(tmp_path):
    env = _env(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-c", UPLOADER], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        path = Path(process.stdout.readline().strip())
        assert path.parent == tmp_path / "upload-tmp" and path.is_file()
        assert path.stat().st_size == len(b"lon;lat\n" * 5000)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        process.stdout.close()
    assert path.is_file()  # the crash left it (what the next start must clean up)
    started = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, timeout=120
    )
    assert started.returncode == 0, started.stderr
    assert not path.exists()
    assert list((tmp_path / "upload-tmp").iterdir()) == []


def test_the_purge_keeps_the_uploads_of_running_processes(tmp_path, settings):
    settings.UPLOAD_TEMP_DIR = tmp_path / "upload-tmp"
    settings.UPLOAD_TEMP_DIR.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    mine = settings.UPLOAD_TEMP_DIR / f"{owner_prefix()}abc.upload.csv"
    orphan = settings.UPLOAD_TEMP_DIR / f"{owner_prefix(int(dead))}def.upload.csv"
    stale = settings.UPLOAD_TEMP_DIR / "inconnu.csv"
    for path in (mine, orphan, stale):
        path.write_text("lon;lat\n")
    old = time.time() - settings.UPLOAD_TEMP_MAX_AGE_S - 60
    os.utime(stale, (old, old))
    call_command("uploads_purge")
    assert mine.exists() and not orphan.exists() and not stale.exists()


def test_the_periodic_purge_is_a_task_of_the_queue():
    from huey.api import PeriodicTask

    from quartiers.georef import tasks

    assert isinstance(tasks.uploads_purge_task.task_class(), PeriodicTask)


@pytest.mark.django_db
def test_a_backup_never_archives_uploads_being_processed(tmp_path, settings):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    settings.UPLOAD_TEMP_DIR = media / "upload-tmp"  # even when configured inside MEDIA_ROOT
    (media / "contrats").mkdir(parents=True)
    (media / "contrats" / "convention.pdf").write_bytes(b"%PDF-1.7\n")
    (media / "upload-tmp" / "depots" / "abc").mkdir(parents=True)
    (media / "upload-tmp" / "depots" / "abc" / "depot.csv").write_text("adresse\n")
    (media / "upload-tmp" / f"{owner_prefix()}x.upload.csv").write_text("adresse\n")
    (media / "tmp").mkdir()
    (media / "tmp" / "tmpab12.csv").write_text("adresse\n")  # where older versions left them
    assert list(_media_files()) == ["contrats/convention.pdf"]
