"""Where an import reads from: a local path or an https URL (data.gouv.fr, Insee, IGN…).

URLs are streamed to a temporary file with a size limit, then handled like local files. Every
source gets a SHA-256 fingerprint for its ImportRun row. Text is decoded as strict UTF-8: a
file in another encoding is refused with the line of the first bad byte.

Plain http is refused, except towards the loopback interface when the setting
``IMPORT_ALLOW_HTTP_LOOPBACK`` is true (tests serve files from 127.0.0.1).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from quartiers.shared.imports import ImportRefused

# Default download limit: the official national QPV files are a few tens of MB.
DEFAULT_MAX_DOWNLOAD_BYTES = 500 * 1024 * 1024
DOWNLOAD_TIMEOUT_S = 30.0
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Source:
    """A readable local copy of an import source."""

    path: Path
    label: str  # what the user gave: path or URL
    sha256: str


def is_url(source: str | Path) -> bool:
    return isinstance(source, str) and source.split(":", 1)[0].lower() in {"http", "https"}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def source_open(*, source: str | Path) -> Iterator[Source]:
    """Yield a local copy of `source` (downloaded first when it is a URL)."""
    if is_url(source):
        with tempfile.TemporaryDirectory(prefix="quartiers-import-") as tmp:
            path = url_download(url=str(source), directory=Path(tmp))
            yield Source(path=path, label=str(source), sha256=file_sha256(path))
        return
    path = Path(source)
    if not path.is_file():
        raise ImportRefused(f"Fichier introuvable : {path}")
    yield Source(path=path, label=str(path), sha256=file_sha256(path))


def _url_check(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname:
        try:
            loopback = ipaddress.ip_address(parts.hostname).is_loopback
        except ValueError:
            loopback = parts.hostname == "localhost"
        if loopback and getattr(settings, "IMPORT_ALLOW_HTTP_LOOPBACK", False):
            return
    raise ImportRefused(
        f"Adresse refusée : {url} — seules les adresses https:// sont acceptées "
        "(fichiers officiels data.gouv.fr, Insee, IGN)."
    )


def url_download(*, url: str, directory: Path, max_bytes: int | None = None) -> Path:
    """Stream `url` into `directory`, keeping the file name (its extension tells the format)."""
    _url_check(url)
    limit = max_bytes or getattr(settings, "IMPORT_MAX_DOWNLOAD_BYTES", DEFAULT_MAX_DOWNLOAD_BYTES)
    name = PurePosixPath(urlsplit(url).path).name or "telechargement"
    target = directory / name
    received = 0
    try:
        with httpx.stream("GET", url, timeout=DOWNLOAD_TIMEOUT_S, follow_redirects=True) as resp:
            if resp.status_code >= 400:
                raise ImportRefused(
                    f"Téléchargement impossible de {url} : le serveur a répondu "
                    f"{resp.status_code} ({resp.reason_phrase})."
                )
            with target.open("wb") as out:
                for chunk in resp.iter_bytes(_CHUNK):
                    received += len(chunk)
                    if received > limit:
                        raise ImportRefused(
                            f"Téléchargement interrompu : {url} dépasse la taille maximale "
                            f"de {limit // (1024 * 1024)} Mo."
                        )
                    out.write(chunk)
    except httpx.HTTPError as exc:
        raise ImportRefused(
            f"Téléchargement impossible de {url} : serveur injoignable ou connexion "
            f"interrompue (êtes-vous hors ligne ?). Détail : {exc.__class__.__name__}."
        ) from exc
    return target


def text_decode(*, data: bytes, label: str) -> str:
    """Strict UTF-8 (a BOM is accepted); other encodings are refused with the line number."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportRefused(
            f"{label}, ligne {line} : le texte n'est pas encodé en UTF-8 (octet "
            f"0x{data[exc.start]:02x} invalide). Réenregistrez le fichier en UTF-8."
        ) from exc


def text_read(*, path: Path, label: str) -> str:
    return text_decode(data=path.read_bytes(), label=label)


def json_read(*, path: Path, label: str) -> Any:
    """Parsed JSON; a syntax error is refused with its line and column, in French."""
    try:
        return json.loads(text_read(path=path, label=label))
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            f"{label}, ligne {exc.lineno}, colonne {exc.colno} : JSON illisible ({exc.msg})."
        ) from exc
