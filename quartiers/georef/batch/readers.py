"""Read CSV and XLSX input files: format, encoding and delimiter detection, streamed blocks.

CSV is read as raw bytes in blocks that end on a record boundary (quote-aware), re-encoded to
UTF-8 when the file is cp1252/latin-1, so memory stays bounded whatever the file size, and a
job can resume at a block's byte offset. XLSX is read row by row (openpyxl read-only mode,
which parses through defusedxml when it is installed: no XML entity expansion).
"""

from __future__ import annotations

import contextlib
import io
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from quartiers.core.uploads import UnsafeUploadError, xlsx_safety_check
from quartiers.core.uploads.csvsafe import CsvReadError, csv_rows
from quartiers.georef.batch.errors import BatchInputError
from quartiers.shared.csvsniff import DELIMITERS, delimiter_detect

if TYPE_CHECKING:
    from quartiers.georef.batch.summary import Summary

SAMPLE_BYTES = 1 << 20
DEFAULT_BLOCK_BYTES = 16 << 20

DELIMITER_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation", "|": "barre verticale"}
ENCODINGS = ("utf-8", "cp1252", "latin-1")
Format = Literal["csv", "xlsx"]

_BOM_UTF8 = b"\xef\xbb\xbf"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class SourceInfo:
    """What the inspection found; ``data_offset`` is the byte offset of the first data row."""

    path: Path
    format: Format
    header: list[str]
    encoding: str = "utf-8"
    delimiter: str = ","
    data_offset: int = 0
    size_bytes: int = 0
    warnings: list[str] = field(default_factory=list)
    # Data rows estimated from the sample's bytes per line (CSV) or the sheet dimension.
    rows_estimate: int = 0
    # The line (1-based) holding the header; lines above it (a title…) are skipped.
    header_line: int = 1


@dataclass(frozen=True)
class Block:
    """Whole records of a CSV file: ``data`` is UTF-8, ``start``/``end`` are byte offsets in the
    file, ``first_line`` the physical line number (1 = header) of the first record."""

    start: int
    end: int
    first_line: int
    data: bytes
    lines: int  # line ends in the raw bytes (records span several lines when quoted)


MAX_HEADER_LINE = 50


def source_inspect(
    *, path: Path, encoding: str | None = None, delimiter: str | None = None, header_line: int = 1
) -> SourceInfo:
    """Detect format, encoding, delimiter and header (on line ``header_line``, the lines above
    it skipped). Raises BatchInputError (French)."""
    path = Path(path)
    if not 1 <= header_line <= MAX_HEADER_LINE:
        raise BatchInputError(
            f"la ligne d'en-tête doit être entre 1 et {MAX_HEADER_LINE} (demandée : {header_line})."
        )
    size = path.stat().st_size
    if size == 0:
        raise BatchInputError("le fichier est vide.")
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    if head.startswith(_ZIP_MAGIC):
        return _xlsx_inspect(path, size, header_line)
    if head.startswith(_OLE_MAGIC):
        raise BatchInputError(
            "ce fichier est un classeur Excel 97-2003 (.xls), format non pris en charge : "
            "enregistrez-le en .xlsx ou en .csv."
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BatchInputError(
            "ce fichier est encodé en UTF-16, non pris en charge : enregistrez-le en CSV UTF-8."
        )
    if b"\x00" in head:
        raise BatchInputError(
            "ce fichier contient des octets nuls : ce n'est pas un fichier texte CSV "
            "(un fichier binaire, ou un classeur renommé ?)."
        )
    info = SourceInfo(path=path, format="csv", header=[], size_bytes=size, header_line=header_line)
    bom = head.startswith(_BOM_UTF8)
    sample = head[3:] if bom else head
    if len(head) == SAMPLE_BYTES and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]  # never cut a multibyte character
    skipped = 0
    for line in range(1, header_line):  # title lines above the header
        length = _first_record_length(sample)
        if length >= len(sample):
            raise BatchInputError(
                f"le fichier a moins de {header_line} lignes : pas d'en-tête ligne {header_line}.",
                line=line,
            )
        sample = sample[length:]
        skipped += length
    info.encoding = _encoding_detect(sample, forced=encoding, bom=bom, warnings=info.warnings)
    text = sample.decode(info.encoding, errors="replace")
    if not text.strip():
        raise BatchInputError("le fichier est vide (aucun caractère visible).")
    info.delimiter = _delimiter_detect(text, forced=delimiter)
    header_bytes = _first_record_length(sample)
    info.header = [name.strip() for name in _sample_check(text, info.delimiter, header_line)]
    if not any(info.header):
        raise BatchInputError(f"la ligne d'en-tête ({header_line}) est vide.", line=header_line)
    info.data_offset = (3 if bom else 0) + skipped + header_bytes
    if not sample[header_bytes:].strip() and size <= info.data_offset + len(sample):
        raise BatchInputError(
            "le fichier ne contient qu'une ligne d'en-tête, aucune ligne de données.",
            line=header_line,
        )
    lines_in_sample = max(sample.count(b"\n") - 1, 1)
    per_line = max(len(sample) - header_bytes, 1) / lines_in_sample
    info.rows_estimate = max(int((size - info.data_offset) / per_line), 1)
    return info


