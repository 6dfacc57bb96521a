"""A corpus of hostile files, generated at test time (nothing big is committed).

Each builder writes one file into a folder and returns its path. Sizes are chosen so that the
corpus builds in well under a second: the zip bomb inflates ~1000:1, and the "1 GB upload" is
never built at all (the tests announce it through Content-Length with a tiny body).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from openpyxl import Workbook

FORMULAS = ('=HYPERLINK("http://exemple.invalid","clic")', "+1+1", "-2+3", "@SUM(A1:A2)")


def csv_utf16(folder: Path) -> Path:
    path = folder / "utf16.csv"
    path.write_bytes("numero;adresse\n1;10 rue de Lille 59000 Lille\n".encode("utf-16"))
    return path


def csv_mixed_encodings(folder: Path) -> Path:
    """UTF-8 lines, then a line in cp1252 (é as 0xe9): a file pasted from two sources."""
    text = "numero;lon;lat;commentaire\n" + "".join(
        f"{i};3.06;50.63;déjà vu\n" for i in range(1, 50)
    )
    path = folder / "melange.csv"
    path.write_bytes(text.encode("utf-8") + "50;3.06;50.63;été\n".encode("cp1252"))
    return path


def csv_no_delimiter(folder: Path) -> Path:
    """A one-line header with none of the expected delimiters and ragged data."""
    path = folder / "sans-separateur.csv"
    path.write_bytes(b"numero#lon#lat\n1#3.06#50.63\n2#3.07\n")
    return path


def csv_formulas(folder: Path) -> Path:
    """Coordinates inside the Lille QPV with formula-like cells in a free-text column."""
    lines = ["numero;lon;lat;commentaire"]
    lines += [f"{i};3.0760;50.6150;{formula}" for i, formula in enumerate(FORMULAS, start=1)]
    path = folder / "formules.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def binary_as_csv(folder: Path) -> Path:
    path = folder / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    return path


def _xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_zip_bomb(folder: Path, *, inflated_mb: int = 64) -> Path:
    """A real workbook whose first sheet inflates to `inflated_mb` MB of one repeated row."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx_bytes([["lon", "lat"], [3.06, 50.63]])))
    path = folder / "bombe.xlsx"
    row = b'<row><c t="n"><v>3.06</v></c><c t="n"><v>50.63</v></c></row>'
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item.filename))
                continue
            with target.open(item.filename, "w", force_zip64=True) as part:
                part.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxml')
                part.write(b'formats.org/spreadsheetml/2006/main"><sheetData>')
                block = row * 16_384
                for _ in range(inflated_mb * 1024 * 1024 // len(block)):
                    part.write(block)
                part.write(b"</sheetData></worksheet>")
    return path


def xlsx_renamed_zip(folder: Path) -> Path:
    """A plain ZIP archive (not a workbook) renamed .xlsx."""
    path = folder / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("lisez-moi.txt", "pas un classeur")
    return path


def xlsx_xml_entities(folder: Path) -> Path:
    """A workbook whose shared strings declare nested entities ("billion laughs")."""
    source = zipfile.ZipFile(io.BytesIO(_xlsx_bytes([["adresse"], ["10 rue de Lille"]])))
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
            for i in range(1, 10)
        )
        + "]>"
    )
    path = folder / "entites.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = data.decode().split("?>", 1)[-1]
                data = (laughs + body.replace("10 rue de Lille", "&lol9;")).encode()
            target.writestr(item, data)
    return path


def pdf_fake(folder: Path) -> Path:
    """An HTML page with a script, named .pdf."""
    path = folder / "facture.pdf"
    path.write_bytes(b"<html><script>alert(1)</script></html>")
    return path


def pdf_empty(folder: Path) -> Path:
    path = folder / "vide.pdf"
    path.write_bytes(b"")
    return path


def geojson_deep(folder: Path, *, depth: int = 200_000) -> Path:
    """A GeoJSON whose coordinates nest deeper than Python's recursion limit."""
    path = folder / "profond.geojson"
    nested = "[" * depth + "]" * depth
    path.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
        f'"geometry":{{"type":"Polygon","coordinates":{nested}}}}}]}}',
        encoding="utf-8",
    )
    return path


TABULAR = {
    "utf16": csv_utf16,
    "mixed-encodings": csv_mixed_encodings,
    "no-delimiter": csv_no_delimiter,
    "binary": binary_as_csv,
    "zip-bomb": xlsx_zip_bomb,
    "renamed-zip": xlsx_renamed_zip,
    "xml-entities": xlsx_xml_entities,
}
PDF = {"fake-pdf": pdf_fake, "empty-pdf": pdf_empty, "zip-bomb": xlsx_zip_bomb}
