"""Read a beneficiaries' file and count where the beneficiaries live (never store them).

The file is read by the georef batch reader (quartiers/georef/batch/readers.py: CSV in UTF-8
with or without BOM, cp1252 or latin-1, `;` `,` tab `|`, quoted fields, or XLSX) and its
columns detected by the batch column detector (columns.py): longitude/latitude (WGS84), X/Y
Lambert-93, one full address line, or number/street/postcode/city. Addresses are geocoded in
batches (`/search/csv/`) through the geocoding cache, then every position goes through the
georef engine. Only counts leave this module.
"""

from __future__ import annotations

import contextlib
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings

from quartiers.georef.batch.columns import ColumnMapping, columns_detect
from quartiers.georef.batch.errors import BatchInputError
from quartiers.georef.batch.readers import (
    SourceInfo,
    csv_blocks,
    csv_text_records,
    source_inspect,
    xlsx_table,
)
from quartiers.georef.batch.results import number_parse
from quartiers.georef.contours import LAMBERT93, WGS84
from quartiers.georef.engine import (
    STATUS_INVALID,
    STATUS_UNCERTAIN,
    LocateResult,
    status_with_geocoding,
)
from quartiers.georef.geocoder import (
    AddressQuery,
    GeocoderClient,
    GeocoderConfig,
    GeocoderError,
    addresses_geocode,
)
from quartiers.georef.loader import points_locate
from quartiers.grants.services.errors import GrantRefused

GEOCODER_UNAVAILABLE = (
    "géocodage impossible pour le moment (service de géocodage indisponible) : aucun résultat "
    "n'a été enregistré, réessayez plus tard"
)
BLOCK_BYTES = 1 << 20  # CSV read 1 MiB at a time: memory does not grow with the file

# A delimiter that never occurs in text (ASCII unit separator), for one-column files.
ONE_COLUMN = "\x1f"
Record = tuple[int, list[str]]  # (line number in the file, cells)


@dataclass
class Counts:
    """What is kept of a file: rows = in_qpv + out + invalid + not_geocoded."""

    rows: int = 0
    in_qpv: int = 0
    out: int = 0
    uncertain: int = 0  # among in_qpv + out
    invalid: int = 0
    geocoded: int | None = None  # None for a file of coordinates
    not_geocoded: int | None = None
    by_qpv: dict[str, int] = field(default_factory=dict)
    generation: int | None = None

    @property
    def located(self) -> int:
        return self.in_qpv + self.out


@dataclass
class _Rows:
    """What one pass over the file keeps of each row: two numbers (coordinates) or one
    geocoder query (addresses); never the row itself."""

    mapping: ColumnMapping
    x: array[float] = field(default_factory=lambda: array("d"))
    y: array[float] = field(default_factory=lambda: array("d"))
    queries: list[AddressQuery | None] = field(default_factory=list)
    count: int = 0


def beneficiaries_max_rows() -> int:
    return int(settings.BENEFICIARIES_MAX_ROWS)


def beneficiaries_count(
    *,
    path: Path,
    name: str,
    generation: int | None = None,
    client: GeocoderClient | None = None,
) -> Counts:
    """Counts of a beneficiaries' file, read once. Raises GrantRefused (French) for a file
    that cannot be read, has no usable column, more rows than BENEFICIARIES_MAX_ROWS (the
    reading stops at the first row past it), or when the geocoder cannot be reached."""
    try:
        with _table_open(Path(path)) as (header, records):
            mapping = columns_detect(header=header)
            rows = _rows_collect(records, mapping, name=name)
    except BatchInputError as exc:
        raise GrantRefused(f"{name} : {exc}") from exc
    if not rows.count:
        raise GrantRefused(f"{name} : aucune ligne de bénéficiaire.")
    if mapping.mode in ("lonlat", "xy"):
        return _coordinates_count(rows, generation=generation)
    try:
        return _addresses_count(rows, generation=generation, client=client)
    except GeocoderError as exc:
        raise GrantRefused(f"{name} : {GEOCODER_UNAVAILABLE}.") from exc


@contextlib.contextmanager
def _table_open(path: Path) -> Iterator[tuple[list[str], Iterator[Record]]]:
    """The header and the data rows of a CSV or XLSX file (an XLSX opened once)."""
    with path.open("rb") as handle:
        is_zip = handle.read(4) == b"PK\x03\x04"
    if is_zip:
        with xlsx_table(path=path) as table:
            yield table
        return
    info = source_inspect(path=path)
    if len(info.header) == 1:
        # One column (a full address line): commas inside the addresses must not split
        # it, whatever the sniffer guessed from them.
        info.delimiter = ONE_COLUMN
    yield info.header, _csv_records(info)


