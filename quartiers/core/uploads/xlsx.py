"""Guards of uploaded XLSX files, checked on the ZIP directory before any XML is parsed.

An XLSX file is a ZIP archive of XML parts: a few kilobytes can inflate to gigabytes (a "zip
bomb"). openpyxl parses the parts through defusedxml (no XML entity expansion) but does not
bound their size. In read-only mode it streams the worksheets, but it loads every other part
whole — above all ``xl/sharedStrings.xml``, the table of every distinct text of the workbook,
kept in memory as Python strings (about 6× its XML size: a 41 MB file whose shared strings
unpack to 175 MB cost 1 GB and 94 s). So the uncompressed size of each part is checked:
the worksheets against the total limit, every other part against a much smaller one.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.conf import settings

from quartiers.core.uploads.sizes import size_text

# Ratio uncompressed/compressed above which a large part is refused. Real spreadsheets
# compress 5-20×; a part of zeros or of one repeated row reaches 100-1000×.
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 10 * 1024 * 1024  # small parts may compress very well: not checked
SHEETS_PREFIX = "xl/worksheets/"


class UnsafeUploadError(ValueError):
    """A file refused before parsing; the message is French."""


def xlsx_max_uncompressed() -> int:
    return int(getattr(settings, "XLSX_MAX_UNCOMPRESSED_BYTES", 512 * 1024 * 1024))


def xlsx_max_loaded_part() -> int:
    return int(getattr(settings, "XLSX_MAX_SHARED_STRINGS_BYTES", 16 * 1024 * 1024))


def _entries(path: Path) -> list[zipfile.ZipInfo]:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        message = "archive ZIP illisible ou tronquée : ce n'est pas un XLSX."
        raise UnsafeUploadError(message) from exc


def xlsx_safety_check(path: Path, *, max_uncompressed: int | None = None) -> None:
    """Refuses an XLSX archive whose declared uncompressed size is too large, one of whose
    parts read whole (shared strings, styles…) is too large, or whose parts inflate
    abnormally, before any XML is parsed. Raises UnsafeUploadError."""
    limit = xlsx_max_uncompressed() if max_uncompressed is None else max_uncompressed
    part_limit = xlsx_max_loaded_part()
    entries = _entries(path)
    total = sum(entry.file_size for entry in entries)
    if total > limit:
        raise UnsafeUploadError(
            f"classeur XLSX refusé : une fois décompressé il ferait {size_text(total)} "
            f"(limite {size_text(limit)}). Déposez un fichier CSV ou découpez le classeur."
        )
    for entry in entries:
        ratio = entry.file_size // max(entry.compress_size, 1)
        if entry.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
            raise UnsafeUploadError(
                "classeur XLSX refusé : son contenu se décompresse de façon anormale "
                f"(partie « {entry.filename} », taux {ratio}:1)."
            )
        if not entry.filename.startswith(SHEETS_PREFIX) and entry.file_size > part_limit:
            what = (
                "sa table des textes (sharedStrings)"
                if entry.filename.endswith("sharedStrings.xml")
                else f"sa partie « {entry.filename} »"
            )
            raise UnsafeUploadError(
                f"classeur XLSX refusé : {what} ferait {size_text(entry.file_size)} une fois "
                f"décompressée (limite {size_text(part_limit)}), trop pour être lue sans "
                "risque. Enregistrez le classeur en CSV (UTF-8) et déposez ce fichier."
            )
