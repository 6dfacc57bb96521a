"""The private upload-temp directory (UPLOAD_TEMP_DIR): every uploaded file while it is being
received and processed, and nothing else. Uploads hold personal data (beneficiaries' files,
address lists), so the directory is private (0700), never part of a backup (core/backup.py)
and purged: at every process start (CoreConfig.ready) and periodically (a huey task and
`manage.py uploads_purge`).

A temporary file is named after the process that owns it (``upl-<host>-<pid>-…``): a purge
removes at once the files of a process of this host that no longer runs (killed with -9, the
machine restarted), and any file older than UPLOAD_TEMP_MAX_AGE_S (a live process that forgot
one, another host). Upload folders kept between two requests (the georeferencing deposits,
``depots/<token>/``) are removed once older than their own retention.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import tempfile
import time
from pathlib import Path
from typing import IO

from django.conf import settings

logger = logging.getLogger(__name__)

PREFIX = "upl-"
DEPOSITS = "depots"
DEPOSIT_MAX_AGE_S = 24 * 3600  # a georef upload whose columns were never confirmed


def _host() -> str:
    return socket.gethostname().replace("-", "_")[:40] or "hote"


def upload_temp_dir() -> Path:
    """The directory, created private (0700) when missing."""
    root = Path(settings.UPLOAD_TEMP_DIR)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return root


def owner_prefix(pid: int | None = None) -> str:
    return f"{PREFIX}{_host()}-{os.getpid() if pid is None else pid}-"


def upload_temp_file(*, suffix: str = "") -> IO[bytes]:
    """A new temporary file of this process in the directory, deleted when closed."""
    return tempfile.NamedTemporaryFile(
        prefix=owner_prefix(), suffix=suffix[:16], dir=upload_temp_dir()
    )


def deposits_dir() -> Path:
    path = upload_temp_dir() / DEPOSITS
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _orphan(name: str, age_s: float, max_age_s: float) -> bool:
    if age_s > max_age_s:
        return True
    parts = name[len(PREFIX) :].split("-", 2)
    if not name.startswith(PREFIX) or len(parts) < 3 or not parts[1].isdigit():
        return False  # not named by this module: removed by age only
    return parts[0] == _host() and not _pid_alive(int(parts[1]))


def _remove(path: Path) -> bool:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        return False
    return True


def upload_temp_purge(*, max_age_s: float | None = None) -> int:
    """Delete the orphaned temporary uploads; returns how many files or folders went."""
    max_age = float(settings.UPLOAD_TEMP_MAX_AGE_S if max_age_s is None else max_age_s)
    root = Path(settings.UPLOAD_TEMP_DIR)
    now = time.time()
    removed = 0
    for folder in _legacy_dirs():
        removed += sum(_remove(path) for path in list(folder.iterdir()))
    if not root.is_dir():
        return removed
    for path in list(root.iterdir()):
        try:
            age = now - path.lstat().st_mtime
        except FileNotFoundError:
            continue
        if path.name == DEPOSITS and path.is_dir():
            removed += _deposits_purge(
                path, now, DEPOSIT_MAX_AGE_S if max_age_s is None else max_age
            )
        elif _orphan(path.name, age, max_age):
            removed += _remove(path)
    return removed


def _deposits_purge(folder: Path, now: float, max_age_s: float) -> int:
    removed = 0
    for path in list(folder.iterdir()):
        try:
            if now - path.lstat().st_mtime > max_age_s:
                removed += _remove(path)
        except FileNotFoundError:
            continue
    return removed


def _legacy_dirs() -> list[Path]:
    """Where older versions left uploads being processed (MEDIA_ROOT/tmp): emptied too."""
    legacy = Path(settings.MEDIA_ROOT) / "tmp"
    return [legacy] if legacy.is_dir() else []


def upload_temp_excluded() -> list[Path]:
    """Folders a backup must skip (resolved paths)."""
    return [Path(settings.UPLOAD_TEMP_DIR).resolve(), (Path(settings.MEDIA_ROOT) / "tmp").resolve()]


def upload_temp_purge_at_start() -> None:
    """Called when a process starts: never stops the start on an error (logged)."""
    try:
        count = upload_temp_purge()
    except OSError:
        logger.exception("purge of the upload-temp directory failed")
        return
    if count:
        logger.warning("%s orphaned temporary upload(s) deleted at start", count)
