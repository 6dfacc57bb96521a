"""CPU time per request of the heavy logged-in pages (issue 13, « Logged-in speed »), in-process
with django.test.Client: median and p90 CPU ms, queries per page, and the ratio to a baseline
measured in the same run (the logged-in legal notice: a static page in the logged-in layout).

Usage:
  .venv/bin/python bench/page_cpu.py [--repeat 30] [--database var/demo.sqlite3]
                                     [--dump DIR] [--profile ROLE:URL]

Without --database: the demo data (`migrate` + `demo_setup`) in a throwaway SQLite file under
var/ (as bench/page_queries.py). DEBUG is off and config/wsgi.py is imported, as by the
production server (README: gunicorn), whatever start-up work it does included. Each page
is requested twice first (per-process caches filled, as on a running server), then `--repeat`
times, interleaved round by round with the baseline so that a noisy neighbour slows both.
CPU is time.process_time() of this process (the database is SQLite, in-process: its work is
counted too). Every response is checked: HTTP 200, the expected <title>, the logout button and
the demo contract's name. `--dump DIR` writes each page's HTML (CSRF tokens and nonces blanked)
to compare two versions of the code; `--profile ROLE:URL` prints a cProfile of that page.
`--no-memo`: PAGE_CACHE_SECONDS=0, which turns off the reference-data memo
(quartiers/core/datamemo.py): every request computes the figures again, as the first one after
a data change does.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from load_logged_in import ACCOUNTS, CONTRACT, QPV, check  # noqa: E402
from page_queries import demo_database  # noqa: E402

CONTRACT_NAME = "CA de la Porte du Hainaut"
BASELINE = ("agent", "/mentions-legales/", "Mentions légales")
# (role, URL, expected start of the <title>, text the page must contain)
PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("agent", f"/indicateurs/contrats/{CONTRACT}/", "Tableau de bord — ", CONTRACT_NAME),
    ("agent", f"/contrats/{CONTRACT}/", CONTRACT_NAME, CONTRACT_NAME),
    ("délégué", f"/contrats/{CONTRACT}/", CONTRACT_NAME, CONTRACT_NAME),
    ("agent", "/concerto/", "Mission CONCERTO", CONTRACT_NAME),
    ("délégué", "/concerto/", "Mission CONCERTO", CONTRACT_NAME),
    ("agent", f"/qpv/{QPV}/", "Verrerie - Square République", CONTRACT_NAME),
    ("délégué", f"/qpv/{QPV}/", "Verrerie - Square République", CONTRACT_NAME),
    ("agent", "/a-traiter/", "À traiter", ""),
    ("délégué", "/a-traiter/", "À traiter", ""),
)
TOKENS = re.compile(rb'((?:name="csrfmiddlewaretoken" value|nonce)=")[^"]*(")')


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(options: argparse.Namespace) -> None:
    import django

    django.setup()
    import httpx
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    import config.wsgi  # noqa: F401  (loaded as by the production server: its start-up steps)

    users = get_user_model().objects
    clients = {}
    for role, (username, _password) in ACCOUNTS.items():
        clients[role] = Client()
        clients[role].force_login(users.get(username=username))

    def get(role: str, url: str, title: str, text: str) -> bytes:
        response = clients[role].get(url)
        problem = check(httpx.Response(response.status_code, content=response.content), title)
        if not problem and text and text.encode() not in response.content:
            problem = f"« {text} » absent"
        if problem:
            raise SystemExit(f"{role} {url} : {problem}")
        return response.content

    if options.profile:
        role, url = options.profile.split(":", 1)
        title, text = next((t, x) for r, u, t, x in PAGES if (r, u) == (role, url))
        get(role, url, title, text)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(options.repeat):
            get(role, url, title, text)
        profiler.disable()
        stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
        stats.print_stats(60)
        stats.sort_stats("tottime").print_stats(30)
        return

    everything = (*PAGES, (*BASELINE, ""))
    queries = {}
    for role, url, title, text in everything:
        get(role, url, title, text)
        with CaptureQueriesContext(connection) as captured:
            html = get(role, url, title, text)
        queries[(role, url)] = len(captured)
        if options.dump:
            options.dump.mkdir(parents=True, exist_ok=True)
            name = f"{role}{url}".replace("/", "_").strip("_") + ".html"
            (options.dump / name).write_bytes(TOKENS.sub(rb"\1\2", html))
    reset_queries()
    times: dict[tuple[str, str], list[float]] = {(r, u): [] for r, u, _t, _x in everything}
    for _ in range(options.repeat):
        for role, url, title, text in everything:
            start = time.process_time()
            get(role, url, title, text)
            times[(role, url)].append((time.process_time() - start) * 1000)
    base = statistics.median(times[BASELINE[:2]])
    print(f"Commande : {' '.join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]])}")
    memo = ", PAGE_CACHE_SECONDS=0 (sans mémoire des données)" if options.no_memo else ""
    print(
        f"CPU par requête (time.process_time, {options.repeat} requêtes par page, DEBUG off{memo})"
    )
    print(f"{'page':<44}{'méd. ms':>8}{'p90 ms':>8}{'×réf.':>7}{'requêtes':>9}")
    for role, url, _title, _text in everything:
        values = times[(role, url)]
        median = statistics.median(values)
        name = f"{role} {url}" + (" (réf.)" if (role, url) == BASELINE[:2] else "")
        print(
            f"{name:<44}{median:>8.1f}{_quantile(values, 0.9):>8.1f}"
            f"{median / base:>7.1f}{queries[(role, url)]:>9}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database", type=Path, help="base SQLite de démonstration existante")
    parser.add_argument("--dump", type=Path, help="dossier où écrire le HTML de chaque page")
    parser.add_argument("--profile", help="profil cProfile d'une page, ROLE:URL")
    parser.add_argument(
        "--no-memo",
        action="store_true",
        help="sans la mémoire des données de référence (PAGE_CACHE_SECONDS=0)",
    )
    options = parser.parse_args()
    os.environ["DEBUG"] = "false"
    if options.no_memo:
        os.environ["PAGE_CACHE_SECONDS"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if options.database:
        os.environ["SQLITE_PATH"] = str(options.database.resolve())
        measure(options)
        return
    with demo_database("page-cpu-") as database:
        os.environ["SQLITE_PATH"] = str(database)
        measure(options)


if __name__ == "__main__":
    main()
