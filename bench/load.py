"""Load test: gunicorn on loopback, 50 concurrent users on the main pages and the single-point
(and single-address) lookup API, p50/p95/p99 and errors per endpoint, with a static file as the
baseline.

Usage:
  .venv/bin/python bench/load.py [--users 50] [--seconds 30] [--think 1] [--workers 3]
                                 [--threads 4] [--postgres] [--no-page-cache]
  DATABASE_URL=postgres://… .venv/bin/python bench/load.py   # an empty PostgreSQL database
  .venv/bin/python bench/load.py --logged-in [...]   # agents and délégués: bench/load_logged_in.py

Sets up the demo data (`manage.py migrate` + `demo_setup`) in a throwaway SQLite file, in a
throwaway PostgreSQL 15 cluster (`--postgres`: /usr/lib/postgresql/15/bin, a free port,
deleted afterwards) or in the empty database of DATABASE_URL; starts gunicorn (DEBUG off,
static files through WhiteNoise) on a free port, warms every URL, then runs `--users` threads
for `--seconds` seconds. Each thread is a "user" with its own HTTP connection that requests
the endpoints in turn and pauses `--think` seconds on average between two requests (uniform
between half and 1.5 times it, as locust's `between`); `--think 0` is a saturation test.

The load model, stated in the output:
- all users are anonymous (the public pages; logged-in pages are never served from the page
  cache, quartiers/core/pagecache.py) and come from 127.0.0.1, so the server is started with
  API_RATE_PER_MINUTE=0: the API's per-address limit (120/min) would otherwise answer 429 to
  the 50 users as if they were one client (`--api-rate N` keeps a limit);
- the single-address API is measured when a local addok answers (`make addok`, --addok URL):
  addresses of the Nord geocoder-tester file, in random order (first ones geocoded, then from
  the geocoding cache);
- `--no-page-cache` (PAGE_CACHE_SECONDS=0) measures the pages rendered on every request;
- the client runs on the same machine and takes CPU from the server: the output gives the CPU
  used by the server, by the client and by the whole machine (other processes included) and
  the load average before and after.
Targets (issue 7): p95 < 100 ms for pages, < 50 ms for the single-point lookup.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
# Nord bounding box (WGS84) for random single-point lookups.
NORD = (2.06, 50.01, 4.24, 51.09)
POINT = "API /api/georef/point"
ADDRESS = "API /api/georef/adresse"
STATIC = "static (référence)"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
DATA_DIR = Path(os.environ.get("QUARTIERS_DATA_DIR", ROOT.parent / "shared" / "data"))
ADDRESSES = DATA_DIR / "adresses" / "adresses_nord_geocoder_tester.csv"
TICKS = os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- throwaway PostgreSQL -------------------------------------------------------------------


@contextmanager
def _postgres(folder: Path):
    """A PostgreSQL 15 cluster in `folder` on a free port (as the `postgres` account when run
    as root: initdb refuses root), stopped and deleted on exit. Yields its DATABASE_URL."""
    if not (PG_BIN / "initdb").exists():
        raise SystemExit(f"PostgreSQL 15 introuvable ({PG_BIN}) : paquet postgresql-15.")
    data, port = folder / "pg", _free_port()
    data.mkdir()
    run_as: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(data, user="postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    pg_ctl = [*run_as, str(PG_BIN / "pg_ctl"), "-D", str(data / "data")]
    initdb = [str(PG_BIN / "initdb"), "-D", str(data / "data"), "-U", "postgres"]
    subprocess.run(
        [*run_as, *initdb, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {data}"
    subprocess.run(
        [*pg_ctl, "-l", str(data / "server.log"), "-w", "-t", "60", "-o", options, "start"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        createdb = [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port)]
        subprocess.run([*createdb, "-U", "postgres", "quartiers_load"], check=True)
        yield f"postgres://postgres@127.0.0.1:{port}/quartiers_load"
    finally:
        subprocess.run([*pg_ctl, "-m", "fast", "stop"], check=False, stdout=subprocess.DEVNULL)


# --- server ---------------------------------------------------------------------------------


def _env(folder: Path, *, database_url: str, options: argparse.Namespace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        MEDIA_ROOT=str(folder / "media"),
        HUEY_SQLITE_PATH=str(folder / "huey.sqlite3"),
        CACHE_DIR=str(folder / "cache"),
        DEBUG="false",
        LOG_LEVEL="ERROR",
        API_RATE_PER_MINUTE=str(options.api_rate),
    )
    if options.no_page_cache:
        env["PAGE_CACHE_SECONDS"] = "0"
    if options.addok_url:
        env["GEOCODER_URL"] = options.addok_url
    env["DATABASE_URL"] = database_url
    if not database_url:
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


def _addok_answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/search/", params={"q": "lille"}, timeout=3).is_success
    except httpx.HTTPError:
        return False


def _addresses() -> list[str]:
    with ADDRESSES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [" ".join(filter(None, (r["query"], r["postcode"], r["city"]))) for r in rows]


def _endpoints(base: str, *, with_address: bool) -> dict[str, str | None]:
    """Name → URL (None: a random point or address for the lookup APIs)."""
    qpv = httpx.get(f"{base}/api/qpv?limit=1", timeout=10)
    code = "QN05901M"
    if qpv.status_code == 200:
        items = qpv.json().get("items") or qpv.json().get("results") or []
        code = items[0]["code"] if items else code
    endpoints: dict[str, str | None] = {
        STATIC: "/static/css/quartiers.css",
        "accueil /": "/",
        "/carte/": "/carte/",
        "/qpv/": "/qpv/",
        f"/qpv/{code}/": f"/qpv/{code}/",
        "/contrats/": "/contrats/",
        "/chiffres-cles/": "/chiffres-cles/",
    }
    probe = httpx.get(f"{base}/api/georef/point?lon=3.06&lat=50.63", timeout=10)
    if probe.status_code == 200:
        endpoints[POINT] = None
    else:
        print(f"(API du point unique absente : HTTP {probe.status_code}, non mesurée)")
    if with_address:
        endpoints[ADDRESS] = None
    return endpoints


# --- CPU accounting (Linux /proc) -----------------------------------------------------------


def _process_cpu(pid: int) -> float:
    """CPU seconds of a process and of its live children (gunicorn master and workers)."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICKS
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, IndexError, ValueError):
            continue
        pending += [int(c) for c in children]
    return total


