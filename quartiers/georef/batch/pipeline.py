"""Georeference a whole file, chunk by chunk, resumable.

The output is written to ``<output>.part``; after each chunk the bytes are appended (and, for
jobs, fsync'ed) and ``on_chunk`` receives the new :class:`Checkpoint` (input position, rows
done, output size, summary so far), which a job commits to the database. Resuming from a
checkpoint truncates the ``.part`` file to the committed size and reads on from the committed
input position: no row is lost or written twice. Only a complete run renames the ``.part``
file to the output name (XLSX output is converted from the CSV ``.part`` at that point).
"""

from __future__ import annotations

import csv
import os
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from django.conf import settings

from quartiers.georef.batch.chunks import Context, block_process, rows_process
from quartiers.georef.batch.columns import columns_detect
from quartiers.georef.batch.errors import BatchInputError
from quartiers.georef.batch.readers import SourceInfo, csv_blocks, source_inspect, xlsx_rows
from quartiers.georef.batch.results import (
    RESULT_COLUMNS,
    RESULT_COLUMNS_FR,
    cell_csv,
    cell_safe,
    qpv_names,
    remark_texts,
)
from quartiers.georef.batch.summary import Summary
from quartiers.georef.batch.zone import zone_get
from quartiers.georef.engine import Distances
from quartiers.georef.loader import index_get

OutputFormat = Literal["csv", "xlsx"]
ColumnNames = Literal["fr", "machine"]
XLSX_MAX_ROWS = 1_048_576
COORDINATE_BLOCK_BYTES = 16 << 20
ADDRESS_BLOCK_BYTES = 256 << 10
# An address file is cut in at least this many chunks (each one geocoded, then committed), so
# that the progress moves during the geocoding; never smaller than MIN_ADDRESS_BLOCK_BYTES.
ADDRESS_MIN_CHUNKS = 20
MIN_ADDRESS_BLOCK_BYTES = 256
XLSX_CHUNK_ROWS = 5_000


class JobCancelled(Exception):
    """``on_chunk`` asked to stop; the .part file and the last checkpoint stay as they are."""


@dataclass
class BatchOptions:
    generation: int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    delimiter: str | None = None
    encoding: str | None = None
    output_format: OutputFormat = "csv"
    # Result column names: French (default) or the machine names of RESULT_COLUMNS.
    column_names: ColumnNames = "fr"
    # Line (1-based) holding the header: files with title lines above it.
    header_line: int = 1
    # "exact": the distance to the nearest QPV boundary on every located row.
    distances: Distances = "exact"
    block_bytes: int | None = None  # CSV bytes per chunk (default by mode)
    chunk_rows: int = XLSX_CHUNK_ROWS  # XLSX rows per chunk
    durable: bool = False  # fsync after each chunk (jobs)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> BatchOptions:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass
class Checkpoint:
    """``input_offset``: CSV byte offset of the next chunk, or XLSX index of the next data row;
    ``line``: its physical line number; ``output_offset``: committed size of the .part file."""

    input_offset: int
    line: int
    rows_done: int
    output_offset: int
    summary: dict

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Checkpoint:
        return cls(**data)


def part_path(output: Path) -> Path:
    return Path(f"{output}.part")


