"""After an import from the command line, every process answers with the new contours: two
gunicorn servers and a huey worker that had the old index in memory, without a restart.

Subprocesses on a SQLite file of their own, the shared stores under a temporary CACHE_DIR.
The expected answers come from shapely on the source file and on the moved copy written here
(one QPV moved 0.2° east; never committed)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import uuid
from pathlib import Path

import httpx
import pytest
import shapely
from shapely.geometry import shape

from tests.georef.test_jobs_worker import CHECKED, MANAGE, _wait, _worker, worker_env
from tests.live_servers import free_port, gunicorn_start, process_stop

pytestmark = pytest.mark.slow
MOVED = "QN05901M"
SHIFT = 0.2  # degrees of longitude


def _contours(geojson: dict) -> dict[str, shapely.Geometry]:
    return {f["properties"]["code_qp"]: shape(f["geometry"]) for f in geojson["features"]}


def _expected(contours: dict[str, shapely.Geometry], point: tuple[float, float]) -> str | None:
    codes = [code for code, geom in contours.items() if geom.contains(shapely.Point(point))]
    assert len(codes) <= 1
    return codes[0] if codes else None


def _served(port: int, point: tuple[float, float]) -> str | None:
    answer = httpx.get(
        f"http://127.0.0.1:{port}/api/georef/point",
        params={"lon": point[0], "lat": point[1]},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    qpv = answer.json()["qpv"]
    return qpv["code"] if qpv else None


def _job_codes(env: dict[str, str], tmp: Path, points: list[tuple[float, float]]) -> list:
    """The QPV codes a job run by the (running) worker gives to ``points``."""
    source = tmp / f"points-{uuid.uuid4().hex[:6]}.csv"
    source.write_text(
        "id,lon,lat\n" + "".join(f"{i},{x},{y}\n" for i, (x, y) in enumerate(points)),
        encoding="utf-8",
    )
    run = {"env": env, "check": True, "capture_output": True, "text": True}
    job_id = subprocess.run([*MANAGE, "georef", str(source), "--queue"], **run).stdout.split()[-1]
    output = tmp / "media" / "georef" / "jobs" / job_id / "resultat.csv"
    _wait(output.exists, 120, "traitement par le worker")
    rows = list(csv.DictReader(io.StringIO(output.read_bytes()[3:].decode()), delimiter=";"))
    return [row["code_qpv"] or None for row in rows]


def test_servers_and_workers_answer_with_the_new_contours_after_a_cli_import(tmp_path, data_dir):
    original = data_dir / "qpv" / "qpv2024_nord.geojson"
    geojson = json.loads(original.read_text(encoding="utf-8"))
    before = _contours(geojson)
    for feature in geojson["features"]:
        if feature["properties"]["code_qp"] == MOVED:
            moved = shapely.affinity.translate(shape(feature["geometry"]), xoff=SHIFT)
            feature["geometry"] = shapely.geometry.mapping(moved)
    moved_file = tmp_path / "qpv2024_nord_deplace.geojson"
    moved_file.write_text(json.dumps(geojson), encoding="utf-8")
    after = _contours(geojson)
    inside = before[MOVED].representative_point()
    points = [(inside.x, inside.y), (inside.x + SHIFT, inside.y)]
    # The oracle: the first point leaves the QPV, the second enters it.
    old_answers = [_expected(before, p) for p in points]
    new_answers = [_expected(after, p) for p in points]
    assert old_answers == [MOVED, None] and new_answers == [None, MOVED]

    env = worker_env(
        tmp_path,
        REDIS_URL="",
        CACHE_DIR=str(tmp_path / "cache"),
        GEOREF_INDEX_CACHE_DIR=str(tmp_path / "georef-index"),
        API_RATE_PER_MINUTE="0",
        ALLOWED_HOSTS="127.0.0.1",
    )
    run = {"env": env, **CHECKED}
    subprocess.run([*MANAGE, "migrate", "-v0"], **run)
    subprocess.run([*MANAGE, "import_qpv", str(original), "--apply"], **run)

    ports = [free_port(), free_port()]
    servers = [gunicorn_start(env, port=port, workers=1) for port in ports]
    worker = _worker(env, tmp_path / "worker.log")
    try:
        # Every process builds (and keeps) the index of the original contours.
        for port in ports:
            assert [_served(port, p) for p in points] == old_answers
        assert _job_codes(env, tmp_path, points) == old_answers

        subprocess.run([*MANAGE, "import_qpv", str(moved_file), "--apply"], **run)

        # The servers and the worker, still running, answer with the new contours (a process
        # checks the shared version at most once a second: poll until then).
        for port in ports:
            _wait(
                lambda port=port: [_served(port, p) for p in points] == new_answers, 30, "serveur"
            )
        assert _job_codes(env, tmp_path, points) == new_answers
        assert all(server.poll() is None for server in servers) and worker.poll() is None
    finally:
        for process in (*servers, worker):
            process_stop(process)
