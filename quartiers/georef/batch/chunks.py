"""One chunk of input rows → output bytes, by the fast path (CSV coordinates) or row by row."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from quartiers.georef import native
from quartiers.georef.batch.columns import ROLE_LABELS, ColumnMapping
from quartiers.georef.batch.readers import Block, csv_text_records
from quartiers.georef.batch.results import (
    REMARKS,
    STATUS_TEXT,
    Located,
    cell_csv,
    cell_safe,
    number_parse,
    positions_locate,
    result_cells,
    row_bytes,
)
from quartiers.georef.batch.summary import Summary
from quartiers.georef.contours import LAMBERT93, WGS84
from quartiers.georef.engine import Distances

Geocode = Callable[[list], list]  # list[AddressQuery] -> list[GeocodeResult], same order


@dataclass
class Context:
    """What every chunk of one run shares."""

    header: list[str]
    mapping: ColumnMapping
    delimiter: str
    generation: int
    distances: Distances
    codes: np.ndarray
    names: dict[str, str]
    summary: Summary
    geocode: Geocode | None = None
    remarks: tuple[str, ...] = REMARKS  # by REMARK_* index (results.remark_texts)
    _tables: tuple | None = None
    # Output buffers of the fast path, handed back by the pipeline once written: reusing them
    # spares the kernel the page faults of fresh memory (about a tenth of its time).
    _free: list[np.ndarray] = field(default_factory=list)
    _free_lock: threading.Lock = field(default_factory=threading.Lock)
    _workspace: tuple[np.ndarray, ...] | None = None

    @property
    def crs(self) -> str:
        return LAMBERT93 if self.mapping.mode == "xy" else WGS84

    @property
    def coordinate_roles(self) -> tuple[str, str]:
        return ("x", "y") if self.mapping.mode == "xy" else ("lon", "lat")

    def tables(self) -> tuple:
        """Byte tables of the fast path: prefix per (QPV, status), suffix per remark."""
        if self._tables is None:
            prefixes = []
            for p in range(-1, len(self.codes)):
                code = str(self.codes[p]) if p >= 0 else ""
                for status in range(len(STATUS_TEXT)):
                    cells = [code, self.names.get(code, ""), STATUS_TEXT[status], ""]
                    prefixes.append(";" + ";".join(cell_csv(cell_safe(c)) for c in cells) + ";")
            suffixes = [f";{self.generation};{cell_csv(cell_safe(r))}\r\n" for r in self.remarks]
            self._tables = (*_table(prefixes), *_table(suffixes))
        return self._tables

    def workspace(self, n: int) -> tuple[np.ndarray, ...]:
        """starts, ends, x, y, flags for n rows: the same arrays block after block (fresh
        memory costs a page fault per 4 KiB). Only the block being computed uses them."""
        if self._workspace is None or len(self._workspace[0]) < n:
            size = n + n // 8
            self._workspace = (
                np.empty(size, dtype=np.int64), np.empty(size, dtype=np.int64),
                np.empty(size), np.empty(size), np.empty(size, dtype=np.uint8),
            )  # fmt: skip
        return tuple(array[:n] for array in self._workspace)

    def buffer_take(self, size: int) -> np.ndarray:
        """A free output buffer of at least ``size`` bytes (a new one if none fits)."""
        with self._free_lock:
            for i, buffer in enumerate(self._free):
                if len(buffer) >= size:
                    return self._free.pop(i)
        return np.empty(size + size // 8, dtype=np.uint8)

    def buffers_release(self, data: bytes | list[memoryview]) -> None:
        """Give back the buffers under ``data`` once it is written (and no longer used)."""
        if not isinstance(data, list):
            return
        with self._free_lock:
            for piece in data:
                owner = piece.obj if isinstance(piece, memoryview) else None
                if isinstance(owner, np.ndarray) and len(self._free) < BUFFERS_KEPT:
                    self._free.append(owner)


BUFFERS_KEPT = 4


def _table(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    encoded = [t.encode("utf-8") for t in texts]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(e) for e in encoded])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


def block_process(block: Block, ctx: Context) -> tuple[bytes | list[memoryview], int]:
    """Output bytes and row count of a CSV block (the fast path needs the compiled extension;
    the generic path writes the same bytes)."""
    if native.extension is not None and ctx.mapping.mode in ("lonlat", "xy"):
        done = _coordinates_fast(block, ctx)
        if done is not None:
            return done
    return rows_process(csv_records(block, ctx.delimiter, ctx.summary, ctx.header), ctx)


def csv_records(
    block: Block, delimiter: str, summary: Summary | None = None, header: list[str] | None = None
) -> list[tuple[int, list[str]]]:
    """The records of a block (readers.csv_text_records on its text), as a list."""
    text = block.data.decode("utf-8")
    return list(
        csv_text_records(
            text, delimiter=delimiter, first_line=block.first_line, header=header, summary=summary
        )
    )


def _coordinates_fast(block: Block, ctx: Context) -> tuple[list[memoryview], int] | None:
    """The compiled path; None (nothing done) when the block needs the generic path: a quoted
    field holding a line end, whose records span several lines."""
    loops = native.extension
    assert loops is not None
    data = block.data
    n = block.lines + (0 if data.endswith(b"\n") else 1)
    buf = np.frombuffer(data, dtype=np.uint8)
    starts, ends, x, y, flags = ctx.workspace(n)
    role_x, role_y = ctx.coordinate_roles
    delim = ord(ctx.delimiter)

    def parse(begin: int, end: int, first: int, count: int) -> int:
        rows = slice(first, first + count)
        return loops.lines_parse(
            buf[begin:end], count, delim, len(ctx.header), ctx.mapping.columns[role_x],
            ctx.mapping.columns[role_y], ctx.delimiter != ";", begin, starts[rows], ends[rows],
            x[rows], y[rows], flags[rows],
        )  # fmt: skip

    # Two halves of the block on two threads (the compiled loops release the GIL).
    middle = data.find(b"\n", len(data) // 2) + 1
    if n < 2 * MIN_SPLIT_ROWS or middle <= 0 or middle >= len(data):
        generic = parse(0, len(data), 0, n)
    else:
        n_first = data.count(b"\n", 0, middle)
        other = _pool().submit(parse, middle, len(data), n_first, n - n_first)
        generic = parse(0, middle, 0, n_first)
        generic |= other.result()
    if generic:
        return None
    slow: dict[int, tuple[list[str], str | None]] = {}
    blank = []
    for r in np.flatnonzero(flags == SLOW).tolist():
        text = data[starts[r] : ends[r]].decode("utf-8")
        if not text:
            blank.append(r)
            continue
        line = block.first_line + r
        fields = _line_fields(text, line, ctx) if '"' in text else text.split(ctx.delimiter)
        if fields is None:
            return None
        x[r], y[r], error = _coordinates_parse(fields, line, ctx)
        slow[r] = (fields, error)
    ctx.summary.blank_lines += len(blank)
    line_of = np.arange(n)  # the record's offset in lines from the block's first line
    if blank:
        kept = np.delete(np.arange(n), blank)
        line_of = kept
        slow = {int(np.searchsorted(kept, r)): v for r, v in slow.items()}
        starts, ends, x, y, flags = starts[kept], ends[kept], x[kept], y[kept], flags[kept]
    located = positions_locate(
        x=x, y=y, crs=ctx.crs, generation=ctx.generation, distances=ctx.distances
    )
    ctx.summary.add(located, ctx.codes)
    slow_rows = np.array(sorted(slow), dtype=np.int64)
    first = block.first_line
    pieces = [
        _row_output(fields, located, i, ctx, remark=error, line=first + int(line_of[i]))
        for i, (fields, error) in sorted(slow.items())
    ]
    slow_bytes, slow_off = _table_bytes(pieces)
    prefix_bytes, prefix_off, suffix_bytes, suffix_off = ctx.tables()
    per_row = int(np.diff(prefix_off).max()) + int(np.diff(suffix_off).max()) + 80

    def write(a: int, b: int) -> memoryview:
        if a >= b:
            return memoryview(b"")
        ka, kb = np.searchsorted(slow_rows, (a, b)).tolist()
        out = ctx.buffer_take(int(ends[b - 1] - starts[a]) + (b - a) * per_row + len(slow_bytes))
        size = loops.lines_write(
            buf, delim, starts[a:b], ends[a:b], flags[a:b], located.primary[a:b],
            located.status[a:b], len(STATUS_TEXT), prefix_bytes, prefix_off, located.distance[a:b],
            located.lon[a:b], located.lat[a:b], located.remark[a:b], suffix_bytes, suffix_off,
            slow_rows[ka:kb] - a, slow_bytes, slow_off[ka : kb + 1], out,
        )  # fmt: skip
        return memoryview(out)[:size]

    rows = len(starts)
    if rows < 2 * MIN_SPLIT_ROWS:
        return [write(0, rows)], rows
    other = _pool().submit(write, rows // 2, rows)
    first = write(0, rows // 2)
    return [first, other.result()], rows


MIN_SPLIT_ROWS = 50_000
SLOW = 1  # lines.c LINE_SLOW: the record goes through Python


def _line_fields(text: str, line: int, ctx: Context) -> list[str] | None:
    """The fields of one record with quotes, read by the csv module as the generic path reads
    them; None when the text is not exactly one record (a lone CR in it)."""
    records = list(
        csv_text_records(text, delimiter=ctx.delimiter, first_line=line, header=ctx.header)
    )
    return records[0][1] if len(records) == 1 else None


_executor: list[ThreadPoolExecutor] = []


def _pool() -> ThreadPoolExecutor:
    """One extra thread for the second half of the compiled passes."""
    if not _executor:
        _executor.append(ThreadPoolExecutor(1, "georef-kernel"))
    return _executor[0]


def _table_bytes(pieces: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.zeros(len(pieces) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(p) for p in pieces]) if pieces else []
    return np.frombuffer(b"".join(pieces) or b"\0", dtype=np.uint8), offsets


def _coordinates_parse(
    fields: list[str], line: int, ctx: Context
) -> tuple[float, float, str | None]:
    values = []
    for role in ctx.coordinate_roles:
        column = ctx.mapping.columns[role]
        name = ctx.header[column] or ROLE_LABELS[role]
        if column >= len(fields):
            message = f"ligne {line}, colonne « {name} » : valeur absente (ligne trop courte)"
            return np.nan, np.nan, message
        text = fields[column]
        value = number_parse(text)
        if value is None or not math.isfinite(value):
            if not text.strip():
                what = "vide"
            elif value is None:
                what = f"« {text[:40]} » n'est pas un nombre"
            else:
                what = f"« {text[:40]} » est hors de toute coordonnée possible"
            return np.nan, np.nan, f"ligne {line}, colonne « {name} » : {what}"
        values.append(value)
    return values[0], values[1], None


def _row_output(
    fields: list[str], located: Located, i: int, ctx: Context, *, remark: str | None = None,
    label: str = "", note: str = "", line: int = 0,
) -> bytes:  # fmt: skip
    """One output record. ``remark``: an input error (counted); ``note``: a doubt or a status
    explained (not an error). A record with more fields than the header keeps only the
    header's width (the result columns never shift) and says what was dropped."""
    width = len(ctx.header)
    if len(fields) > width:
        extra = ctx.delimiter.join(fields[width:])
        where = f"ligne {line} : " if line else ""
        dropped = (
            f"{where}{len(fields)} champs au lieu de {width} : « {extra[:60]} » en trop, ignoré"
        )
        remark = f"{remark} ; {dropped}" if remark else dropped
        fields = fields[:width]
    if remark:
        ctx.summary.error_add(remark)
    shared = ctx.remarks[located.remark[i]] if located.remark[i] else ""
    text = " ; ".join(t for t in (remark, note, shared) if t) if (remark or note) else None
    padded = fields + [""] * (width - len(fields))
    cells = result_cells(
        located, i, codes=ctx.codes, names=ctx.names, generation=ctx.generation,
        label=label, remark=text, remarks=ctx.remarks,
    )  # fmt: skip
    return row_bytes(padded, cells)


def rows_process(records: list[tuple[int, list[str]]], ctx: Context) -> tuple[bytes, int]:
    """The generic path: any mode, row by row in Python (the engine still runs per chunk)."""
    n = len(records)
    if not n:
        return b"", 0
    errors: list[str | None] = [None] * n
    labels = [""] * n
    notes = [""] * n
    if ctx.mapping.mode in ("lonlat", "xy"):
        x = np.empty(n)
        y = np.empty(n)
        for i, (line, fields) in enumerate(records):
            x[i], y[i], errors[i] = _coordinates_parse(fields, line, ctx)
        located = positions_locate(
            x=x, y=y, crs=ctx.crs, generation=ctx.generation, distances=ctx.distances
        )
    else:
        from quartiers.georef.batch.addresses import addresses_locate

        located = addresses_locate(records, ctx, errors, labels, notes)
    ctx.summary.add(located, ctx.codes)
    out = [
        _row_output(
            fields, located, i, ctx, remark=errors[i], label=labels[i], note=notes[i], line=line
        )
        for i, (line, fields) in enumerate(records)
    ]
    return b"".join(out), n
