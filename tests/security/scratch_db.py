"""A scratch database for tests that run manage.py in subprocesses: a temp SQLite file, or a
fresh PostgreSQL database beside the one of DATABASE_URL (its role has CREATEDB)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _base_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        MEDIA_ROOT=str(tmp / "media"),
        HUEY_SQLITE_PATH=str(tmp / "huey.sqlite3"),
        CACHE_DIR=str(tmp / "cache"),
        REDIS_URL="",
        PYTHONUNBUFFERED="1",
    )
    return env


@contextmanager
def scratch_env(tmp: Path, *, engine: str) -> Iterator[dict[str, str]]:
    """Environment variables pointing manage.py at an empty scratch database."""
    env = _base_env(tmp)
    if engine == "sqlite":
        env["DATABASE_URL"] = ""
        env["SQLITE_PATH"] = str(tmp / "scratch.sqlite3")
        yield env
        return
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = f"quartiers_scratch_{secrets.token_hex(4)}"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
    try:
        yield env
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def engines() -> list[str]:
    url = os.environ.get("DATABASE_URL", "")
    return ["sqlite", "postgresql"] if url.startswith("postgres") else ["sqlite"]


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def shell(env: dict[str, str], code: str) -> str:
    result = manage(env, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()
