"""Guards shared by every reader of uploaded files.

An XLSX file is a ZIP archive of XML parts: a few kilobytes can inflate to gigabytes (a "zip
bomb"). openpyxl parses the parts through defusedxml (no XML entity expansion) but does not
bound their size, so readers call ``xlsx_safety_check`` before opening a workbook.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.conf import settings

# Ratio uncompressed/compressed above which a large part is refused. Real spreadsheets
# compress 5-20×; a part of zeros or of one repeated row reaches 100-1000×.
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 10 * 1024 * 1024  # small parts may compress very well: not checked


class UnsafeUploadError(ValueError):
    """A file refused before parsing; the message is French."""


def xlsx_max_uncompressed() -> int:
    return int(getattr(settings, "XLSX_MAX_UNCOMPRESSED_BYTES", 512 * 1024 * 1024))


def xlsx_safety_check(path: Path, *, max_uncompressed: int | None = None) -> None:
    """Refuses an XLSX archive whose declared uncompressed size is too large, or whose parts
    inflate abnormally, before any XML is parsed. Raises UnsafeUploadError."""
    limit = xlsx_max_uncompressed() if max_uncompressed is None else max_uncompressed
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        message = "archive ZIP illisible ou tronquée : ce n'est pas un XLSX."
        raise UnsafeUploadError(message) from exc
    total = sum(entry.file_size for entry in entries)
    if total > limit:
        raise UnsafeUploadError(
            f"classeur XLSX refusé : une fois décompressé il ferait {total // (1024 * 1024)} Mo "
            f"(limite {limit // (1024 * 1024)} Mo). Déposez un fichier CSV ou découpez le "
            "classeur."
        )
    for entry in entries:
        ratio = entry.file_size // max(entry.compress_size, 1)
        if entry.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
            raise UnsafeUploadError(
                "classeur XLSX refusé : son contenu se décompresse de façon anormale "
                f"(partie « {entry.filename} », taux {ratio}:1)."
            )
