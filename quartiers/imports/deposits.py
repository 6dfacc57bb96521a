"""The files of an import between its dry run and its apply, kept in the private upload-temp
directory (core/uploads/tempfiles.py: ``depots/``, purged after DEPOSIT_MAX_AGE_S like the
other deposits, never backed up).

A deposit is a folder ``depots/import-<key>/`` holding each file under its slot and its own
name, and ``manifest.json`` (the kind, the options chosen and, per file, its name, its URL
when it was downloaded and its SHA-256). The key is the SHA-256 of the manifest: the apply
names the deposit by it, and is refused when the folder vanished (purged), when the manifest
no longer matches the key, or when a file no longer has the fingerprint it had when it was
previewed — the apply reads exactly the bytes that the dry run read.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import re
import secrets
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from quartiers.core.uploads.tempfiles import deposits_dir
from quartiers.geography.importers.sources import file_sha256, url_download
from quartiers.shared.imports import ImportRefused

PREFIX = "import-"
MANIFEST = "manifest.json"
_KEY = re.compile(r"^[0-9a-f]{64}$")
_UNSAFE = re.compile(r"[^\w.\- ()]+")
GONE = (
    "Le fichier vérifié n'est plus disponible (les dépôts sont effacés au bout de 24 heures) : "
    "déposez-le à nouveau et relancez la vérification. Rien n'a été écrit."
)
CHANGED = (
    "Le fichier « {name} » a changé depuis la vérification (empreinte SHA-256 différente) : "
    "relancez la vérification avant d'appliquer. Rien n'a été écrit."
)


@dataclass(frozen=True)
class DepositFile:
    slot: str
    name: str  # the file name as uploaded (made safe) or as the URL gives it
    url: str  # "" for an upload
    sha256: str

    @property
    def label(self) -> str:
        """How messages and the ImportRun row name the file: its URL, else its name."""
        return self.url or self.name


@dataclass(frozen=True)
class Deposit:
    key: str
    kind: str
    options: dict[str, Any]
    files: tuple[DepositFile, ...]
    folder: Path

    def paths(self) -> dict[str, Path]:
        return {f.slot: self.folder / f.slot / f.name for f in self.files}

    def text(self, message: str) -> str:
        """`message` with the deposit's private paths replaced by the files' labels."""
        for file in self.files:
            message = message.replace(str(self.folder / file.slot / file.name), file.label)
        return message


def safe_name(name: str) -> str:
    cleaned = _UNSAFE.sub("_", Path(name or "").name).strip(" .")
    return cleaned[-120:] or "fichier"


def public_url_check(url: str) -> None:
    """From the web screen, an URL must lead to a public server (never the machine itself or
    its private network): the agent chooses it, the server fetches it. Tests serving files on
    the loopback set IMPORT_ALLOW_HTTP_LOOPBACK."""
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError) as exc:
        raise ImportRefused(
            f"Téléchargement impossible de {url} : serveur introuvable ({host})."
        ) from exc
    for address in addresses:
        ip = ipaddress.ip_address(str(address).split("%")[0])
        if ip.is_loopback and getattr(settings, "IMPORT_ALLOW_HTTP_LOOPBACK", False):
            continue
        if not ip.is_global:
            raise ImportRefused(
                f"Adresse refusée : {url} mène à un serveur du réseau interne ({address}) ; "
                "indiquez l'adresse publique du fichier officiel (data.gouv.fr, Insee, IGN)."
            )


def _manifest(kind: str, options: dict[str, Any], files: list[DepositFile]) -> dict[str, Any]:
    return {
        "kind": kind,
        "options": options,
        "files": [
            {"slot": f.slot, "name": f.name, "url": f.url, "sha256": f.sha256}
            for f in sorted(files, key=lambda f: f.slot)
        ],
    }


def _key(manifest: dict[str, Any]) -> str:
    text = json.dumps(manifest, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _upload_copy(uploaded: UploadedFile[Any], target: Path) -> None:
    with target.open("wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)


def deposit_create(
    *,
    kind: str,
    options: dict[str, Any],
    uploads: dict[str, UploadedFile[Any]],
    urls: dict[str, str],
) -> Deposit:
    """Copy the uploaded files (or download the URLs) into a new deposit and return it. The
    same files with the same options give the same deposit (its folder is kept, refreshed)."""
    staging = deposits_dir() / f"{PREFIX}tmp-{secrets.token_hex(8)}"
    staging.mkdir(mode=0o700)
    try:
        files = []
        for slot, uploaded in uploads.items():
            (staging / slot).mkdir(mode=0o700)
            target = staging / slot / safe_name(uploaded.name or "")
            _upload_copy(uploaded, target)
            files.append(DepositFile(slot, target.name, "", file_sha256(target)))
        for slot, url in urls.items():
            public_url_check(url)
            (staging / slot).mkdir(mode=0o700)
            path = url_download(url=url, directory=staging / slot)
            named = path.with_name(safe_name(path.name))
            path.rename(named)
            files.append(DepositFile(slot, named.name, url, file_sha256(named)))
        manifest = _manifest(kind, options, files)
        key = _key(manifest)
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        folder = deposits_dir() / f"{PREFIX}{key}"
        if folder.is_dir():
            os.utime(folder)  # the same deposit again: keep the first copy, refreshed
        else:
            staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Deposit(key, kind, options, tuple(sorted(files, key=lambda f: f.slot)), folder)


def deposit_get(*, key: str) -> Deposit:
    """The deposit `key`, checked file by file against its manifest (ImportRefused, French)."""
    if not _KEY.match(key or ""):
        raise ImportRefused(GONE)
    folder = deposits_dir() / f"{PREFIX}{key}"
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise ImportRefused(GONE) from exc
    if _key(manifest) != key:
        raise ImportRefused(CHANGED.format(name=MANIFEST))
    files = tuple(DepositFile(**item) for item in manifest["files"])
    for file in files:
        path = folder / file.slot / file.name
        if not path.is_file():
            raise ImportRefused(GONE)
        if file_sha256(path) != file.sha256:
            raise ImportRefused(CHANGED.format(name=file.label))
    return Deposit(key, manifest["kind"], manifest["options"], files, folder)
