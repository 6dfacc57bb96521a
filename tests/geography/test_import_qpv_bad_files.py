"""Bad files are refused with a French message naming the feature or line; nothing is written."""

from __future__ import annotations

import json

import pytest

from quartiers.geography.importers import ImportRefused, qpv_import


@pytest.fixture
def refused(db, table_counts):
    """Import with --apply, expect a refusal matching `pattern`, check the database is intact."""

    def check(path, pattern: str) -> str:
        before = table_counts()
        with pytest.raises(ImportRefused, match=pattern) as info:
            qpv_import(source=path, apply=True)
        assert table_counts() == before
        return str(info.value)

    return check


def test_a_csv_file_is_refused_as_a_wrong_type(refused, data_dir):
    refused(data_dir / "qpv" / "qpv2024_nord_communes.csv", r"format non pris en charge \(\.csv\)")


def test_a_csv_renamed_geojson_is_refused_with_its_line(refused, data_dir, tmp_path):
    path = tmp_path / "qpv.geojson"
    path.write_bytes((data_dir / "qpv" / "qpv2024_nord_communes.csv").read_bytes())
    refused(path, r"qpv\.geojson, ligne 1, colonne 1 : JSON illisible")


def test_a_point_layer_is_refused_naming_the_feature(refused, data_dir):
    # Real points: the 13 contrats de ville of the Nord (representative points, not contours).
    refused(
        data_dir / "qpv" / "contrats_de_ville_2024_nord.geojson",
        r"colonne\(s\) obligatoire\(s\) absente\(s\) : code_qp, lib_qp, insee_com",
    )


def test_a_point_geometry_is_refused_naming_the_feature(refused, nord_geojson, write_json):
    nord_geojson["features"][4]["geometry"] = {"type": "Point", "coordinates": [3.06, 50.63]}
    refused(
        write_json("qpv.geojson", nord_geojson),
        r"entité n° 5 \(QN05905M\) : géométrie de type Point, attendu Polygon ou MultiPolygon",
    )


def test_a_missing_column_is_refused(refused, nord_geojson, write_json):
    for feature in nord_geojson["features"]:
        del feature["properties"]["insee_com"]
    message = refused(write_json("qpv.geojson", nord_geojson), r"absente\(s\) : insee_com")
    assert "code_qp" in message  # the columns found are listed


def test_an_unreadable_geometry_is_refused_naming_every_bad_feature(
    refused, nord_geojson, write_json
):
    nord_geojson["features"][9]["geometry"]["coordinates"] = [[[[3.0, 50.0], [3.1, 50.1]]]]
    nord_geojson["features"][19]["geometry"] = None
    message = refused(write_json("qpv.geojson", nord_geojson), r"rien n'a été écrit")
    assert "entité n° 10 (QN05910M) : géométrie illisible" in message
    assert "entité n° 20 (QN05920M) : géométrie absente" in message


def test_a_ring_too_short_to_be_repaired_is_refused(refused, nord_geojson, write_json):
    nord_geojson["features"][0]["geometry"]["coordinates"] = [
        [[[3.0, 50.0], [3.1, 50.1], [3.0, 50.0]]]
    ]
    refused(
        write_json("qpv.geojson", nord_geojson),
        r"entité n° 1 \(QN05901M\) : contour invalide et irréparable, de surface nulle",
    )


def test_nan_coordinates_are_refused_as_invalid_json(refused, nord_geojson, write_json):
    nord_geojson["features"][0]["geometry"]["coordinates"][0][0][1] = [3.0, float("nan")]
    refused(write_json("qpv.geojson", nord_geojson), r"ligne 1, colonne \d+ : JSON illisible")


def test_unparsable_json_is_refused_with_its_line(refused, data_dir, tmp_path):
    text = (data_dir / "qpv" / "qpv2024_nord.geojson").read_text(encoding="utf-8")
    path = tmp_path / "qpv.geojson"
    path.write_text(text[: len(text) // 2], encoding="utf-8")  # truncated download
    refused(path, r"qpv\.geojson, ligne 1, colonne \d+ : JSON illisible")


def test_non_utf8_text_is_refused_with_its_line(refused, nord_geojson, tmp_path):
    nord_geojson["features"][0]["properties"]["lib_qp"] = "Cité Lamartine"
    text = json.dumps(nord_geojson, ensure_ascii=False, indent=1)
    path = tmp_path / "qpv_latin1.geojson"
    path.write_bytes(text.encode("latin-1", errors="replace"))
    line = text[: text.index("Cité")].count("\n") + 1
    refused(path, rf"qpv_latin1\.geojson, ligne {line} : le texte n'est pas encodé en UTF-8")


def test_a_duplicated_code_is_refused(refused, nord_geojson, write_json):
    nord_geojson["features"].append(nord_geojson["features"][0])
    refused(
        write_json("qpv.geojson", nord_geojson),
        r"entité n° 95 \(QN05901M\) : code déjà présent à l'entité n° 1",
    )


def test_an_empty_collection_is_refused(refused, write_json):
    empty = {"type": "FeatureCollection", "features": []}
    refused(write_json("qpv.geojson", empty), r"aucune entité")


def test_a_missing_file_is_refused(refused, tmp_path):
    refused(tmp_path / "absent.geojson", r"Fichier introuvable")