def _sample_check(text: str, delimiter: str, header_line: int = 1) -> list[str]:
    """The header, once every record of the sample is known to be readable (a cell longer than
    the csv module's limit is refused here, naming its line and column)."""
    lines = io.StringIO(text, newline="")
    try:
        first = next(csv_rows(lines, delimiter=delimiter, first_line=header_line), None)
        header = first[1] if first else []
        rows = csv_rows(lines, delimiter=delimiter, first_line=header_line + 1, header=header)
        for _ in rows:
            pass
    except CsvReadError as exc:
        raise BatchInputError(exc.reason, line=exc.line, column=exc.column) from exc
    return header or []


def csv_text_records(
    text: str,
    *,
    delimiter: str,
    first_line: int,
    header: list[str] | None = None,
    summary: Summary | None = None,
) -> Iterator[tuple[int, list[str]]]:
    """(physical line number, fields) of the records of a text; blank lines skipped (and
    counted in ``summary``). Raises BatchInputError naming the line and the column of an
    unreadable record."""
    rows = csv_rows(
        io.StringIO(text, newline=""), delimiter=delimiter, first_line=first_line, header=header
    )
    try:
        for line, fields in rows:
            if fields:
                yield line, fields
            elif summary is not None:
                summary.blank_lines += 1
    except CsvReadError as exc:
        raise BatchInputError(exc.reason, line=exc.line, column=exc.column) from exc


def _encoding_detect(sample: bytes, *, forced: str | None, bom: bool, warnings: list[str]) -> str:
    if forced:
        name = forced.lower().replace("_", "-")
        name = {"utf8": "utf-8", "utf-8-sig": "utf-8", "windows-1252": "cp1252"}.get(name, name)
        if name not in ENCODINGS:
            raise BatchInputError(
                f"encodage « {forced} » non pris en charge (possibles : {', '.join(ENCODINGS)})."
            )
        return name
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if bom:
            line = sample[: exc.start].count(b"\n") + 1
            raise BatchInputError(
                "le fichier commence par une marque UTF-8 (BOM) mais contient des octets qui ne "
                "sont pas de l'UTF-8.",
                line=line,
            ) from exc
    try:
        sample.decode("cp1252")
        name = "cp1252"
    except UnicodeDecodeError:
        name = "latin-1"
    warnings.append(
        f"Le fichier n'est pas en UTF-8 : il est lu comme {name} (Windows, Excel). "
        "Vérifiez les accents dans le résultat, ou précisez l'encodage."
    )
    return name