def _csv_records(info: SourceInfo) -> Iterator[Record]:
    for block in csv_blocks(info=info, block_bytes=BLOCK_BYTES):
        text = block.data.decode("utf-8")
        for line, cells in csv_text_records(
            text, delimiter=info.delimiter, first_line=block.first_line, header=info.header
        ):
            if any(cell.strip() for cell in cells):
                yield line, cells


def _rows_collect(records: Iterator[Record], mapping: ColumnMapping, *, name: str) -> _Rows:
    limit = beneficiaries_max_rows()
    rows = _Rows(mapping=mapping)
    coordinates = mapping.mode in ("lonlat", "xy")
    x_role, y_role = ("x", "y") if mapping.mode == "xy" else ("lon", "lat")
    for line, cells in records:
        rows.count += 1
        if rows.count > limit:
            most = f"{limit:,}".replace(",", " ")
            raise GrantRefused(
                f"{name} : plus de {most} lignes de bénéficiaires (ligne {line} atteinte) ; la "
                f"limite est de {most} lignes par fichier et la lecture s'est arrêtée là. "
                "Découpez le fichier."
            )
        if coordinates:
            rows.x.append(_number(_cell(cells, mapping, x_role)))
            rows.y.append(_number(_cell(cells, mapping, y_role)))
        else:
            rows.queries.append(address_query(cells, mapping))
    return rows


def _cell(cells: list[str], mapping: ColumnMapping, role: str) -> str:
    index = mapping.columns.get(role)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _number(text: str) -> float:
    value = number_parse(text) if text else None
    return np.nan if value is None else value


def _coordinates_count(rows: _Rows, *, generation: int | None) -> Counts:
    x = np.frombuffer(rows.x, dtype=np.float64)
    y = np.frombuffer(rows.y, dtype=np.float64)
    crs = LAMBERT93 if rows.mapping.mode == "xy" else WGS84
    result = points_locate(lon=x, lat=y, crs=crs, generation=generation, distances="band")
    return _counts(result, result.status, rows=rows.count)


def address_query(cells: list[str], mapping: ColumnMapping) -> AddressQuery | None:
    """The geocoder query of one row (None when the row has no address)."""
    postcode = _cell(cells, mapping, "postcode")
    if postcode.isdigit() and len(postcode) == 4:
        postcode = "0" + postcode  # a spreadsheet dropped the leading zero
    insee = _cell(cells, mapping, "insee")
    if mapping.mode == "address":
        text = _cell(cells, mapping, "address")
        return AddressQuery(text, postcode=postcode, citycode=insee) if text else None
    if not _cell(cells, mapping, "street"):
        return None
    parts = (_cell(cells, mapping, role) for role in ("number", "street"))
    text = " ".join(p for p in (*parts, postcode, _cell(cells, mapping, "city")) if p)
    return AddressQuery(text, citycode=insee)


def _addresses_count(
    rows: _Rows, *, generation: int | None, client: GeocoderClient | None
) -> Counts:
    n = rows.count
    lon, lat, score = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    match_type = np.full(n, None, dtype=object)
    asked = [(i, q) for i, q in enumerate(rows.queries) if q is not None]
    own = client is None
    if client is None:
        client = GeocoderClient(GeocoderConfig.from_settings())
    try:
        pages = addresses_geocode(queries=[q for _, q in asked], client=client, mode="batch")
        answers = [result for page in pages for result in page]
    finally:
        if own:
            client.close()
    for (i, _), answer in zip(asked, answers, strict=True):
        if answer.found:
            lon[i], lat[i], match_type[i] = answer.lon, answer.lat, answer.type
            score[i] = np.nan if answer.score is None else answer.score
    found = np.isfinite(lon) & np.isfinite(lat)
    # Only the geocoded positions go to the engine (rows without one are "not geocoded").
    result = points_locate(lon=lon[found], lat=lat[found], generation=generation, distances="band")
    status = status_with_geocoding(
        status=result.status,
        score=score[found],
        match_type=match_type[found],
        min_score=float(settings.GEOREF_MIN_SCORE),
    )
    counts = _counts(result, status, rows=n)
    counts.geocoded = int(found.sum())
    counts.not_geocoded = n - counts.geocoded
    return counts


def _counts(result: LocateResult, status: np.ndarray, *, rows: int) -> Counts:
    valid = status != STATUS_INVALID
    inside = valid & (result.primary >= 0)
    codes = result.primary_codes()[inside]
    by_qpv = Counter(str(code) for code in codes)
    return Counts(
        rows=rows,
        in_qpv=int(inside.sum()),
        out=int((valid & ~inside).sum()),
        uncertain=int((status == STATUS_UNCERTAIN).sum()),
        invalid=int((~valid).sum()),
        by_qpv=dict(sorted(by_qpv.items(), key=lambda kv: (-kv[1], kv[0]))),
        generation=result.generation,
    )
