"""Benchmark: time and peak memory of the QPV import (Nord file, national file).

Usage: .venv/bin/python bench/import_qpv.py [--repeat 3]

Every measurement runs in its own subprocess on a fresh SQLite database (migrated, with the
Nord referential already imported so that QPV links are written), so the numbers do not
depend on each other. The baseline, measured in the same run, is the bare minimum any
importer does: ``json.load`` of the file plus ``shapely.from_geojson`` of every geometry.
Time is the median of --repeat runs (without tracemalloc); memory is the peak of Python
allocations (tracemalloc, one extra run) and the growth of the process's peak RSS (GEOS and
SQLite allocate outside Python's heap).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = {"Nord": "qpv/qpv2024_nord.geojson", "France": "qpv/qpv2024_france_simplified.geojson"}
MODES = ["baseline", "dry-run", "apply"]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _child(file_key: str, mode: str, trace: bool) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import shapely
    from django.conf import settings
    from django.core.management import call_command

    from quartiers.geography.importers import qpv_import
    from quartiers.geography.importers.referential import referential_import
    from quartiers.geography.models import QPV

    data = Path(settings.DATA_DIR)
    path = data / FILES[file_key]
    if mode != "baseline":
        call_command("migrate", verbosity=0)
        referential_import(
            departements=data / "referentiel/departement_59_2024.json",
            epcis=data / "referentiel/epci_nord_2024.json",
            communes=data / "referentiel/communes_nord_2024.csv",
            apply=True,
        )

    def run() -> None:
        if mode == "baseline":
            document = json.loads(path.read_bytes())
            geometries = shapely.from_geojson(
                [json.dumps(f["geometry"]) for f in document["features"]]
            )
            assert len(geometries) == len(document["features"])
        else:
            summary = qpv_import(source=path, apply=mode == "apply", keep_degenerate=True)
            assert summary.added in (94, 1609)

    rss_before = _rss_mb()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    run()
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else 0.0
    if mode == "apply":
        assert QPV.objects.count() in (94, 1609)
    return {"seconds": elapsed, "py_peak_mb": peak, "rss_growth_mb": _rss_mb() - rss_before}


def _measure(file_key: str, mode: str, trace: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        env = {**os.environ, "SQLITE_PATH": str(Path(tmp) / "bench.sqlite3")}
        args = [sys.executable, __file__, "--child", file_key, mode] + (
            ["--trace"] if trace else []
        )
        out = subprocess.run(args, env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("FILE", "MODE"))
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(*args.child, trace=args.trace)))
        return
    print(f"{'fichier':8} {'mode':9} {'temps (ms)':>11} {'× base':>7} {'pic Python (Mo)':>16} "
          f"{'× base':>7} {'hausse RSS (Mo)':>16}")  # fmt: skip
    for file_key in FILES:
        base: dict[str, float] = {}
        for mode in MODES:
            runs = [_measure(file_key, mode, trace=False) for _ in range(args.repeat)]
            seconds = statistics.median(r["seconds"] for r in runs)
            rss = statistics.median(r["rss_growth_mb"] for r in runs)
            peak = _measure(file_key, mode, trace=True)["py_peak_mb"]
            if mode == "baseline":
                base = {"seconds": seconds, "peak": peak}
            print(
                f"{file_key:8} {mode:9} {seconds * 1000:11.0f} {seconds / base['seconds']:7.1f} "
                f"{peak:16.1f} {peak / base['peak']:7.1f} {rss:16.1f}"
            )


if __name__ == "__main__":
    main()