def rows_count(*, info: SourceInfo) -> int:
    """Data rows of the file (CSV: line ends, a quoted field spanning lines counts twice)."""
    if info.format == "xlsx":
        return info.rows_estimate
    count = 0
    last = b"\n"
    with info.path.open("rb") as handle:
        handle.seek(info.data_offset)
        while chunk := handle.read(16 << 20):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def file_georeference(
    *,
    source: Path,
    output: Path,
    options: BatchOptions,
    checkpoint: Checkpoint | None = None,
    on_chunk: Callable[[Checkpoint], bool | None] | None = None,
    geocode: Callable[[list], list] | None = None,
    info: SourceInfo | None = None,
) -> Summary:
    """Georeference ``source`` into ``output``. Raises BatchInputError (French, line/column),
    GeorefError (unknown generation), JobCancelled."""
    info = info or source_inspect(
        path=Path(source),
        encoding=options.encoding,
        delimiter=options.delimiter,
        header_line=options.header_line,
    )
    mapping = columns_detect(header=info.header, overrides=options.columns)
    if options.output_format == "xlsx" and info.rows_estimate >= XLSX_MAX_ROWS:
        raise BatchInputError(_XLSX_TOO_MANY)
    index = index_get(generation=options.generation)
    codes, names = qpv_names(generation=index.generation)
    summary = Summary.from_dict(checkpoint.summary if checkpoint else None)
    if checkpoint is None:
        summary.warnings = list(info.warnings)
    zone = zone_get()
    remarks = remark_texts(
        tolerance_m=float(settings.GEOREF_BOUNDARY_TOLERANCE_M), zone=zone.names if zone else ""
    )
    ctx = Context(
        header=info.header, mapping=mapping, delimiter=info.delimiter,
        generation=index.generation, distances=options.distances, codes=codes, names=names,
        summary=summary, geocode=geocode, remarks=remarks,
    )  # fmt: skip
    if mapping.mode in ("address", "fields") and geocode is None:
        from quartiers.georef.geocoder import GeocoderClient, addresses_geocode

        with GeocoderClient() as client:
            ctx.geocode = lambda queries: next(
                addresses_geocode(queries=queries, client=client, chunk_size=len(queries))
            )
            return _run(info, output, options, ctx, checkpoint, on_chunk)
    return _run(info, output, options, ctx, checkpoint, on_chunk)


def _run(info, output, options, ctx, checkpoint, on_chunk) -> Summary:
    part = part_path(Path(output))
    if checkpoint is None:
        with part.open("wb") as handle:
            header = _header_bytes(info.header, options.column_names)
            size = _write(handle, b"\xef\xbb\xbf" + header, options)
            start = info.data_offset if info.format == "csv" else 0
            checkpoint = Checkpoint(start, info.header_line + 1, 0, size, ctx.summary.to_dict())
        if on_chunk and on_chunk(checkpoint) is False:
            raise JobCancelled
    # Chunk k+1 is computed while a writer thread writes chunk k (the compiled kernels and
    # file writes release the GIL); chunk k's checkpoint is committed only once its bytes are
    # written (and fsync'ed for jobs), always from this thread.
    with part.open("r+b") as handle, ThreadPoolExecutor(1, "georef-write") as writer:
        handle.truncate(checkpoint.output_offset)
        handle.seek(checkpoint.output_offset)
        rows_done = checkpoint.rows_done
        pending = pending_data = None
        for offset, line, data, rows, summary in _chunks(info, options, ctx, checkpoint):
            rows_done += rows
            future = writer.submit(_write, handle, data, options)
            if pending is not None:
                _commit(*pending, on_chunk)
                ctx.buffers_release(pending_data)
            pending, pending_data = (future, offset, line, rows_done, summary), data
        if pending is not None:
            _commit(*pending, on_chunk)
    if ctx.summary.rows == 0:
        part.unlink(missing_ok=True)
        raise BatchInputError("le fichier ne contient aucune ligne de données.")
    if options.output_format == "xlsx":
        _xlsx_from_part(part, Path(output), n_input=len(info.header))
        part.unlink()
    else:
        os.replace(part, output)
    return ctx.summary


def _write(handle, data, options: BatchOptions) -> int:
    for piece in data if isinstance(data, list) else [data]:
        handle.write(piece)
    handle.flush()
    if options.durable:
        os.fsync(handle.fileno())
    return handle.tell()


def _commit(future, offset, line, rows_done, summary, on_chunk) -> None:
    checkpoint = Checkpoint(offset, line, rows_done, future.result(), summary)
    if on_chunk and on_chunk(checkpoint) is False:
        raise JobCancelled


