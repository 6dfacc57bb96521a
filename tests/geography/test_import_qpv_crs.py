"""Coordinate systems: a Lambert-93 copy of the Nord file, made here with pyproj, imports to the
same QPV (GeoJSON with a crs member, GeoPackage, zipped Shapefile); other systems are refused."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import mapping, shape

from quartiers.geography.importers import ImportRefused, qpv_import
from quartiers.geography.models import QPV

TO_L93 = Transformer.from_crs("OGC:CRS84", "EPSG:2154", always_xy=True)
FIELDS = ["code_qp", "lib_qp", "insee_dep", "insee_com", "lib_com", "siren_epci"]


def _to_l93(geometries):
    return shapely.transform(
        np.array(geometries, dtype=object),
        lambda x, y: TO_L93.transform(x, y),
        interleaved=False,
    )


@pytest.fixture
def nord_l93(nord_geojson):
    """(properties, Lambert-93 geometries) of the real Nord file."""
    props = [f["properties"] for f in nord_geojson["features"]]
    return props, _to_l93([shape(f["geometry"]) for f in nord_geojson["features"]])


def _stored_l93() -> dict[str, shapely.Geometry]:
    qpvs = QPV.objects.of_generation(2024)
    codes = [q.code for q in qpvs]
    geometries = _to_l93([shapely.from_wkb(bytes(q.contour_wkb)) for q in qpvs])
    return dict(zip(codes, geometries, strict=True))


def _assert_same_contours_within_1_cm(before: dict, after: dict) -> None:
    assert sorted(after) == sorted(before)
    for code, geometry in before.items():
        assert shapely.hausdorff_distance(geometry, after[code]) < 0.01, code  # metres


def _write_ogr(path: Path, props, geometries, driver: str) -> None:
    pyogrio.raw.write(
        str(path),
        geometry=shapely.to_wkb(geometries),
        field_data=[np.array([p[f] for p in props], dtype=object) for f in FIELDS],
        fields=FIELDS,
        crs="EPSG:2154",
        geometry_type="MultiPolygon",
        driver=driver,
        encoding="UTF-8" if driver == "ESRI Shapefile" else None,
    )


def test_a_lambert93_geojson_with_a_crs_member_imports_to_the_same_qpv(db, nord_l93, tmp_path):
    props, geometries = nord_l93
    document = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},
        "features": [
            {"type": "Feature", "properties": p, "geometry": mapping(g)}
            for p, g in zip(props, geometries, strict=True)
        ],
    }
    path = tmp_path / "qpv_l93.geojson"
    path.write_text(json.dumps(document), encoding="utf-8")
    before = _stored_l93()
    summary = qpv_import(source=path, apply=True)
    # Reprojected back to WGS84, every vertex lands within a millimetre of the original one.
    assert (summary.added, summary.changed, summary.removed, summary.unchanged) == (0, 0, 0, 94)
    assert "Lambert-93" in summary.warnings[0]
    assert [w.split(" ")[0] for w in summary.warnings[1:]] == [
        "QN05909M",
        "QN05923M",
        "QN05938M",
        "QN05944M",
    ]
    QPV.objects.all().delete()
    qpv_import(source=path, apply=True)
    _assert_same_contours_within_1_cm(before, _stored_l93())


def test_a_lambert93_geopackage_imports_to_the_same_qpv(db, nord_l93, tmp_path):
    path = tmp_path / "qpv_l93.gpkg"
    _write_ogr(path, *nord_l93, driver="GPKG")
    before = _stored_l93()
    QPV.objects.all().delete()
    summary = qpv_import(source=path, apply=True)
    assert summary.added == 94
    _assert_same_contours_within_1_cm(before, _stored_l93())
    assert QPV.objects.get(code="QN05920M").epci_sirens == ["200042190", "245901160"]


def test_a_zipped_lambert93_shapefile_imports_to_the_same_qpv(db, nord_l93, tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    _write_ogr(folder / "qpv_l93.shp", *nord_l93, driver="ESRI Shapefile")
    archive = tmp_path / "QP2024_Nord_LB93.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for member in sorted(folder.iterdir()):
            out.write(member, member.name)
    before = _stored_l93()
    QPV.objects.all().delete()
    summary = qpv_import(source=archive, apply=True)
    assert summary.added == 94
    _assert_same_contours_within_1_cm(before, _stored_l93())


def test_a_shapefile_without_prj_is_refused(db, nord_l93, tmp_path, table_counts):
    path = tmp_path / "qpv.shp"
    _write_ogr(path, *nord_l93, driver="ESRI Shapefile")
    path.with_suffix(".prj").unlink()
    before = table_counts()
    with pytest.raises(ImportRefused, match=r"aucun système de coordonnées déclaré"):
        qpv_import(source=path, apply=True)
    assert table_counts() == before


@pytest.mark.parametrize(
    ("crs_name", "expected"),
    [
        ("EPSG:3857", r"non pris en charge \(EPSG:3857, WGS 84 / Pseudo-Mercator\)"),
        ("urn:ogc:def:crs:EPSG::999999", r"inconnu « urn:ogc:def:crs:EPSG::999999 »"),
        ("EPSG:27572", r"non pris en charge \(EPSG:27572"),
    ],
)
def test_other_coordinate_systems_are_refused(
    db, nord_geojson, write_json, table_counts, crs_name, expected
):
    nord_geojson["crs"] = {"type": "name", "properties": {"name": crs_name}}
    before = table_counts()
    with pytest.raises(ImportRefused, match=expected):
        qpv_import(source=write_json("qpv.geojson", nord_geojson), apply=True)
    assert table_counts() == before


def test_a_geojson_without_crs_member_is_read_as_wgs84(db, nord_geojson, write_json):
    del nord_geojson["crs"]
    summary = qpv_import(source=write_json("qpv.geojson", nord_geojson), apply=False)
    assert summary.unchanged == 94


def test_lambert93_coordinates_without_crs_member_are_refused_not_guessed(
    db, nord_l93, write_json, table_counts
):
    props, geometries = nord_l93
    document = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": p, "geometry": mapping(g)}
            for p, g in zip(props, geometries, strict=True)
        ],
    }
    before = table_counts()
    with pytest.raises(ImportRefused, match=r"entité n° 1 \(QN05901M\) : coordonnées hors de"):
        qpv_import(source=write_json("qpv.geojson", document), apply=True)
    assert table_counts() == before