def _machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / TICKS, sum(values) / TICKS


def _client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Cpu:
    server: float = 0.0
    client: float = 0.0
    machine: float = 0.0
    machine_total: float = 0.0
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)


# --- users ----------------------------------------------------------------------------------


@dataclass
class Results:
    times: dict[str, list[float]]
    errors: dict[str, list[str]]
    hits: dict[str, int] = field(default_factory=dict)


def _url(name: str, url: str | None, rng: random.Random, addresses: list[str]) -> str:
    if url is not None:
        return url
    if name == ADDRESS:
        return "/api/georef/adresse?" + str(httpx.QueryParams({"q": rng.choice(addresses)}))
    lon = rng.uniform(NORD[0], NORD[2])
    lat = rng.uniform(NORD[1], NORD[3])
    return f"/api/georef/point?lon={lon:.5f}&lat={lat:.5f}"


def _user(base, endpoints, addresses, stop_at, results: Results, seed, think) -> None:
    rng = random.Random(seed)
    names = list(endpoints)
    rng.shuffle(names)
    with httpx.Client(base_url=base, timeout=30) as client:
        turn = 0
        while time.monotonic() < stop_at:
            name = names[turn % len(names)]
            turn += 1
            url = _url(name, endpoints[name], rng, addresses)
            start = time.perf_counter()
            try:
                response = client.get(url)
                elapsed = time.perf_counter() - start
                # The address API answers 404 for an address the geocoder does not find.
                if response.status_code == 200 or (name == ADDRESS and response.status_code == 404):
                    results.times[name].append(elapsed)
                    if response.headers.get("X-Page-Cache") == "HIT":
                        results.hits[name] = results.hits.get(name, 0) + 1
                else:
                    results.errors[name].append(str(response.status_code))
            except httpx.HTTPError as exc:
                results.errors[name].append(type(exc).__name__)
            if think:
                time.sleep(rng.uniform(think / 2, think * 1.5))


