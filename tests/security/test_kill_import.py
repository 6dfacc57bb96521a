"""kill -9 during `manage.py import_qpv --apply`: the import is one transaction, so the
database is either exactly as before or exactly as after a complete import, never in between;
a re-run then succeeds. On SQLite (WAL) and, when DATABASE_URL is a PostgreSQL URL, on
PostgreSQL. (The batch-job counterpart — a worker killed mid-job, the job resumed with no row
lost or duplicated — is tests/georef/test_jobs_worker.py.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.security.scratch_db import ROOT, engines, manage, scratch_env, shell

NATIONAL = "qpv/qpv2024_france_simplified.geojson"
CHECKSUM = (
    "import hashlib; from quartiers.geography.models import QPV, ImportRun; "
    "rows = QPV.objects.order_by('generation', 'code').values_list(); "
    "print(QPV.objects.count(), ImportRun.objects.count(), "
    "hashlib.sha256(repr(list(rows)).encode()).hexdigest())"
)


def _import(env: dict[str, str], data_dir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "import_qpv",
            str(data_dir / NATIONAL),
            "--apply",
            "--keep-degenerate",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wal_size(env: dict[str, str]) -> int:
    wal = Path(env.get("SQLITE_PATH", "") + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def _kill_when_writing(env, data_dir, *, engine: str, delay: float) -> tuple[bool, bool]:
    """Starts the import and kills it `delay` s after it began writing (SQLite: its WAL file
    grows; PostgreSQL: `delay` s after the start). Returns (killed, writing_seen)."""
    wal_start = _wal_size(env)
    process = _import(env, data_dir)
    writing_seen = False
    started = time.monotonic()
    deadline = started + 60
    while process.poll() is None and time.monotonic() < deadline:
        if engine == "sqlite" and not writing_seen and _wal_size(env) > wal_start:
            writing_seen, started = True, time.monotonic()
        if (engine != "sqlite" or writing_seen) and time.monotonic() - started >= delay:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return True, writing_seen or engine != "sqlite"
        time.sleep(0.005)
    process.wait()
    return False, writing_seen


@pytest.mark.slow
@pytest.mark.parametrize("engine", engines())
def test_kill_9_during_an_import_leaves_the_database_unchanged(engine, tmp_path, data_dir):
    with scratch_env(tmp_path, engine=engine) as env:
        env["QUARTIERS_DATA_DIR"] = str(data_dir)
        assert manage(env, "migrate", "--noinput").returncode == 0
        assert manage(env, "import_nord", "--apply").returncode == 0
        before = shell(env, CHECKSUM)

        # Delays after the start of the writes (SQLite) or of the process (PostgreSQL: its
        # start-up and validation take about 3 s before the first write).
        delays = [0.0, 0.2, 0.6] if engine == "sqlite" else [2.0, 3.0, 3.5, 4.0]
        killed_mid_write = 0
        states = []
        for delay in delays:
            killed, writing = _kill_when_writing(env, data_dir, engine=engine, delay=delay)
            state = shell(env, CHECKSUM)
            states.append(state)
            if killed and writing and state == before:
                killed_mid_write += 1
            if state != before:
                break  # the kill came after the commit: the import is complete
        assert killed_mid_write >= 1, "aucun arrêt pendant l'écriture : délais à revoir"

        result = manage(env, "import_qpv", str(data_dir / NATIONAL), "--apply", "--keep-degenerate")
        assert result.returncode == 0, result.stderr
        after = shell(env, CHECKSUM)
        assert after != before
        # All or nothing: every state seen after a kill is "before" or the complete import
        # (ImportRun counts aside: a complete run adds one).
        qpv_state = [s.rsplit(" ", 2)[0::2] for s in states]
        assert all(
            s in (before.rsplit(" ", 2)[0::2], after.rsplit(" ", 2)[0::2]) for s in qpv_state
        )