def _chunks(
    info: SourceInfo, options: BatchOptions, ctx: Context, checkpoint: Checkpoint
) -> Iterator[tuple[int, int, bytes, int, dict]]:
    """(next input offset, next line, output bytes, rows, summary so far) per chunk."""
    if info.format == "csv":
        coordinates = ctx.mapping.mode in ("lonlat", "xy")
        size = options.block_bytes or (
            COORDINATE_BLOCK_BYTES if coordinates else _address_block_bytes(info)
        )
        blocks = csv_blocks(
            info=info, start=checkpoint.input_offset, first_line=checkpoint.line, block_bytes=size
        )
        for block in prefetched(blocks):
            data, rows = block_process(block, ctx)
            yield block.end, block.first_line + block.lines, data, rows, ctx.summary.to_dict()
        return
    batch: list[tuple[int, list[str]]] = []
    chunk_rows = options.chunk_rows
    if ctx.mapping.mode in ("address", "fields"):
        chunk_rows = min(chunk_rows, max(info.rows_estimate // ADDRESS_MIN_CHUNKS, 20))
    for line, cells in xlsx_rows(info=info, start_row=checkpoint.input_offset):
        if cells is None:
            ctx.summary.blank_lines += 1
            continue
        batch.append((line, cells))
        if len(batch) >= chunk_rows:
            data, rows = rows_process(batch, ctx)
            yield line - info.header_line, line + 1, data, rows, ctx.summary.to_dict()
            batch = []
    if batch:
        line = batch[-1][0]
        data, rows = rows_process(batch, ctx)
        yield line - info.header_line, line + 1, data, rows, ctx.summary.to_dict()


def _address_block_bytes(info: SourceInfo) -> int:
    share = (info.size_bytes - info.data_offset) // ADDRESS_MIN_CHUNKS
    return int(min(max(share, MIN_ADDRESS_BLOCK_BYTES), ADDRESS_BLOCK_BYTES))


def prefetched(iterator: Iterator, depth: int = 2) -> Iterator:
    """The items of ``iterator`` produced by a background thread (reading the next block while
    this one is processed); its exceptions are raised here, in order."""
    items: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                items.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in iterator:
                if not put((True, item)):
                    return
            put((False, None))
        except BaseException as exc:  # handed over to the consumer
            put((False, exc))
        finally:
            close = getattr(iterator, "close", None)
            if close:
                close()

    thread = threading.Thread(target=produce, name="georef-read", daemon=True)
    thread.start()
    try:
        while True:
            ok, item = items.get()
            if ok:
                yield item
            elif item is None:
                return
            else:
                raise item
    finally:
        stop.set()
        thread.join()


def output_header(header: list[str], column_names: ColumnNames = "fr") -> list[str]:
    """Input header then result columns (renamed with `_georef` when a name is taken)."""
    taken = {h.lower() for h in header}
    names = RESULT_COLUMNS_FR if column_names == "fr" else RESULT_COLUMNS
    return [*header, *(f"{c}_georef" if c.lower() in taken else c for c in names)]


def _header_bytes(header: list[str], column_names: ColumnNames) -> bytes:
    cells = [cell_csv(cell_safe(c)) for c in output_header(header, column_names)]
    return (";".join(cells) + "\r\n").encode("utf-8")


_XLSX_TOO_MANY = (
    f"le format XLSX est limité à {XLSX_MAX_ROWS:,} lignes : demandez un résultat CSV.".replace(
        ",", " "
    )
)
_NUMERIC_RESULTS = {"score", "distance_m", "lon", "lat", "generation"}


def _xlsx_from_part(part: Path, output: Path, *, n_input: int) -> None:
    """Convert the CSV .part to XLSX (write-only mode): input cells stay text, never formulas;
    result numbers become numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Géoréférencement")
    numeric = {n_input + i for i, c in enumerate(RESULT_COLUMNS) if c in _NUMERIC_RESULTS}
    with part.open(encoding="utf-8-sig", newline="") as handle:
        for count, fields in enumerate(csv.reader(handle, delimiter=";")):
            if count >= XLSX_MAX_ROWS:
                raise BatchInputError(_XLSX_TOO_MANY)
            row = []
            for j, value in enumerate(fields):
                if count and j in numeric and value:
                    row.append(float(value.replace(",", ".")))
                    continue
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # text, even when it starts with "="
                row.append(cell)
            sheet.append(row)
    tmp = Path(f"{output}.tmp")
    workbook.save(tmp)
    os.replace(tmp, output)
