"""Generic exports (CSV for French Excel, XLSX, GeoJSON) and the list exports on real data."""

from __future__ import annotations

import csv
import io
import json

import pytest
import shapely
from openpyxl import load_workbook
from shapely.geometry import shape

from quartiers.geography.tables import COMMUNE_COLUMNS, EPCI_COLUMNS, QPV_COLUMNS
from quartiers.shared.exports import csv_response, xlsx_response

DANGEROUS = ["=1+2", "+33 3 20 00 00 00", "-2+3", "@SUM(A1)", "\tx"]


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "BOM UTF-8 attendu pour Excel"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_csv_has_bom_semicolons_and_neutralised_formulas():
    response = csv_response(
        columns=["Texte", "Nombre", "Décimal"],
        rows=[[text, -5, 2.5] for text in DANGEROUS] + [["Lille; Roubaix", None, None]],
        filename="essai.csv",
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="essai.csv"'
    rows = _csv_rows(response.content)
    assert rows[0] == ["Texte", "Nombre", "Décimal"]
    assert [r[0] for r in rows[1:6]] == ["'" + text for text in DANGEROUS]
    assert rows[1][1:] == ["-5", "2,5"]  # numbers stay numbers, decimal comma
    assert rows[6] == ["Lille; Roubaix", "", ""]


def test_xlsx_keeps_formula_like_text_as_text():
    response = xlsx_response(
        columns=["Texte", "Nombre"], rows=[[t, 3] for t in DANGEROUS], filename="essai.xlsx"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["Texte", "Nombre"]
    for row, text in zip(sheet.iter_rows(min_row=2), DANGEROUS, strict=True):
        assert row[0].value == text
        assert row[0].data_type == "s"
        assert row[1].value == 3


@pytest.mark.django_db
def test_qpv_csv_export_has_the_94_qpv(client):
    rows = _csv_rows(client.get("/qpv/export.csv").content)
    assert rows[0] == QPV_COLUMNS
    assert len(rows) == 95
    assert len({r[0] for r in rows[1:]}) == 94


@pytest.mark.django_db
def test_qpv_export_follows_the_list_filters(client):
    listed = client.get("/qpv/", {"epci": "245901160"}).context["total"]
    rows = _csv_rows(client.get("/qpv/export.csv", {"epci": "245901160"}).content)
    assert len(rows) - 1 == listed
    assert all("CA Valenciennes Métropole" in r[QPV_COLUMNS.index("EPCI")] for r in rows[1:])


@pytest.mark.django_db
def test_qpv_xlsx_export_opens_with_openpyxl(client):
    response = client.get("/qpv/export.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="qpv-2024.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == QPV_COLUMNS
    assert len(rows) == 95
    shared = next(r for r in rows if r[0] == "QN05920M")
    assert shared[QPV_COLUMNS.index("SIREN des EPCI")] == "200042190, 245901160"


@pytest.mark.django_db
def test_qpv_geojson_export_has_94_exact_contours(client, data_dir):
    collection = json.loads(client.get("/qpv/export.geojson").content)
    source = json.loads((data_dir / "qpv" / "qpv2024_nord.geojson").read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 94
    expected = {f["properties"]["code_qp"]: shape(f["geometry"]) for f in source["features"]}
    for feature in collection["features"]:
        geometry = shape(feature["geometry"])
        assert geometry.is_valid
        original = expected[feature["properties"]["Code QPV"]]
        if original.is_valid:  # exported as stored: not simplified, not rounded
            assert geometry.equals_exact(original, tolerance=1e-9)
        else:  # repaired at import: same footprint
            repaired = shapely.make_valid(original)
            assert geometry.symmetric_difference(repaired).area < 0.01 * repaired.area
        min_lon, min_lat, max_lon, max_lat = geometry.bounds
        assert 2.0 < min_lon < max_lon < 4.3 and 49.9 < min_lat < max_lat < 51.1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "columns", "count"),
    [("/communes/export", COMMUNE_COLUMNS, 76), ("/epci/export", EPCI_COLUMNS, 13)],
)
def test_commune_and_epci_exports_in_the_three_formats(client, url, columns, count):
    rows = _csv_rows(client.get(f"{url}.csv").content)
    assert rows[0] == columns and len(rows) == count + 1
    sheet = load_workbook(io.BytesIO(client.get(f"{url}.xlsx").content)).active
    assert sheet.max_row == count + 1
    collection = json.loads(client.get(f"{url}.geojson").content)
    assert len(collection["features"]) == count
    assert all(shape(f["geometry"]).area > 0 for f in collection["features"])