def _delimiter_detect(text: str, *, forced: str | None) -> str:
    if forced:
        value = {"tab": "\t", "\\t": "\t", "tabulation": "\t"}.get(forced, forced)
        if value not in DELIMITERS:
            raise BatchInputError(
                f"séparateur « {forced} » non pris en charge (possibles : ; , tabulation |)."
            )
        return value
    return delimiter_detect(text)


def _first_record_length(sample: bytes) -> int:
    """Bytes of the header record, newline included (a quoted header may span lines)."""
    position = 0
    quotes = 0
    while True:
        newline = sample.find(b"\n", position)
        if newline < 0:
            return len(sample)
        quotes += sample.count(b'"', position, newline)
        position = newline + 1
        if quotes % 2 == 0:
            return position


def csv_blocks(
    *,
    info: SourceInfo,
    start: int | None = None,
    first_line: int = 2,
    block_bytes: int = DEFAULT_BLOCK_BYTES,
) -> Iterator[Block]:
    """Blocks of whole records from byte offset ``start`` (default: the first data row)."""
    offset = info.data_offset if start is None else start
    line = first_line
    with info.path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        while offset < size:
            raw = _block_read(handle, offset, min(block_bytes, size - offset), size)
            lines = raw.count(b"\n")
            yield Block(offset, offset + len(raw), line, _utf8(raw, info, line), lines)
            offset += len(raw)
            line += lines


_PROBE_BYTES = 64 << 10


def _block_read(handle, offset: int, span: int, size: int) -> bytes:
    """The whole records that start at ``offset`` within ``span`` bytes (more when one record
    is longer; everything left at the end of the file), read with a single copy: the last
    line end is found in the span's tail first, then exactly that much is read (a block cut
    after the read would cost two more copies of it)."""
    while offset + span < size:
        probe = min(span, _PROBE_BYTES)
        handle.seek(offset + span - probe)
        end = handle.read(probe).rfind(b"\n")
        if end >= 0:
            handle.seek(offset)
            data = handle.read(span - probe + end + 1)
            if b'"' not in data:
                return data
            cut = _record_boundary(data)  # a quoted field may hold line ends
            if cut:
                return data if cut == len(data) else data[:cut]
        span = min(2 * span, size - offset)  # no record ends in the span: a longer one
    handle.seek(offset)
    return handle.read(size - offset)


def _record_boundary(data: bytes) -> int:
    """Length of the longest prefix made of whole records (0 if there is none)."""
    end = data.rfind(b"\n")
    if end < 0:
        return 0
    if b'"' not in data:
        return end + 1
    quotes = data.count(b'"', 0, end)
    while quotes % 2:  # the newline at `end` is inside a quoted field: step back one line
        previous = data.rfind(b"\n", 0, end)
        if previous < 0:
            return 0
        quotes -= data.count(b'"', previous, end)
        end = previous
    return end + 1


def _utf8(raw: bytes, info: SourceInfo, first_line: int) -> bytes:
    try:
        if info.encoding == "utf-8":
            if not raw.isascii():  # ASCII is valid UTF-8: no need to decode a copy
                raw.decode("utf-8")
            return raw
        return raw.decode(info.encoding).encode("utf-8")
    except UnicodeDecodeError as exc:
        line = first_line + raw.count(b"\n", 0, exc.start)
        hint = "cp1252" if info.encoding == "utf-8" else "utf-8"
        raise BatchInputError(
            f"caractère illisible en {info.encoding} (octet 0x{raw[exc.start]:02x}) : le "
            f"fichier mélange des encodages ou n'est pas en {info.encoding}. Enregistrez-le en "
            f"CSV UTF-8, ou précisez l'encodage (par exemple {hint}).",
            line=line,
        ) from exc


# --- XLSX ---------------------------------------------------------------------------------


