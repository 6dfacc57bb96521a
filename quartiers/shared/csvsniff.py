"""CSV delimiter detection, one rule for every importer and the georeferencing files."""

from __future__ import annotations

import contextlib
import csv

# Order = preference on ties (French files use ;).
DELIMITERS = (";", ",", "\t", "|")


def delimiter_detect(text: str, *, candidates: tuple[str, ...] = DELIMITERS) -> str:
    """The delimiter of the CSV `text` (its first 100 lines are read): the candidate for which
    most rows have as many fields as the header (a few bad rows do not change the verdict),
    then the widest header. A one-column file (the header has one field whatever the
    delimiter, e.g. an address per line with commas inside) gets the candidate splitting the
    fewest lines, ideally none."""
    lines = text.splitlines(keepends=True)[:100]
    best, best_score = candidates[0], (0, 0)
    for candidate in candidates:
        rows = _rows_readable(lines, candidate)
        if not rows or len(rows[0]) < 2:
            continue
        score = (sum(len(row) == len(rows[0]) for row in rows), len(rows[0]))
        if score > best_score:
            best, best_score = candidate, score
    if best_score[0]:
        return best
    sample = "".join(lines)
    return min(candidates, key=sample.count)


def _rows_readable(lines: list[str], delimiter: str) -> list[list[str]]:
    """The non-empty rows of `lines` up to the first one the csv module cannot read (a field
    over its size limit: the caller's own check names the line and the column)."""
    rows: list[list[str]] = []
    with contextlib.suppress(csv.Error):
        rows.extend(row for row in csv.reader(lines, delimiter=delimiter) if row)
    return rows
