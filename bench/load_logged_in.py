"""Load test of the logged-in pages: gunicorn on loopback, 20 concurrent agents and délégués
(demo accounts) on their main pages, p50/p95/p99 per page and overall, against baselines
measured in the same run (a static file and the anonymous home page from the page cache).

Usage:
  .venv/bin/python bench/load_logged_in.py [--users 20] [--delegates 5] [--seconds 30]
                                           [--think 1] [--workers 3] [--threads 4] [--postgres]
  .venv/bin/python bench/load.py --logged-in …      # the same
  .venv/bin/python bench/page_queries.py            # SQL queries per page (no server)

Same set-up as bench/load.py (throwaway database with `demo_setup`, gunicorn 4 workers × 2
threads gthread, DEBUG off). Each simulated user logs in through the login form with a demo
account (`--users` minus `--delegates` as demo-agent, the others as demo-delegue; one session
per user), then requests its role's pages in turn, pausing `--think` seconds on average. The
same user also requests the two baselines, with a separate cookie-less connection for the
home page (anonymous, from the page cache). Logged-in pages are never served from the page
cache (quartiers/core/pagecache.py): every one is rendered. Every response is checked: HTTP
200, the page's expected <title> and the logout button (a login page, an error page or
another page with a 200 counts as an error, never as a time).
Target (issue 13): p95 < 150 ms for the logged-in pages at 20 concurrent agents on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shlex
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # bench/load.py: database, server and CPU helpers

STATIC = "statique (référence)"
HOME = "accueil anonyme, cache (réf.)"
TARGET_MS = 150
CONTRACT = "CN05902M"  # the demo délégué's contract (quartiers/organisation/demo.py)
QPV = "QN05920M"  # a QPV of that contract
ACCOUNTS = {
    "agent": ("demo-agent", "agent-quartiers-2030"),
    "délégué": ("demo-delegue", "delegue-quartiers-2030"),
}
# (role, URL, expected start of the <title>): the pages an agent and a délégué open most.
PAGES: tuple[tuple[str, str, str], ...] = (
    ("agent", "/a-traiter/", "À traiter"),
    ("agent", "/contrats/suivi/", "Suivi renforcé des actions"),
    ("agent", f"/indicateurs/contrats/{CONTRACT}/", "Tableau de bord — "),
    ("agent", "/contrats/", "Contrats de ville"),
    ("agent", f"/contrats/{CONTRACT}/", f"CA de la Porte du Hainaut ({CONTRACT})"),
    ("agent", "/concerto/", "Mission CONCERTO"),
    ("agent", "/delegues/", "Les délégués du préfet"),
    ("agent", "/financements/", "Demandes de subvention"),
    ("agent", f"/qpv/{QPV}/", "Verrerie - Square République"),
    ("délégué", "/a-traiter/", "À traiter"),
    ("délégué", "/mon-territoire/", "Mon territoire"),
    ("délégué", f"/contrats/{CONTRACT}/", f"CA de la Porte du Hainaut ({CONTRACT})"),
    ("délégué", "/concerto/", "Mission CONCERTO"),
    ("délégué", f"/qpv/{QPV}/", "Verrerie - Square République"),
)
TITLE = re.compile(r"<title>\s*(.*?)\s*</title>", re.S)
LOGOUT = 'action="/deconnexion/"'


def page_name(role: str, url: str) -> str:
    return f"{role} {url}"


def check(response: httpx.Response, expected_title: str | None) -> str | None:
    """None when the response is the expected page, else why not (an error label)."""
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    if expected_title is None:
        return None
    found = TITLE.search(response.text)
    if not found or not found.group(1).startswith(expected_title):
        return f"titre inattendu : {found.group(1)[:60] if found else '(aucun)'}"
    if LOGOUT not in response.text:
        return "pas connecté"
    return None


def login(client: httpx.Client, role: str) -> None:
    username, password = ACCOUNTS[role]
    client.get("/connexion/")
    token = client.cookies.get("csrftoken", "")
    response = client.post(
        "/connexion/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{client.base_url}connexion/"},
    )
    if response.status_code != 302:
        raise SystemExit(f"connexion de {username} refusée : HTTP {response.status_code}")


class User:
    """A logged-in user: its session, its pages and a cookie-less client for the baseline."""

    def __init__(self, base: str, role: str, seed: int) -> None:
        self.role, self.rng = role, random.Random(seed)
        self.client = httpx.Client(base_url=base, timeout=30)
        self.anonymous = httpx.Client(base_url=base, timeout=30)
        login(self.client, role)
        pages = [(page_name(r, u), u, t) for r, u, t in PAGES if r == role]
        self.visits = [*pages, (STATIC, "/static/css/quartiers.css", None), (HOME, "/", None)]
        self.rng.shuffle(self.visits)

    def get(self, name: str, url: str) -> httpx.Response:
        return (self.anonymous if name in (STATIC, HOME) else self.client).get(url)

    def run(self, stop_at: float, results: load.Results, think: float) -> None:
        turn = 0
        while time.monotonic() < stop_at:
            name, url, title = self.visits[turn % len(self.visits)]
            turn += 1
            start = time.perf_counter()
            try:
                response = self.get(name, url)
                elapsed = time.perf_counter() - start
                problem = check(response, title)
            except httpx.HTTPError as exc:
                problem = type(exc).__name__
            if problem:
                results.errors[name].append(problem)
            else:
                results.times[name].append(elapsed)
                if response.headers.get("X-Page-Cache") == "HIT":
                    results.hits[name] = results.hits.get(name, 0) + 1
            if think:
                time.sleep(self.rng.uniform(think / 2, think * 1.5))

    def close(self) -> None:
        self.client.close()
        self.anonymous.close()


def _concurrently(users: list[User], action) -> None:
    pool = [threading.Thread(target=action, args=(user,)) for user in users]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()


def _warm_up(user: User) -> None:
    for _ in range(2):
        for name, url, _title in user.visits:
            user.get(name, url)


def run(options: argparse.Namespace, env: dict[str, str], engine: str) -> None:
    print(f"Préparation des données de démonstration ({engine})…")
    load._setup(env)
    port = load._free_port()
    server = load._serve(env, port, options.workers, options.threads)
    base = f"http://127.0.0.1:{port}"
    try:
        roles = ["délégué" if i < options.delegates else "agent" for i in range(options.users)]
        users = [User(base, role, seed) for seed, role in enumerate(roles)]
        _concurrently(users, _warm_up)
        names = [name for user in users for name, _u, _t in user.visits]
        names = list(dict.fromkeys(sorted(names, key=lambda n: (n in (STATIC, HOME), n))))
        results = load.Results(times={n: [] for n in names}, errors={n: [] for n in names})
        stop_at = time.monotonic() + options.seconds
        cpu = load.Cpu(load_before=os.getloadavg())
        server_start, client_start = load._process_cpu(server.pid), load._client_cpu()
        busy_start, total_start = load._machine_busy()
        started = time.monotonic()
        _concurrently(users, lambda user: user.run(stop_at, results, options.think))
        wall = time.monotonic() - started
        busy_end, total_end = load._machine_busy()
        cpu.server = load._process_cpu(server.pid) - server_start
        cpu.client = load._client_cpu() - client_start
        cpu.machine, cpu.machine_total = busy_end - busy_start, total_end - total_start
        cpu.load_after = os.getloadavg()
        for user in users:
            user.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(options, engine, results, cpu, wall)


def _row(name: str, values: list[float], hits: int, errors: int, refs: list[float]) -> str:
    p50, p95, p99 = (load._quantile(values, q) * 1000 for q in (50, 95, 99))
    share = f"{hits / len(values):.0%}" if values else "-"
    ratios = "".join(f"{p95 / ref:>9.1f}" for ref in refs)
    return (
        f"{name:<38}{len(values):>6}{p50:>8.1f}{p95:>8.1f}{p99:>8.1f}{ratios}{share:>7}{errors:>8}"
    )


def report(options, engine: str, results: load.Results, cpu: load.Cpu, wall: float) -> None:
    total = sum(len(v) for v in results.times.values())
    cores = os.cpu_count() or 1
    agents = options.users - options.delegates
    print(f"\nCommande : {shlex.join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]])}")
    print(
        f"{engine}, gunicorn {options.workers} workers × {options.threads} threads, "
        f"{options.users} utilisateurs connectés simultanés ({agents} demo-agent, "
        f"{options.delegates} demo-delegue ; pause {options.think:g} s en moyenne), "
        f"{wall:.0f} s, {total} réponses ({total / wall:.0f} req/s)"
    )
    print("Pages connectées : jamais servies par le cache des pages (rendues à chaque requête).")
    print(
        f"CPU pendant la mesure ({cores} cœurs, {cpu.machine_total / cores:.0f} s) : serveur "
        f"{cpu.server / wall:.2f} cœur, client {cpu.client / wall:.2f} cœur, machine entière "
        f"{cpu.machine / wall:.2f} cœur ; charge moyenne (uptime) "
        f"{cpu.load_before[0]:.2f} avant, {cpu.load_after[0]:.2f} après"
    )
    refs = [load._quantile(results.times[n], 95) * 1000 for n in (STATIC, HOME)]
    print(
        f"{'page':<38}{'n':>6}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
        f"{'×stat.':>9}{'×accueil':>9}{'cache':>7}{'erreurs':>8}"
    )
    pages = [n for n in results.times if n not in (STATIC, HOME)]
    for name in [*pages, STATIC, HOME]:
        hits, errors = results.hits.get(name, 0), len(results.errors[name])
        print(_row(name, results.times[name], hits, errors, refs))
        if results.errors[name]:
            print(f"    erreurs : {sorted(set(results.errors[name]))[:5]}")
    logged_in = [t for n in pages for t in results.times[n]]
    errors = sum(len(results.errors[n]) for n in pages)
    print(_row("toutes les pages connectées", logged_in, 0, errors, refs))
    worst = max((load._quantile(results.times[n], 95) * 1000, n) for n in pages)
    errors = sum(len(e) for e in results.errors.values())
    verdict = "atteint" if worst[0] < TARGET_MS else "MANQUÉ"
    print(
        f"Objectif : pages connectées p95 < {TARGET_MS} ms : {verdict} (pire : {worst[1]} "
        f"{worst[0]:.0f} ms) ; erreurs : {errors}"
    )


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--delegates", type=int, default=5, help="dont délégués du préfet")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--think", type=float, default=1.0, help="pause moyenne (s)")
    parser.add_argument(
        "--postgres", action="store_true", help="PostgreSQL 15 jetable (sinon SQLite)"
    )
    parser.add_argument(
        "--no-memo",
        action="store_true",
        help="sans le mémo des chiffres de référence (PAGE_CACHE_SECONDS=0, core/datamemo.py)",
    )
    return parser


def main(argv: list[str] | None = None) -> None:
    options = parser().parse_args(argv)
    options.delegates = min(options.delegates, options.users)
    options.api_rate, options.addok_url = 0, ""
    options.no_page_cache = options.no_memo  # PAGE_CACHE_SECONDS=0 turns the memo off too
    load.throwaway(options, run)


if __name__ == "__main__":
    main()
