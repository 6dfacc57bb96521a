"""Benchmark: geocoding throughput against the local addok, one request per address
(``GET /search/``) vs CSV batches (``POST /search/csv/``), then through the cache (cold, then
warm), then the batch and single strategies against a local server of the Géoplateforme
protocol that answers 429 + Retry-After beyond 50 requests/s like the national service
(tests/georef/geoplateforme_server.py, over the same addok).

Usage: .venv/bin/python bench/geocode.py [--url http://127.0.0.1:7878] [--repeat 2]
       [--concurrency 1 2 4] [--batch-rows 500]

Addresses: the geocoder-tester queries of the indexed Nord addresses (tests/georef), repeated
--repeat times. The local addok is started with scripts/addok/setup.sh when it does not
answer; without it the bench says so and stops. The cache phases use the bench database
(var/bench/db.sqlite3, as bench/georef_file.py). Lines to read: ``batch_vs_single=<ratio>``,
``cache_warm_vs_cold=<ratio>`` and ``geoplateforme_max_per_second=<n> refused=<n>``
(must stay ≤ 50 and 0).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SQLITE_PATH", str(ROOT / "var" / "bench" / "db.sqlite3"))

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
from django.conf import settings  # noqa: E402

from quartiers.georef.geocoder import AddressQuery, GeocoderClient, GeocoderConfig  # noqa: E402
from tests.georef.geocoder_cases import distance_m, geocoder_tester_rows  # noqa: E402


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/search/", params={"q": "lille"}, timeout=5).is_success
    except httpx.HTTPError:
        return False


def _run(url: str, queries: list[AddressQuery], mode: str, concurrency: int, rows: int):
    config = GeocoderConfig(
        base_url=url, rate_per_s=1e6, max_concurrency=concurrency, batch_max_rows=rows
    )
    with GeocoderClient(config) as client:
        start = time.perf_counter()
        pages = (
            client.geocode_single(queries) if mode == "single" else client.geocode_batch(queries)
        )
        results = [r for page in pages for r in page]
        elapsed = time.perf_counter() - start
        return results, elapsed, client.requests_sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("ADDOK_URL", "http://127.0.0.1:7878"))
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--batch-rows", type=int, default=500)
    args = parser.parse_args()
    url = args.url.rstrip("/")
    if not _answers(url):
        subprocess.run(["bash", str(ROOT / "scripts/addok/setup.sh")], check=False)
    if not _answers(url):
        print(f"addok ne répond pas sur {url} : benchmark non exécuté.")
        return

    cases = geocoder_tester_rows(Path(settings.DATA_DIR)) * args.repeat
    queries = [AddressQuery(case.query) for case in cases]
    print(f"{len(queries)} adresses (requêtes geocoder-tester × {args.repeat}), addok {url}")
    print(f"{'mode':<8}{'threads':>8}{'requests':>10}{'seconds':>9}{'addr/s':>9}{'found≤tol':>11}")
    best = {"single": 0.0, "batch": 0.0}
    for mode in ("single", "batch"):
        for concurrency in args.concurrency:
            results, elapsed, sent = _run(url, queries, mode, concurrency, args.batch_rows)
            hits = sum(
                r.found and distance_m(r.lon, r.lat, c.lon, c.lat) <= c.tolerance_m
                for r, c in zip(results, cases, strict=True)
            )
            rate = len(queries) / elapsed
            best[mode] = max(best[mode], rate)
            print(
                f"{mode:<8}{concurrency:>8}{sent:>10}{elapsed:>9.2f}{rate:>9.0f}"
                f"{hits / len(queries):>11.1%}"
            )
    print(f"best single: {best['single']:.0f} addr/s, best batch: {best['batch']:.0f} addr/s")
    # The public service allows 50 requests/s per IP address: one address per request caps
    # single mode there, whatever the local figure.
    public = min(best["single"], 50.0)
    print(f"single under the public limit (50 req/s): {public:.0f} addr/s at most")
    print(f"batch_vs_single_public={best['batch'] / public:.1f}")
    print(f"batch_vs_single={best['batch'] / best['single']:.2f}")
    cache_phase(url, queries)
    geoplateforme_phase(url, queries)


def cache_phase(url: str, queries: list[AddressQuery]) -> None:
    """addresses_geocode (the file jobs' path): cache cold (emptied for this service), then
    warm (every answer known: no request)."""
    from django.core.management import call_command

    from quartiers.georef.geocoder import addresses_geocode
    from quartiers.georef.models import GeocodeCache

    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    config = GeocoderConfig(base_url=url, rate_per_s=1e6, max_concurrency=4, batch_max_rows=500)
    GeocodeCache.objects.filter(service=config.service).delete()
    rates = {}
    for state in ("cold", "warm"):
        with GeocoderClient(config) as client:
            start = time.perf_counter()
            n = sum(len(page) for page in addresses_geocode(queries=queries, client=client))
            elapsed = time.perf_counter() - start
            rates[state] = n / elapsed
            print(
                f"cache {state}: {n} adresses en {elapsed:.2f} s ({rates[state]:.0f} addr/s), "
                f"{client.requests_sent} requêtes"
            )
    print(f"cache_warm_vs_cold={rates['warm'] / rates['cold']:.1f}")


def geoplateforme_phase(url: str, queries: list[AddressQuery]) -> None:
    """The default client (45 requests/s, 4 threads) against a server that refuses beyond
    50 requests/s per client with 429 + Retry-After 5 s, as the Géoplateforme does."""
    from tests.georef.geoplateforme_server import geoplateforme_start

    running = geoplateforme_start(addok_url=url, rate=50.0, retry_after_s=5)
    try:
        config = GeocoderConfig.from_settings(base_url=running.state.base_url, batch_max_rows=500)
        for mode, subset in (("batch", queries), ("single", queries[:600])):
            before = len(running.state.log)
            with GeocoderClient(config) as client:
                start = time.perf_counter()
                pages = (
                    client.geocode_batch(subset)
                    if mode == "batch"
                    else client.geocode_single(subset)
                )
                found = sum(r.found for page in pages for r in page)
                elapsed = time.perf_counter() - start
            print(
                f"géoplateforme locale, {mode}: {len(subset)} adresses en {elapsed:.2f} s "
                f"({len(subset) / elapsed:.0f} addr/s), {found} trouvées, "
                f"{len(running.state.log) - before} requêtes"
            )
        print(
            f"geoplateforme_max_per_second={running.state.max_per_second()} "
            f"refused={running.state.refused()}"
        )
    finally:
        running.stop()


if __name__ == "__main__":
    main()
