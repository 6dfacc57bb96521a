"""Backup and restore of the database and the uploaded files (MEDIA_ROOT) as one .tar.gz.

- SQLite: a consistent copy through SQLite's online backup API (the app may keep running);
  restored through the same API into the live database file.
- PostgreSQL: `pg_dump --format=custom` / `pg_restore --clean --if-exists --no-owner`
  (postgresql-client of the server's major version or newer).
- Uploaded files: the MEDIA_ROOT tree under `media/` in the archive, except the uploads being
  processed (UPLOAD_TEMP_DIR when it lies inside MEDIA_ROOT, and MEDIA_ROOT/tmp); a restore
  replaces MEDIA_ROOT's content.
A `manifest.json` records the date, the database engine, the row counts of every table and the
SHA-256 of every file; a restore checks the files against it. See docs/operations.md.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection

from quartiers.core.pagecache import version_renew
from quartiers.core.uploads.tempfiles import upload_temp_excluded

DB_SQLITE = "database.sqlite3"
DB_PG = "database.pgdump"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot be done; French message."""


@dataclass
class BackupSummary:
    path: Path
    engine: str
    tables: dict[str, int]
    files: int

    def __str__(self) -> str:
        rows = sum(self.tables.values())
        return (
            f"Sauvegarde {self.path} : base {self.engine} ({len(self.tables)} tables, "
            f"{rows} lignes), {self.files} fichier(s) déposé(s)."
        )


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"base de données « {vendor} » non prise en charge.")
    return vendor


def table_counts() -> dict[str, int]:
    """Rows per table of the database (every table Django knows of)."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (introspected name)
            counts[table] = cursor.fetchone()[0]
    return counts


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files() -> dict[str, str]:
    """Every file of MEDIA_ROOT except uploads being processed (the upload-temp directory and
    the former MEDIA_ROOT/tmp): personal data that is deleted once read, never archived."""
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return {}
    excluded = upload_temp_excluded()
    return {
        path.relative_to(root).as_posix(): _sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not _under(path.resolve(), excluded)
    }


def _under(path: Path, folders: list[Path]) -> bool:
    return any(path.is_relative_to(folder) for folder in folders)


def _pg_args() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--host", db.get("HOST") or "localhost", "--username", db.get("USER") or ""]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} est introuvable : installez postgresql-client.")
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} a échoué : {result.stderr.strip()[:500]}")


def _database_dump(folder: Path, engine: str) -> str:
    if engine == "sqlite":
        target = folder / DB_SQLITE
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return DB_SQLITE
    args, env = _pg_args()
    target = folder / DB_PG
    _run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            *args,
            "--file",
            str(target),
            connection.settings_dict["NAME"],
        ],
        env,
    )
    return DB_PG


def backup_create(*, output: Path) -> BackupSummary:
    """Write the database and MEDIA_ROOT into `output` (.tar.gz)."""
    engine = _engine()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        dump = _database_dump(Path(work), engine)
        files = _media_files()
        manifest = {
            "created_at": datetime.now(UTC).isoformat(),
            "engine": engine,
            "database": dump,
            "tables": table_counts(),
            "files": files,
        }
        partial = output.with_name(output.name + ".partiel")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(Path(work) / dump, arcname=dump)
            media = Path(settings.MEDIA_ROOT)
            for name in files:
                archive.add(media / name, arcname=f"media/{name}")
        partial.replace(output)  # never a truncated archive under the final name
    return BackupSummary(path=output, engine=engine, tables=manifest["tables"], files=len(files))


def _manifest_read(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.getmember(MANIFEST)
    except KeyError as exc:
        raise BackupError("archive sans manifest.json : ce n'est pas une sauvegarde.") from exc
    return json.loads(archive.extractfile(member).read())


def _database_restore(path: Path, engine: str) -> None:
    if engine == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as source:
            source.backup(connection.connection)
        source.close()
        return
    args, env = _pg_args()
    connection.close()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *args,
            "--dbname",
            connection.settings_dict["NAME"],
            str(path),
        ],
        env,
    )


def backup_restore(*, source: Path) -> BackupSummary:
    """Replace the database and MEDIA_ROOT's content by those of the backup `source`."""
    engine = _engine()
    with tempfile.TemporaryDirectory() as work, tarfile.open(source, "r:gz") as archive:
        manifest = _manifest_read(archive)
        if manifest["engine"] != engine:
            raise BackupError(
                f"sauvegarde d'une base {manifest['engine']}, base actuelle {engine} : "
                "restaurez-la sur le même moteur (ou passez par dumpdata/loaddata)."
            )
        archive.extractall(work, filter="data")  # no absolute paths, links or "../"
        extracted = Path(work)
        for name, digest in manifest["files"].items():
            if _sha256(extracted / "media" / name) != digest:
                raise BackupError(f"fichier altéré dans la sauvegarde : {name}.")
        _database_restore(extracted / manifest["database"], engine)
        version_renew()  # cached public pages show the replaced data (core/pagecache.py)
        media = Path(settings.MEDIA_ROOT)
        media.mkdir(parents=True, exist_ok=True)
        for child in media.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        if (extracted / "media").exists():
            shutil.copytree(extracted / "media", media, dirs_exist_ok=True)
    return BackupSummary(
        path=Path(source), engine=engine, tables=table_counts(), files=len(manifest["files"])
    )