def _from_defusedxml(exc: BaseException | None) -> bool:
    """openpyxl wraps the parser's refusal in its own ValueError: look along the chain."""
    while exc is not None:
        if type(exc).__module__.startswith("defusedxml"):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _xlsx_open(path: Path):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise BatchInputError("archive ZIP illisible ou tronquée : ce n'est pas un XLSX.") from exc
    if "xl/workbook.xml" not in names:
        raise BatchInputError(
            "ce fichier est une archive ZIP mais pas un classeur XLSX (fichier renommé ?) : "
            "déposez un .xlsx enregistré par un tableur, ou un .csv."
        )
    try:
        xlsx_safety_check(path)  # zip bomb: refused before any XML is inflated
    except UnsafeUploadError as exc:
        raise BatchInputError(str(exc)) from exc
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # defusedxml refuses entity tricks with its own ValueErrors
        if _from_defusedxml(exc):
            raise BatchInputError(
                "classeur XLSX refusé : il contient des constructions XML interdites "
                "(entités, DTD)."
            ) from exc
        if isinstance(
            exc, InvalidFileException | KeyError | OSError | ValueError | zipfile.BadZipFile
        ):
            raise BatchInputError(f"classeur XLSX illisible ({type(exc).__name__}).") from exc
        raise


def _xlsx_inspect(path: Path, size: int, header_line: int = 1) -> SourceInfo:
    workbook = _xlsx_open(path)
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(min_row=header_line, values_only=True)
        header = next(rows, None)
        if header is None or not any(v not in (None, "") for v in header):
            raise BatchInputError(
                f"la ligne d'en-tête ({header_line}) de la première feuille est vide.",
                line=header_line,
            )
        first = next(rows, None)
        if first is None:
            raise BatchInputError(
                "le classeur ne contient qu'une ligne d'en-tête, aucune ligne de données.", line=1
            )
        info = SourceInfo(
            path=path, format="xlsx", header=[cell_text(v).strip() for v in header],
            size_bytes=size, header_line=header_line,
        )  # fmt: skip
        info.rows_estimate = max((sheet.max_row or 2) - header_line, 1)
        return info
    finally:
        workbook.close()


def xlsx_rows(*, info: SourceInfo, start_row: int = 0) -> Iterator[tuple[int, list[str] | None]]:
    """(line number, cell texts) of the data rows of the first sheet, from data row
    ``start_row`` (0-based). Empty rows are skipped (their line numbers too)."""
    workbook = _xlsx_open(info.path)
    try:
        sheet = workbook.worksheets[0]
        first = info.header_line + 1 + start_row
        rows = sheet.iter_rows(min_row=first, values_only=True)
        yield from _xlsx_data(rows, info.header, first, blanks=True)
    finally:
        workbook.close()


@contextlib.contextmanager
def xlsx_table(*, path: Path) -> Iterator[tuple[list[str], Iterator[tuple[int, list[str]]]]]:
    """The header and the data rows of the first sheet, the workbook opened (and its shared
    strings parsed) once: for a reader that needs both in one pass."""
    workbook = _xlsx_open(path)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        values = next(rows, None)
        if values is None or not any(v not in (None, "") for v in values):
            raise BatchInputError("la première feuille du classeur est vide.", line=1)
        header = [cell_text(v).strip() for v in values]
        yield header, _xlsx_data(rows, header, 2)
    finally:
        workbook.close()


def _xlsx_data(
    rows, header: list[str], first_line: int, *, blanks: bool = False
) -> Iterator[tuple[int, list[str] | None]]:
    """(line, cells) of the data rows, short rows padded to the header; a blank row is skipped,
    or given as (line, None) with ``blanks`` (the caller counts it)."""
    width = len(header)
    for line, values in enumerate(rows, start=first_line):
        cells = [cell_text(v) for v in values]
        if not any(cells):
            if blanks:
                yield line, None
            continue
        if len(cells) < width:
            cells.extend([""] * (width - len(cells)))
        yield line, cells


def cell_text(value: object) -> str:
    """A spreadsheet value as text: integers without ".0", dates in ISO format."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
