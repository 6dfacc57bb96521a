"""A file of structured addresses geocoded by the real local addok, then located."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest

from quartiers.georef.batch import BatchOptions, file_georeference
from quartiers.georef.loader import points_locate

pytestmark = pytest.mark.django_db


def _metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    k = math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot((lon2 - lon1) * 111_320 * k, (lat2 - lat1) * 110_574)


def test_an_address_file_is_geocoded_then_located(tmp_path, data_dir, addok_url, settings):
    settings.GEOCODER_URL = addok_url
    with (data_dir / "adresses" / "adresses_nord_geocoder_tester.csv").open(encoding="utf-8") as f:
        reference = list(csv.DictReader(f))[:200]
    source = tmp_path / "adresses.csv"
    with source.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Numéro", "Voie", "Code postal", "Ville"])
        for row in reference:
            writer.writerow([row["housenumber"], row["street"], row["postcode"], row["city"]])
        writer.writerow(["", "", "", ""])  # an empty address
    output = tmp_path / "resultat.csv"
    summary = file_georeference(
        source=source, output=output, options=BatchOptions(column_names="machine")
    )
    rows = list(csv.DictReader(io.StringIO(output.read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 201 == summary.rows
    located = [r for r in rows if r["lon"]]
    with_street = [i for i, ref in enumerate(reference) if ref["street"]]
    assert len(located) >= 0.95 * len(with_street)  # the index holds these very addresses
    for i, ref in enumerate(reference):
        if not ref["street"]:
            assert rows[i]["status"] == "non géocodée"
            assert (
                rows[i]["remark"]
                == f"ligne {i + 2}, colonne « Voie » : voie absente, adresse non géocodée"
            )
    close = sum(
        _metres(float(ref["lon"]), float(ref["lat"]),
                float(r["lon"].replace(",", ".")), float(r["lat"].replace(",", "."))) < 50
        for ref, r in zip(reference, rows, strict=False) if r["lon"]
    )  # fmt: skip
    assert close >= 0.95 * len(located)
    lon = np.array([float(r["lon"].replace(",", ".")) for r in located])
    lat = np.array([float(r["lat"].replace(",", ".")) for r in located])
    expected = points_locate(lon=lon, lat=lat).primary_codes()
    assert [r["qpv_code"] or None for r in located] == list(expected)
    for r in located:
        if float(r["score"].replace(",", ".")) < 0.8:
            assert r["status"] == "incertain"  # an unreliable geocoding is never "in"/"out"
    assert rows[-1]["status"] == "non géocodée"
    assert rows[-1]["remark"].startswith("ligne 202, colonne « Voie » : voie absente")
    assert summary.by_status["not_geocoded"] >= 1


def test_a_full_address_column_is_geocoded_in_one_piece(tmp_path, addok_url, settings):
    settings.GEOCODER_URL = addok_url
    source = tmp_path / "adresses.csv"
    source.write_text(
        'Adresse complète,Code INSEE\n"19 Rue Denis Cordonnier, 59580",\n   ,\n',
        encoding="utf-8",
    )
    output = tmp_path / "resultat.xlsx"
    summary = file_georeference(
        source=source,
        output=output,
        options=BatchOptions(output_format="xlsx", column_names="machine"),
    )
    from openpyxl import load_workbook

    sheet = load_workbook(output, read_only=True).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["qpv_code"] == "QN05934M"
    assert first["geocoded_label"].startswith("19 Rue Denis Cordonnier")
    assert isinstance(first["score"], float) and first["score"] >= 0.8
    second = dict(zip(header, rows[2], strict=True))
    assert (second["status"], second["remark"]) == ("non géocodée", "ligne 3 : adresse vide")
    assert summary.by_status["not_geocoded"] == 1
