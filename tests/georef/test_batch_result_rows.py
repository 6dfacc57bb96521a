"""Result rows a user can check: French column names, a distance on every located row, a
remark on every row that is not plainly in or out, extra fields that never shift the
results, blank lines counted, « hors zone » outside the territory, a chosen header line.
Expected values come from shapely on the source contour file, or from hand counts."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pyproj
import pytest
import shapely

from quartiers.georef.batch import BatchOptions, file_georeference
from quartiers.georef.batch.results import RESULT_COLUMNS, RESULT_COLUMNS_FR

pytestmark = pytest.mark.django_db

ANICHE = (3.250339, 50.323376)  # 19 rue Denis Cordonnier, Aniche: inside QN05934M


@pytest.fixture(scope="module")
def oracle(data_dir: Path):
    """The Nord QPV contours read straight from the GeoJSON, repaired, in Lambert-93."""
    features = json.loads((data_dir / "qpv" / "qpv2024_nord.geojson").read_text())["features"]
    codes = [f["properties"]["code_qp"] for f in features]
    geoms = [shapely.make_valid(shapely.geometry.shape(f["geometry"])) for f in features]
    to_l93 = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
    project = lambda xy: np.column_stack(to_l93.transform(*xy.T))  # noqa: E731
    metric = [shapely.transform(g, project) for g in geoms]
    boundaries = shapely.union_all([shapely.boundary(g) for g in metric])

    def answer(lon: float, lat: float) -> tuple[str, float]:
        inside = [c for c, g in zip(codes, geoms, strict=True) if g.covers(shapely.Point(lon, lat))]
        x, y = to_l93.transform(lon, lat)
        return (inside[0] if len(inside) == 1 else "", shapely.Point(x, y).distance(boundaries))

    return answer


def _run(tmp_path: Path, text: str, **options) -> tuple[list[dict[str, str]], object]:
    source = tmp_path / "entree.csv"
    source.write_text(text, encoding="utf-8")
    output = tmp_path / "sortie.csv"
    summary = file_georeference(source=source, output=output, options=BatchOptions(**options))
    body = output.read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body), delimiter=";")), summary


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def test_result_columns_are_french_unless_machine_names_are_asked(tmp_path):
    rows, _ = _run(tmp_path, f"id,lon,lat\n1,{ANICHE[0]},{ANICHE[1]}\n")
    assert list(rows[0])[3:] == list(RESULT_COLUMNS_FR)
    assert rows[0]["code_qpv"] == "QN05934M" and rows[0]["statut"] == "en QPV"
    rows, _ = _run(tmp_path, f"id,lon,lat\n1,{ANICHE[0]},{ANICHE[1]}\n", column_names="machine")
    taken = {"lon", "lat"}  # input names come first; a result column reusing one is suffixed
    assert list(rows[0])[3:] == [f"{c}_georef" if c in taken else c for c in RESULT_COLUMNS]


def test_every_located_row_gets_its_distance_to_the_nearest_qpv_boundary(tmp_path, oracle):
    rng = np.random.default_rng(12)
    # Around Lille, Roubaix and Valenciennes: in, near and far (up to a few km) from QPV.
    centres = np.array([(3.06, 50.63), (3.18, 50.69), (3.52, 50.36)])
    points = centres[rng.integers(0, 3, 150)] + rng.normal(0, 0.02, (150, 2))
    text = "lon;lat\n" + "".join(f"{x:.6f};{y:.6f}\n".replace(".", ",") for x, y in points)
    rows, summary = _run(tmp_path, text)
    assert summary.rows == 150
    far = 0
    for (lon, lat), row in zip(np.round(points, 6), rows, strict=True):
        code, metres = oracle(float(lon), float(lat))
        assert row["distance_limite_qpv_m"] != ""
        assert _number(row["distance_limite_qpv_m"]) == pytest.approx(metres, abs=0.06)
        if metres > 10:
            far += 1
            assert row["code_qpv"] == code
            assert row["statut"] == ("en QPV" if code else "hors QPV")
            assert row["remarque"] == ""
        else:
            assert row["statut"] == "incertain"
            assert (
                row["remarque"] == "à moins de 10 m d'une limite de QPV : à vérifier sur la carte"
            )
    assert far > 100  # most rows are beyond the 10 m band, where the distance was blank before


def test_a_row_with_extra_fields_keeps_the_result_columns_in_place(tmp_path, oracle):
    rows, summary = _run(tmp_path, "id,lon,lat\n1,3.18,50.69,extra\n2,3.18\n")
    code, metres = oracle(3.18, 50.69)
    first, second = rows
    assert None not in first  # no field beyond the header
    assert (first["id"], first["lon"], first["lat"]) == ("1", "3.18", "50.69")
    assert first["code_qpv"] == code
    assert _number(first["distance_limite_qpv_m"]) == pytest.approx(metres, abs=0.06)
    assert first["remarque"] == "ligne 2 : 4 champs au lieu de 3 : « extra » en trop, ignoré"
    assert (second["statut"], second["code_qpv"]) == ("invalide", "")
    assert second["remarque"] == "ligne 3, colonne « lat » : valeur absente (ligne trop courte)"
    assert summary.error_count == 2


def test_an_unrepresentable_coordinate_is_invalid_with_its_column_and_value(tmp_path):
    rows, summary = _run(tmp_path, "id,lon,lat\n1,1e400,50.6\n2,abc,50.6\n")
    assert [r["statut"] for r in rows] == ["invalide", "invalide"]
    expected = "ligne 2, colonne « lon » : « 1e400 » est hors de toute coordonnée possible"
    assert rows[0]["remarque"] == expected
    assert rows[1]["remarque"] == "ligne 3, colonne « lon » : « abc » n'est pas un nombre"
    assert summary.by_status["invalid"] == 2


def test_blank_lines_are_counted_in_the_summary(tmp_path):
    text = f"id,lon,lat\n1,{ANICHE[0]},{ANICHE[1]}\n\n\n2,{ANICHE[0]},{ANICHE[1]}\n\n"
    rows, summary = _run(tmp_path, text)
    assert len(rows) == 2 == summary.rows
    assert summary.blank_lines == 3
    assert "3 ligne(s) vide(s) ignorée(s)." in summary.lines_fr()


@pytest.mark.parametrize(
    ("lon", "lat", "place"),
    [(4.3517, 50.8503, "Bruxelles"), (1.2, 50.6, "la Manche"), (2.7775, 50.2910, "Arras")],
)
def test_a_point_in_france_box_but_outside_the_territory_is_out_of_zone(tmp_path, lon, lat, place):
    rows, summary = _run(tmp_path, f"lieu,lon,lat\n{place},{lon},{lat}\n")
    assert rows[0]["statut"] == "hors zone"
    assert rows[0]["remarque"] == "position hors du territoire couvert (départements : 59)"
    assert rows[0]["distance_limite_qpv_m"] == ""
    assert summary.by_status["outside"] == 1 and summary.by_status["out"] == 0


def test_the_header_can_be_on_a_later_line(tmp_path):
    text = f"Export du 3 mars;;\n\nid;lon;lat\n1;{ANICHE[0]};{ANICHE[1]}\n2;;\n"
    rows, summary = _run(tmp_path, text, header_line=3)
    assert [r["id"] for r in rows] == ["1", "2"]
    assert rows[0]["code_qpv"] == "QN05934M"
    assert rows[1]["remarque"] == "ligne 5, colonne « lon » : vide"
    assert summary.rows == 2


def test_quoted_fields_of_a_semicolon_file_keep_their_values_on_the_compiled_path(tmp_path):
    lines = [
        "id;adresse;lon;lat",
        f'1;"12, rue des Lilas";"{ANICHE[0]}".;{ANICHE[1]}',
        '2;"Résidence ""Les Tilleuls""; bât. B";"3,18";"50,69"',
        f'3;"=1+1";{str(ANICHE[0]).replace(".", ",")};"{ANICHE[1]}"',
    ]
    lines[1] = lines[1].replace('".;', '";')
    text = "\n".join(lines) + "\n"
    rows, summary = _run(tmp_path, text)
    original = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [r["adresse"] for r in rows] == ["12, rue des Lilas", original[1]["adresse"], "'=1+1"]
    assert [r["lon"] for r in rows] == [r["lon"] for r in original]
    assert [r["code_qpv"] for r in rows][0::2] == ["QN05934M", "QN05934M"]
    assert summary.rows == 3 and summary.error_count == 0
