"""CSV records with errors in French naming the line and the column.

Python's csv module refuses a field longer than ``csv.field_size_limit()`` (131,072
characters) with ``_csv.Error: field larger than field limit``, and says neither where nor
why (most often a quote opened and never closed, which swallows the rest of the file). Every
reader of an uploaded CSV goes through ``csv_rows`` instead of ``csv.reader``: the error
becomes a CsvReadError whose text is « ligne 12, colonne « adresse » : … ». The field limit is
never raised (it is global to the process).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator


class CsvReadError(ValueError):
    """A record the csv module cannot read; ``line`` is 1-based, ``column`` a header name or
    « n° 3 »."""

    def __init__(self, reason: str, *, line: int, column: str | None = None):
        self.reason, self.line, self.column = reason, line, column
        where = f"ligne {line}" + (f", colonne « {column} »" if column else "")
        super().__init__(f"{where} : {reason}")


class _Lines:
    """The lines handed to csv.reader, remembering those of the record being read."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.record: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.record.append(line)
        return line


def csv_rows(
    lines: Iterable[str],
    *,
    delimiter: str,
    first_line: int = 1,
    header: list[str] | None = None,
) -> Iterator[tuple[int, list[str]]]:
    """(line number of the record's first line, fields) for each record, blank lines included
    as empty lists. ``lines`` come from a text stream opened with newline=""."""
    source = _Lines(lines)
    reader = csv.reader(source, delimiter=delimiter)
    line = first_line
    while True:
        source.record = []
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _error(exc, "".join(source.record), line, delimiter, header) from exc
        yield line, fields
        line += len(source.record)


def _error(
    exc: csv.Error, text: str, line: int, delimiter: str, header: list[str] | None
) -> CsvReadError:
    limit = csv.field_size_limit()
    if "field limit" not in str(exc):
        return CsvReadError(f"ligne CSV illisible ({exc}).", line=line)
    column, newlines = _long_field(text, delimiter, limit)
    name = header[column] if header and column < len(header) and header[column] else ""
    return CsvReadError(
        f"une cellule dépasse {limit:,} caractères, la limite du lecteur CSV : un guillemet "
        "ouvert n'est sans doute jamais refermé (il englobe alors la suite du fichier), ou la "
        "cellule contient un texte bien trop long. Corrigez cette cellule puis déposez le "
        "fichier à nouveau.".replace(",", " ", 1),
        line=line + newlines,
        column=name or f"n° {column + 1}",
    )


def _long_field(text: str, delimiter: str, limit: int) -> tuple[int, int]:
    """(0-based column, line ends before its start) of the first field longer than
    ``limit`` in a record's text (the last field when none is)."""
    column = length = newlines = start_newlines = 0
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
            continue
        if not quoted and char == delimiter:
            column, length, start_newlines = column + 1, 0, newlines
            continue
        if char == "\n":
            newlines += 1
        length += 1
        if length > limit:
            break
    return column, start_newlines
