"""Load test: gunicorn on loopback, 50 concurrent users on the main pages and the single-point
lookup API, p50/p95/p99 and errors per endpoint, with a static file as the baseline.

Usage:
  .venv/bin/python bench/load.py [--users 50] [--seconds 20] [--workers 3] [--threads 4]
  DATABASE_URL=postgres://… .venv/bin/python bench/load.py   # an empty PostgreSQL database

Sets up the demo data (`manage.py migrate` + `demo_setup`) in a throwaway SQLite file (or in
the empty PostgreSQL database of DATABASE_URL), starts gunicorn (PRODUCTION-like: DEBUG off,
static files through WhiteNoise) on a free port, warms every URL once, then runs `--users`
threads for `--seconds` seconds. Each thread is a "user" with its own HTTP connection that
requests the endpoints in turn and pauses `--think` seconds on average between two requests
(uniform between half and 1.5 times it, as locust's `between`); `--think 0` is a saturation
test. The client runs on the same machine and takes CPU from the server.
Targets (issue 7): p95 < 100 ms for pages, < 50 ms for the single-point lookup.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
# Nord bounding box (WGS84) for random single-point lookups.
NORD = (2.06, 50.01, 4.24, 51.09)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        MEDIA_ROOT=str(folder / "media"),
        HUEY_SQLITE_PATH=str(folder / "huey.sqlite3"),
        CACHE_DIR=str(folder / "cache"),
        DEBUG="false",
        LOG_LEVEL="ERROR",
    )
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        env["DATABASE_URL"] = ""
        env["SQLITE_PATH"] = str(folder / "load.sqlite3")
    return env


def _setup(env: dict[str, str]) -> None:
    for args in (["migrate", "--noinput", "-v0"], ["demo_setup"]):
        subprocess.run(
            [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )


def _serve(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen:
    command = [
        PY,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--log-level",
        "warning",
        "--keep-alive",
        "75",  # as behind a reverse proxy: idle users keep their connection
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/connexion/", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn n'a pas démarré")


def _endpoints(base: str) -> dict[str, str | None]:
    """Name → URL (None: a random point for the lookup API)."""
    qpv = httpx.get(f"{base}/api/qpv?limit=1", timeout=10)
    code = "QN05901M"
    if qpv.status_code == 200:
        items = qpv.json().get("items") or qpv.json().get("results") or []
        code = items[0]["code"] if items else code
    endpoints: dict[str, str | None] = {
        "static (référence)": "/static/css/quartiers.css",
        "accueil /": "/",
        "/carte/": "/carte/",
        "/qpv/": "/qpv/",
        f"/qpv/{code}/": f"/qpv/{code}/",
        "/contrats/": "/contrats/",
        "/chiffres-cles/": "/chiffres-cles/",
    }
    probe = httpx.get(f"{base}/api/georef/point?lon=3.06&lat=50.63", timeout=10)
    if probe.status_code == 200:
        endpoints["API /api/georef/point"] = None
    else:
        print(f"(API du point unique absente : HTTP {probe.status_code}, non mesurée)")
    return endpoints


def _user(base, endpoints, stop_at, results, errors, seed, think) -> None:
    rng = random.Random(seed)
    names = list(endpoints)
    rng.shuffle(names)
    with httpx.Client(base_url=base, timeout=30) as client:
        turn = 0
        while time.monotonic() < stop_at:
            name = names[turn % len(names)]
            turn += 1
            url = endpoints[name]
            if url is None:
                lon = rng.uniform(NORD[0], NORD[2])
                lat = rng.uniform(NORD[1], NORD[3])
                url = f"/api/georef/point?lon={lon:.5f}&lat={lat:.5f}"
            start = time.perf_counter()
            try:
                response = client.get(url)
                elapsed = time.perf_counter() - start
                if response.status_code != 200:
                    errors[name].append(str(response.status_code))
                else:
                    results[name].append(elapsed)
            except httpx.HTTPError as exc:
                errors[name].append(type(exc).__name__)
            if think:
                time.sleep(rng.uniform(think / 2, think * 1.5))


def _quantile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def run(*, users: int, seconds: float, workers: int, threads: int, think: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = _env(Path(folder))
        engine = "PostgreSQL" if env["DATABASE_URL"] else "SQLite"
        print(f"Préparation des données de démonstration ({engine})…")
        _setup(env)
        port = _free_port()
        server = _serve(env, port, workers, threads)
        base = f"http://127.0.0.1:{port}"
        try:
            endpoints = _endpoints(base)
            for url in endpoints.values():  # warm-up: caches, spatial index per worker
                for _ in range(workers * 2):
                    httpx.get(base + (url or "/api/georef/point?lon=3.06&lat=50.63"), timeout=60)
            results = {name: [] for name in endpoints}
            errors = {name: [] for name in endpoints}
            stop_at = time.monotonic() + seconds
            pool = [
                threading.Thread(
                    target=_user, args=(base, endpoints, stop_at, results, errors, i, think)
                )
                for i in range(users)
            ]
            started = time.monotonic()
            for thread in pool:
                thread.start()
            for thread in pool:
                thread.join()
            wall = time.monotonic() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
    total = sum(len(v) for v in results.values())
    print(
        f"\n{engine}, gunicorn {workers} workers × {threads} threads, {users} utilisateurs "
        f"simultanés (pause {think:g} s), {wall:.0f} s, {total} réponses "
        f"({total / wall:.0f} req/s), charge machine {os.getloadavg()[0]:.1f} "
        f"pour {os.cpu_count()} cœurs"
    )
    print(
        f"{'point de terminaison':<26}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'× réf p95':>11}{'erreurs':>9}"
    )
    ref = _quantile(results["static (référence)"], 95)
    for name, values in results.items():
        p50, p95, p99 = (_quantile(values, q) * 1000 for q in (50, 95, 99))
        print(
            f"{name:<26}{len(values):>7}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}"
            f"{p95 / (ref * 1000):>11.1f}{len(errors[name]):>9}"
        )
        if errors[name]:
            print(f"    erreurs : {sorted(set(errors[name]))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--think", type=float, default=1.0, help="pause moyenne (s)")
    args = parser.parse_args()
    run(
        users=args.users,
        seconds=args.seconds,
        workers=args.workers,
        threads=args.threads,
        think=args.think,
    )


if __name__ == "__main__":
    main()
