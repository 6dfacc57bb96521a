"""Server time of the map page and of its GeoJSON layers, payload sizes raw and gzipped.

Usage: .venv/bin/python bench/map_page.py [--repeat 15]

Imports the real Nord into a throwaway SQLite file, then times requests in-process with
Django's test client (server time only: no network, no browser). The baseline is a trivial
page (the login form) measured in the same run; every time is also printed as a ratio of it.
"Cold" clears the cache before each request (first visitor after an import), "warm" serves
the cached payload. "exact" is the layer with simplification turned off (tolerance 0,
coordinates still rounded to 5 decimals); the full-precision export is shown for reference.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup(db_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["SQLITE_PATH"] = str(db_path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from quartiers.geography.importers import import_nord_demo

    call_command("migrate", verbosity=0)
    import_nord_demo(data_dir=Path(settings.DATA_DIR), apply=True)


def _time(client, url: str, repeat: int, cold: bool) -> tuple[float, int]:
    from django.core.cache import cache

    samples = []
    size = 0
    for _ in range(repeat):
        if cold:
            cache.clear()
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.content)
    return statistics.median(samples) * 1000, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        _setup(Path(tmp) / "bench.sqlite3")
        print(f"Import du Nord (base temporaire) : {time.perf_counter() - started:.1f} s")
        _run(args.repeat)


def _run(repeat: int) -> None:
    from django.test import Client

    client = Client()
    base_ms, _ = _time(client, "/connexion/", repeat, cold=False)
    print(f"\nRéférence (page de connexion) : {base_ms:.2f} ms (médiane de {repeat})\n")
    print(f"{'requête':50} {'ms':>8} {'× réf.':>7} {'octets':>10} {'gzip':>9}")

    def row(label: str, url: str, cold: bool = False) -> None:
        ms, size = _time(client, url, repeat, cold=cold)
        gz = len(gzip.compress(client.get(url).content, 6))  # level 6, as the view does
        print(f"{label:50} {ms:8.2f} {ms / base_ms:7.1f} {size:10d} {gz:9d}")

    row("accueil /", "/")
    row("page carte /carte/", "/carte/")
    row("fiche QPV /qpv/QN05969M/", "/qpv/QN05969M/")
    for layer in ("qpv", "communes", "arrondissements", "departement"):
        url = f"/carte/{layer}.geojson"
        row(f"{layer}.geojson simplifié, froid", url, cold=True)
        row(f"{layer}.geojson simplifié, en cache", url)
        row(f"{layer}.geojson exact (tolérance 0), froid", url + "?simplification=0", cold=True)
    row("carte/qpv/QN05969M.geojson (petite carte)", "/carte/qpv/QN05969M.geojson", cold=True)
    row("export qpv GeoJSON (pleine précision)", "/qpv/export.geojson")

    total = {}
    for simplification in ("0.0005", "0"):
        raw = gz = 0
        for layer in ("qpv", "communes", "arrondissements", "departement"):
            body = client.get(f"/carte/{layer}.geojson?simplification={simplification}").content
            raw += len(body)
            gz += len(gzip.compress(body, 6))
        total[simplification] = (raw, gz)
    (s_raw, s_gz), (e_raw, e_gz) = total["0.0005"], total["0"]
    print(
        f"\nCarte complète (4 couches) : simplifiée {s_raw / 1024:.0f} Kio ({s_gz / 1024:.0f} Kio "
        f"gzip), exacte {e_raw / 1024:.0f} Kio ({e_gz / 1024:.0f} Kio gzip) — "
        f"simplification ×{e_raw / s_raw:.2f} brut, ×{e_gz / s_gz:.2f} gzip"
    )


if __name__ == "__main__":
    main()
