"""SQL queries per logged-in page (the pages of bench/load_logged_in.py), with Django's
CaptureQueriesContext, and the server time of one request, in-process.

Usage:
  .venv/bin/python bench/page_queries.py [--sql] [--database var/demo.sqlite3]

Without --database: the demo data (`migrate` + `demo_setup`) in a throwaway SQLite file under
var/. Each page is requested once first (per-process caches filled, as on a running server),
then measured: number of queries, the similar ones (same SQL but for its parameters: a
repeated one is an N+1 candidate) and the time of the request, median of `--repeat`. `--sql`
prints every query. The session and user queries of a logged-in request are counted.
tests/core/test_page_queries.py asserts bounds on these counts.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from load_logged_in import ACCOUNTS, PAGES, check  # noqa: E402

LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")


def shape(sql: str) -> str:
    """The SQL with its literal values replaced: equal shapes are the same query."""
    return re.sub(r"(\?, )+\?|(%s, )+%s", "…", LITERALS.sub("?", sql))


def measure(database: Path, *, show_sql: bool, repeat: int) -> None:
    os.environ["SQLITE_PATH"] = str(database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import httpx
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    print(f"{'page':<40}{'requêtes':>9}{'semblables':>11}{'ms':>8}")
    users = get_user_model().objects
    for role, url, title in PAGES:
        client = Client()
        client.force_login(users.get(username=ACCOUNTS[role][0]))
        client.get(url)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        fake = httpx.Response(response.status_code, content=response.content)
        problem = check(fake, title)
        shapes = Counter(shape(q["sql"]) for q in queries.captured_queries)
        repeated = sum(n for n in shapes.values() if n > 1)
        line = f"{role + ' ' + url:<40}{len(queries.captured_queries):>9}{repeated:>11}"
        print(f"{line}{statistics.median(times):>8.1f}{'  ' + problem if problem else ''}")
        if show_sql:
            for sql, count in shapes.most_common():
                print(f"    {count:>3} × {sql[:160]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sql", action="store_true", help="afficher les requêtes")
    parser.add_argument("--database", type=Path, help="base SQLite de démonstration existante")
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    if options.database:
        measure(options.database.resolve(), show_sql=options.sql, repeat=options.repeat)
        return
    with demo_database("queries-") as database:
        measure(database, show_sql=options.sql, repeat=options.repeat)


@contextlib.contextmanager
def demo_database(prefix: str) -> Iterator[Path]:
    """The demo data (`migrate` + `demo_setup`) in a throwaway SQLite file under var/, its media
    folder set in MEDIA_ROOT; deleted afterwards."""
    (ROOT / "var").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=ROOT / "var", prefix=prefix) as name:
        database = Path(name) / "demo.sqlite3"
        env = {**os.environ, "SQLITE_PATH": str(database), "MEDIA_ROOT": f"{name}/media"}
        for args in (["migrate", "--noinput", "-v0"], ["demo_setup"]):
            command = [sys.executable, "manage.py", *args]
            subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        os.environ["MEDIA_ROOT"] = env["MEDIA_ROOT"]
        yield database


if __name__ == "__main__":
    main()
