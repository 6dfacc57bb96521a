"""A job through a real worker process (`manage.py run_huey`), killed with SIGKILL mid-job and
resumed by a second worker started right after: the job's page says « reprise en cours » with
its committed progress meanwhile, the second worker takes the job over at once because its
holder process is gone (the heartbeat delay is set to an hour: it cannot be what frees the
job), and the result has every input row exactly once, in order.

Everything runs in subprocesses on a SQLite file of its own (pytest-django's test database is
in memory, invisible to other processes): migrate, import the Nord QPV, submit the job with
`manage.py georef --queue`, run workers. The queue is SqliteHuey on a temporary file, and
RedisHuey as well when REDIS_URL is set.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings

pytestmark = pytest.mark.slow

ROWS = 60_000
MANAGE = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
CHECKED = {"check": True, "capture_output": True, "text": True}


def _state(db: Path, job_id: str) -> tuple[str, int, int | None, int]:
    with sqlite3.connect(db, timeout=10) as connection:
        row = connection.execute(
            "SELECT status, rows_done, rows_total, attempts FROM georef_georefjob WHERE id = ?",
            (uuid.UUID(job_id).hex,),
        ).fetchone()
    return row


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"délai dépassé : {what}")


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as handle:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [*MANAGE, "run_huey", "--workers", "1", "--no-periodic"],
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )


def worker_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Subprocesses on a SQLite file and a huey queue of their own under ``tmp_path``."""
    env = {
        **os.environ,
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "HUEY_SQLITE_PATH": str(tmp_path / "huey.sqlite3"),
        "HUEY_NAME": f"test-{uuid.uuid4().hex[:8]}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **extra,
    }
    # The subprocesses share a SQLite file whatever database the suite runs on (the tests read
    # the job's state from it directly).
    env.pop("DATABASE_URL", None)
    return env


def _progress(env: dict[str, str], job_id: str) -> dict:
    code = (
        "import json; from quartiers.georef.models import GeorefJob; "
        f"print(json.dumps(GeorefJob.objects.get(pk='{job_id}').progress()))"
    )
    out = subprocess.run([*MANAGE, "shell", "-c", code], env=env, **CHECKED).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_a_killed_worker_is_resumed_by_another_without_losing_a_row(tmp_path, data_dir, backend):
    env = worker_env(tmp_path, GEOREF_JOB_STALE_SECONDS="3600", GEOREF_JOB_CHUNK_PAUSE_S="0.05")
    if backend == "redis":
        if not os.environ.get("REDIS_URL"):
            pytest.skip("REDIS_URL n'est pas défini : pas de serveur Redis pour ce test")
    else:
        env.pop("REDIS_URL", None)
    run = {"env": env, **CHECKED}
    subprocess.run([*MANAGE, "migrate", "-v0"], **run)
    subprocess.run(
        [*MANAGE, "import_qpv", str(data_dir / "qpv" / "qpv2024_nord.geojson"), "--apply"], **run
    )
    rng = np.random.default_rng(11)
    lon, lat = rng.uniform(3.0, 3.4, ROWS), rng.uniform(50.3, 50.7, ROWS)
    source = tmp_path / "points.csv"
    lines = (f"{i},{x:.6f},{y:.6f}\n" for i, (x, y) in enumerate(zip(lon, lat, strict=True)))
    source.write_text("id,lon,lat\n" + "".join(lines), encoding="utf-8")
    submitted = subprocess.run(
        [*MANAGE, "georef", str(source), "--queue", "--chunk-bytes", "20000"], **run
    )
    job_id = submitted.stdout.strip().splitlines()[-1]
    db = tmp_path / "db.sqlite3"
    assert _state(db, job_id)[0] == "pending"

    log = tmp_path / "worker.log"
    first = _worker(env, log)
    try:
        _wait(lambda: _state(db, job_id)[1] >= ROWS // 4, 120, "premier worker")
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    status, done, total, attempts = _state(db, job_id)
    assert (status, attempts, total) == ("running", 1, ROWS)
    assert 0 < done < ROWS
    progress = _progress(env, job_id)
    assert progress["status_label"] == "reprise en cours" and progress["resuming"]
    assert progress["percent"] == round(100 * done / ROWS, 1) > 0

    # Started at once (the heartbeat is fresh): it takes the job over at start-up.
    second = _worker(env, log)
    try:
        _wait(lambda: _state(db, job_id)[0] == "done", 180, "second worker")
    finally:
        second.send_signal(signal.SIGINT)
        second.wait(timeout=30)
    status, done, total, attempts = _state(db, job_id)
    assert (status, done, total, attempts) == ("done", ROWS, ROWS, 2)
    output = tmp_path / "media" / "georef" / "jobs" / job_id / "resultat.csv"
    text = output.read_bytes()[3:].decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert [r[0] for r in rows[1:]] == [str(i) for i in range(ROWS)], log.read_text()[-2000:]