def _warm_up(base: str, endpoints, addresses: list[str], *, clients: int) -> None:
    """Every URL a few times from concurrent connections, so that every worker has loaded its
    spatial index and cached the public pages (a worker that never got a page renders it on
    its first request of the run: counted, shown in the « cache » column)."""

    def visit(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=base, timeout=60) as client:
            for _ in range(3):
                for name, url in endpoints.items():
                    client.get(_url(name, url, rng, addresses))

    pool = [threading.Thread(target=visit, args=(-i,)) for i in range(clients)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()


def _quantile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _load(options: argparse.Namespace, env: dict[str, str], engine: str) -> None:
    print(f"Préparation des données de démonstration ({engine})…")
    _setup(env)
    port = _free_port()
    server = _serve(env, port, options.workers, options.threads)
    base = f"http://127.0.0.1:{port}"
    addresses = _addresses() if options.addok_url else []
    try:
        endpoints = _endpoints(base, with_address=bool(addresses))
        _warm_up(base, endpoints, addresses, clients=options.workers * options.threads)
        results = Results(
            times={name: [] for name in endpoints}, errors={name: [] for name in endpoints}
        )
        stop_at = time.monotonic() + options.seconds
        pool = [
            threading.Thread(
                target=_user,
                args=(base, endpoints, addresses, stop_at, results, i, options.think),
            )
            for i in range(options.users)
        ]
        cpu = Cpu(load_before=os.getloadavg())
        server_start, client_start = _process_cpu(server.pid), _client_cpu()
        busy_start, total_start = _machine_busy()
        started = time.monotonic()
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        wall = time.monotonic() - started
        busy_end, total_end = _machine_busy()
        cpu.server = _process_cpu(server.pid) - server_start
        cpu.client = _client_cpu() - client_start
        cpu.machine, cpu.machine_total = busy_end - busy_start, total_end - total_start
        cpu.load_after = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=30)
    _report(options, engine, results, cpu, wall)


def _report(options, engine: str, results: Results, cpu: Cpu, wall: float) -> None:
    total = sum(len(v) for v in results.times.values())
    cores = os.cpu_count() or 1
    print(f"\nCommande : {shlex.join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]])}")
    print(
        f"{engine}, gunicorn {options.workers} workers × {options.threads} threads, "
        f"{options.users} utilisateurs anonymes simultanés (pause {options.think:g} s en "
        f"moyenne), {wall:.0f} s, {total} réponses ({total / wall:.0f} req/s)"
    )
    limit = (
        "désactivée (API_RATE_PER_MINUTE=0 : tous les utilisateurs simulés viennent de 127.0.0.1)"
        if options.api_rate == 0
        else f"{options.api_rate} requêtes/min par adresse"
    )
    print(f"Limite de débit de l'API : {limit}.")
    cache = "désactivé (PAGE_CACHE_SECONDS=0)" if options.no_page_cache else "activé"
    print(f"Cache des pages publiques : {cache}.")
    if options.addok_url:
        print(f"Géocodeur : addok local {options.addok_url}.")
    else:
        print("API d'adresse non mesurée : aucun addok local ne répond (make addok).")
    print(
        f"CPU pendant la mesure ({cores} cœurs, {cpu.machine_total / cores:.0f} s) : serveur "
        f"{cpu.server / wall:.2f} cœur, client {cpu.client / wall:.2f} cœur, machine entière "
        f"{cpu.machine / wall:.2f} cœur ; charge moyenne (uptime) "
        f"{cpu.load_before[0]:.2f} avant, {cpu.load_after[0]:.2f} après"
    )
    print(
        f"{'point de terminaison':<26}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'× réf p95':>11}{'cache':>8}{'erreurs':>9}"
    )
    ref = _quantile(results.times[STATIC], 95)
    for name, values in results.times.items():
        p50, p95, p99 = (_quantile(values, q) * 1000 for q in (50, 95, 99))
        hits = f"{results.hits.get(name, 0) / len(values):.0%}" if values else "-"
        print(
            f"{name:<26}{len(values):>7}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}"
            f"{p95 / (ref * 1000):>11.1f}{hits:>8}{len(results.errors[name]):>9}"
        )
        if results.errors[name]:
            print(f"    erreurs : {sorted(set(results.errors[name]))}")
    _verdict(results)


