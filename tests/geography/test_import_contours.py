"""Administrative contours (COG 2018) attached to the COG 2024 registry, misses reported."""

from __future__ import annotations

import json

import pytest
import shapely

from quartiers.geography.importers import ImportRefused, admin_contours_import
from quartiers.geography.models import Arrondissement, Commune, Departement


def test_departement_arrondissement_and_commune_contours_are_stored(db):
    nord = Departement.objects.get(insee_code="59")
    contour = shapely.from_wkb(bytes(nord.contour_wkb))
    assert contour.geom_type == "MultiPolygon" and contour.is_valid
    assert 2.0 < nord.min_lon < nord.max_lon < 4.3
    assert Arrondissement.objects.exclude(contour_wkb=None).count() == 6
    assert Commune.objects.exclude(contour_wkb=None).count() == 648
    lille = Commune.objects.get(insee_code="59350")
    assert shapely.from_wkb(bytes(lille.contour_wkb)).contains(shapely.Point(3.0635, 50.6372))


def test_a_single_feature_file_is_accepted(db, data_dir):
    (summary,) = admin_contours_import(
        departements=data_dir / "contours" / "departement-59-nord.geojson", apply=True
    )
    assert (summary.kind, summary.unchanged, summary.warnings) == ("contours_departements", 1, [])


def test_every_commune_code_that_does_not_join_is_reported(db, data_dir, write_json, table_counts):
    document = json.loads((data_dir / "contours" / "communes-59-nord.geojson").read_text("utf-8"))
    features = document["features"]
    dropped = [f for f in features if f["properties"]["code"] in {"59001", "59350"}]
    document["features"] = [f for f in features if f not in dropped]
    document["features"].append(
        {
            "type": "Feature",
            "properties": {"code": "59999", "nom": "Fusionnée"},
            "geometry": dropped[0]["geometry"],
        }
    )
    before = table_counts()
    (summary,) = admin_contours_import(communes=write_json("communes.geojson", document))
    assert table_counts() == before
    assert summary.unchanged == 646
    assert summary.warnings == [
        "1 communes du fichier sans correspondance dans le référentiel (non importés) : 59999",
        "2 communes du référentiel sans contour dans le fichier : 59001, 59350",
    ]


def test_the_real_commune_contours_all_join_with_cog_2024(db, data_dir):
    (summary,) = admin_contours_import(communes=data_dir / "contours" / "communes-59-nord.geojson")
    assert summary.unchanged == 648
    assert summary.warnings == []


def test_a_changed_contour_is_counted_and_written(db, data_dir):
    Commune.objects.filter(insee_code="59350").update(contour_wkb=None)
    (summary,) = admin_contours_import(
        communes=data_dir / "contours" / "communes-59-nord.geojson", apply=True
    )
    assert (summary.added, summary.unchanged) == (1, 647)
    assert Commune.objects.get(insee_code="59350").contour_wkb is not None


def test_a_point_in_the_contours_is_refused(db, data_dir, write_json, table_counts):
    document = json.loads((data_dir / "contours" / "arrondissements-59-nord.geojson").read_text())
    document["features"][2]["geometry"] = {"type": "Point", "coordinates": [3.0, 50.3]}
    before = table_counts()
    with pytest.raises(ImportRefused, match=r"entité n° 3 \(593\) : géométrie de type Point"):
        admin_contours_import(arrondissements=write_json("arr.geojson", document), apply=True)
    assert table_counts() == before
