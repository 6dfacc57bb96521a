"""kill -9 during `manage.py import_qpv --apply`: the import is one transaction, so the
database is either exactly as before or exactly as after a complete import, never in between;
a re-run then succeeds. On SQLite (WAL) and, when DATABASE_URL is a PostgreSQL URL, on
PostgreSQL. (The batch-job counterpart — a worker killed mid-job, the job resumed with no row
lost or duplicated — is tests/georef/test_jobs_worker.py.)

The kill is proven to happen mid-write, whatever the engine's speed: the import runs under
tests/security/kill_probe.py, which stops it right after its N-th write to the QPV table,
inside the transaction, and says so in a marker file; the test checks the marker (the N-th
write done, a transaction open), kills the process, then checks that nothing was committed."""

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
# The national import writes the QPV table in about 30 statements on SQLite (its batches are
# bounded by the number of SQL variables) and 4 on PostgreSQL: stop after the first one and
# after about half of them.
STOPS = {"sqlite": (1, 15), "postgresql": (1, 3)}


def _import_stopped(env: dict[str, str], data_dir: Path, marker: Path, stop: int):
    command = [sys.executable, "-m", "tests.security.kill_probe", str(marker), str(stop)]
    command += ["geography_qpv", "import_qpv", str(data_dir / NATIONAL), "--apply"]
    command += ["--keep-degenerate"]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _marker(process: subprocess.Popen, marker: Path) -> str:
    deadline = time.monotonic() + 300
    while not marker.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"l'import n'a pas atteint l'écriture attendue (code {process.poll()})")
        time.sleep(0.02)
    return marker.read_text()


@pytest.mark.slow
@pytest.mark.parametrize("engine", engines())
def test_kill_9_during_an_import_leaves_the_database_unchanged(engine, tmp_path, data_dir):
    with scratch_env(tmp_path, engine=engine) as env:
        env["QUARTIERS_DATA_DIR"] = str(data_dir)
        assert manage(env, "migrate", "--noinput").returncode == 0
        assert manage(env, "import_nord", "--apply").returncode == 0
        before = shell(env, CHECKSUM)

        for stop in STOPS[engine]:
            marker = tmp_path / f"arret-{stop}.txt"
            process = _import_stopped(env, data_dir, marker, stop)
            # Stopped right after its stop-th write to the QPV table, inside its transaction;
            # another connection still sees the data of before.
            assert _marker(process, marker) == f"ecriture {stop} transaction 1"
            assert process.poll() is None
            assert shell(env, CHECKSUM) == before
            os.kill(process.pid, signal.SIGKILL)
            assert process.wait() == -signal.SIGKILL
            assert marker.read_text() == f"ecriture {stop} transaction 1"  # never reached "fin"
            assert shell(env, CHECKSUM) == before

        result = manage(env, "import_qpv", str(data_dir / NATIONAL), "--apply", "--keep-degenerate")
        assert result.returncode == 0, result.stderr
        after = shell(env, CHECKSUM)
        assert after != before
        counts = [int(state.splitlines()[-1].split()[0]) for state in (before, after)]
        assert counts[1] > counts[0]  # the national QPV are all there