def _verdict(results: Results) -> None:
    pages = [n for n in results.times if n not in (STATIC, POINT, ADDRESS)]
    worst = max((_quantile(results.times[n], 95) * 1000, n) for n in pages)
    errors = sum(len(e) for e in results.errors.values())
    ok_pages = worst[0] < 100
    line = f"Objectifs : pages p95 < 100 ms : {'atteint' if ok_pages else 'MANQUÉ'} (pire : "
    line += f"{worst[1]} {worst[0]:.0f} ms)"
    if results.times.get(POINT):
        point = _quantile(results.times[POINT], 95) * 1000
        line += f" ; point unique p95 < 50 ms : {'atteint' if point < 50 else 'MANQUÉ'} "
        line += f"({point:.0f} ms)"
    print(f"{line} ; erreurs : {errors}")


def main() -> None:
    if "--logged-in" in sys.argv[1:]:  # the logged-in scenario has its own options
        import load_logged_in

        load_logged_in.main([a for a in sys.argv[1:] if a != "--logged-in"])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--think", type=float, default=1.0, help="pause moyenne (s)")
    parser.add_argument(
        "--postgres", action="store_true", help="PostgreSQL 15 jetable (sinon SQLite)"
    )
    parser.add_argument(
        "--no-page-cache", action="store_true", help="pages rendues à chaque requête"
    )
    parser.add_argument(
        "--api-rate", type=int, default=0, help="API_RATE_PER_MINUTE du serveur (0 : sans)"
    )
    parser.add_argument(
        "--addok",
        default=os.environ.get("ADDOK_URL", "http://127.0.0.1:7878"),
        help="addok local pour l'API d'adresse ('' : ne pas la mesurer)",
    )
    parser.add_argument(
        "--logged-in",
        action="store_true",
        help="agents et délégués connectés : bench/load_logged_in.py (avec ses options)",
    )
    options = parser.parse_args()
    options.addok_url = options.addok.rstrip("/")
    if options.addok_url and not (ADDRESSES.exists() and _addok_answers(options.addok_url)):
        options.addok_url = ""
    throwaway(options, _load)


def throwaway(options: argparse.Namespace, run) -> None:
    """run(options, env, engine) on a throwaway database (under var/): SQLite, a PostgreSQL 15
    cluster (--postgres) or the empty database of DATABASE_URL."""
    (ROOT / "var").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=ROOT / "var", prefix="load-") as name:
        folder = Path(name)
        folder.chmod(0o755)  # the postgres account reaches its cluster folder inside
        if options.postgres:
            with _postgres(folder) as url:
                run(options, _env(folder, database_url=url, options=options), "PostgreSQL 15")
            return
        url = os.environ.get("DATABASE_URL", "")
        url = url if url.startswith("postgres") else ""
        engine = "PostgreSQL" if url else "SQLite"
        run(options, _env(folder, database_url=url, options=options), engine)


if __name__ == "__main__":
    main()
