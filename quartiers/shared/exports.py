"""Generic tabular exports: rows + column headers → CSV, XLSX or GeoJSON download.

Reusable by every app: pass the header labels (French) and the rows (sequences of plain
values). CSV follows what French Excel expects (`;` separator, UTF-8 with BOM, decimal comma);
cells that a spreadsheet would run as a formula are neutralised in CSV and XLSX alike.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

# OWASP "CSV injection": a cell starting with one of these may be run as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXPORT_FORMATS = ("csv", "xlsx", "geojson")

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GEOJSON_CONTENT_TYPE = "application/geo+json"


def cell_neutralise(*, value: str) -> str:
    """Prefix a text cell that a spreadsheet would treat as a formula with an apostrophe."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    return cell_neutralise(value=str(value))


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_response(
    *, columns: Sequence[str], rows: Iterable[Sequence[object]], filename: str
) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # BOM: Excel then reads the file as UTF-8
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_csv_cell(c) for c in columns])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type=CSV_CONTENT_TYPE)
    return _attachment(response, filename)


def _xlsx_cell(sheet: object, value: object) -> WriteOnlyCell | object:
    if value is None or isinstance(value, bool | int | float | Decimal | datetime | date):
        if isinstance(value, bool):
            value = "oui" if value else "non"
        return value
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    cell = WriteOnlyCell(sheet, value=str(value))
    cell.data_type = "s"  # never a formula, even when the text starts with "="
    return cell


def xlsx_response(
    *,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    filename: str,
    sheet_title: str = "Export",
) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.freeze_panes = "A2"
    header = []
    for label in columns:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    return _attachment(response, filename)


def geojson_response(
    *, features: Iterable[dict[str, object]], filename: str, name: str = ""
) -> HttpResponse:
    """A FeatureCollection in WGS84 lon/lat (RFC 7946: no `crs` member needed)."""
    collection: dict[str, object] = {"type": "FeatureCollection"}
    if name:
        collection["name"] = name
    collection["features"] = list(features)
    payload = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(payload.encode("utf-8"), content_type=GEOJSON_CONTENT_TYPE)
    return _attachment(response, filename)


def table_response(
    *,
    fmt: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    filename_stem: str,
    sheet_title: str = "Export",
) -> HttpResponse:
    """CSV or XLSX, by format name."""
    if fmt == "csv":
        return csv_response(columns=columns, rows=rows, filename=f"{filename_stem}.csv")
    if fmt == "xlsx":
        return xlsx_response(
            columns=columns, rows=rows, filename=f"{filename_stem}.xlsx", sheet_title=sheet_title
        )
    raise ValueError(f"Format d'export inconnu : {fmt}")
