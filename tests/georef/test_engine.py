"""The georef engine on the real Nord contours: real addresses, edges, overlaps, tolerance."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from quartiers.georef.contours import LAMBERT93, WGS84, transformer
from quartiers.georef.engine import (
    STATUS_IN,
    STATUS_INVALID,
    STATUS_OUT,
    STATUS_UNCERTAIN,
    locate,
    status_with_geocoding,
)
from tests.georef.conftest import engine_memberships, exact_memberships


@pytest.fixture(scope="module")
def addresses(data_dir: Path) -> pd.DataFrame:
    return pd.read_csv(data_dir / "adresses" / "adresses_nord_geocoder_tester.csv", dtype=str)


def _geom(contours, code):
    return dict(contours)[code]


def _locate_one(index, lon, lat, **kwargs):
    return locate(index, np.array([lon]), np.array([lat]), **kwargs)


def test_engine_agrees_with_the_exact_test_on_all_1122_real_addresses(
    nord_index, nord_contours, addresses
):
    lon = addresses["lon"].astype(float).to_numpy()
    lat = addresses["lat"].astype(float).to_numpy()
    result = locate(nord_index, lon, lat)
    expected = exact_memberships(nord_contours, lon, lat)
    assert engine_memberships(result) == expected
    # PROVENANCE.md: 129 of the 1,122 points fall inside a Nord QPV (make_valid'd contours).
    assert sum(1 for found in expected if found) == 129
    assert (result.primary >= 0).sum() == 129


# Real addresses of the geocoder-tester files and the QPV they fall in (exact test on the
# shared simplified contours; see PROVENANCE.md §4).
@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("19 Rue Denis Cordonnier", "QN05934M"),
        ("64 B Rue de Metz", "QN05967M"),
        ("43 Rue Paul Lafargue", "QN05980M"),
        ("32 Rue Victor Pecqueur", "QN05904M"),
        ("4 Impasse Marcy", "QN05944M"),
        ("57 Cité Bacquet", "QN05973M"),
        ("294 Rue Ingres", "QN05981M"),
        ("155 RUE DE GAND 59200 TOURCOING", "QN05983M"),
        ("65 RUE EMILE ZOLA 59156 LOURCHES", "QN05952M"),
    ],
)
def test_real_address_is_located_in_its_qpv(nord_index, addresses, query, code):
    row = addresses[addresses["query"] == query].iloc[0]
    result = _locate_one(nord_index, float(row["lon"]), float(row["lat"]), distances="exact")
    assert result.primary_codes()[0] == code
    assert result.status[0] == STATUS_IN
    assert result.distance_m[0] > 10.0


def test_address_within_ten_metres_of_a_boundary_is_uncertain(nord_index, addresses):
    row = addresses[addresses["query"] == "1 RUE GUSTAVE DELORY 59192 BEUVRAGES"].iloc[0]
    result = _locate_one(nord_index, float(row["lon"]), float(row["lat"]))
    assert result.primary_codes()[0] == "QN05921M"
    assert result.status[0] == STATUS_UNCERTAIN
    assert result.distance_m[0] == pytest.approx(1.06, abs=0.01)


@pytest.mark.parametrize("code", ["QN05901M", "QN05944M", "QN05972M", "QN05980M", "QN05992N"])
def test_representative_point_of_a_qpv_is_in_that_qpv(nord_index, nord_contours, code):
    point = _geom(nord_contours, code).representative_point()
    result = _locate_one(nord_index, point.x, point.y)
    assert result.containing(0) == [code]


def test_point_outside_every_qpv_is_out(nord_index):
    # Place du Général de Gaulle (Grand'Place), Lille: not in a QPV 2024.
    result = _locate_one(nord_index, 3.0633, 50.6369, distances="exact")
    assert result.primary[0] == -1
    assert result.status[0] == STATUS_OUT
    assert result.distance_m[0] > 10.0


def test_vertices_of_a_contour_are_in_it_and_uncertain(nord_index, nord_contours):
    geom = _geom(nord_contours, "QN05901M")
    vertices = shapely.get_coordinates(
        geom.exterior if hasattr(geom, "exterior") else geom.geoms[0].exterior
    )
    result = locate(nord_index, vertices[:, 0], vertices[:, 1])
    expected = exact_memberships(nord_contours, vertices[:, 0], vertices[:, 1])
    assert engine_memberships(result) == expected
    assert all("QN05901M" in found for found in engine_memberships(result))
    assert np.all(result.status == STATUS_UNCERTAIN)
    assert np.allclose(result.distance_m, 0.0, atol=1e-6)


def test_point_exactly_on_an_edge_is_in_and_just_outside_is_out():
    from quartiers.georef.index import index_build

    square = shapely.box(3.0, 50.0, 3.01, 50.01)
    index = index_build([("QNTEST01", square)], generation=2024)
    lon = np.array([3.005, 3.005, 3.0, 3.01, 3.005])
    lat = np.array([50.0, np.nextafter(50.0, 0.0), 50.005, 50.01, 50.01 + 1e-7])
    result = locate(index, lon, lat)
    assert result.primary.tolist() == [0, -1, 0, 0, -1]
    assert result.status.tolist() == [STATUS_UNCERTAIN] * 5
    assert shapely.intersects_xy(square, lon, lat).tolist() == [True, False, True, True, False]


def test_overlap_of_qn05950m_and_qn05954m_returns_both_with_the_deepest_as_primary(
    nord_index, nord_contours
):
    a, b = _geom(nord_contours, "QN05950M"), _geom(nord_contours, "QN05954M")
    overlap = shapely.intersection(a, b)
    area = next(g for g in shapely.get_parts(overlap) if g.geom_type == "Polygon")
    point = area.representative_point()
    result = _locate_one(nord_index, point.x, point.y)
    assert set(result.containing(0)) == {"QN05950M", "QN05954M"}
    # Primary: the QPV the point is most deeply inside (distances in Lambert-93).
    to_l93 = transformer(WGS84, LAMBERT93)
    p93 = shapely.Point(to_l93.transform(point.x, point.y))
    depth = {
        code: shapely.transform(
            geom.boundary, lambda c: np.column_stack(to_l93.transform(c[:, 0], c[:, 1]))
        ).distance(p93)
        for code, geom in (("QN05950M", a), ("QN05954M", b))
    }
    deepest = max(sorted(depth), key=lambda code: depth[code])
    assert result.containing(0)[0] == deepest
    assert result.status[0] == STATUS_UNCERTAIN  # a 5 m² sliver: within 10 m of both edges


def test_point_on_a_boundary_shared_by_two_qpv_gets_the_smallest_code(nord_index, nord_contours):
    a, b = _geom(nord_contours, "QN05950M"), _geom(nord_contours, "QN05954M")
    shared = shapely.get_coordinates(shapely.intersection(a.boundary, b.boundary))
    lon, lat = shared[:, 0], shared[:, 1]
    result = locate(nord_index, lon, lat)
    assert engine_memberships(result) == exact_memberships(nord_contours, lon, lat)
    both = [i for i, found in enumerate(engine_memberships(result)) if len(found) == 2]
    assert both, "the two contours share boundary points"
    for i in both:
        assert result.containing(i) == ["QN05950M", "QN05954M"]  # both at depth 0: code order


def test_ten_metre_tolerance_marks_points_near_an_edge_uncertain(nord_index, nord_contours):
    geom = _geom(nord_contours, "QN05901M")
    to_l93, to_wgs = transformer(WGS84, LAMBERT93), transformer(LAMBERT93, WGS84)
    ring = shapely.transform(
        geom.geoms[0].exterior, lambda c: np.column_stack(to_l93.transform(c[:, 0], c[:, 1]))
    )
    coords = shapely.get_coordinates(ring)
    longest = int(np.argmax(np.hypot(*(coords[1:] - coords[:-1]).T)))
    (ax, ay), (bx, by) = coords[longest], coords[longest + 1]
    mid = np.array([(ax + bx) / 2, (ay + by) / 2])
    normal = np.array([-(by - ay), bx - ax]) / np.hypot(bx - ax, by - ay)
    offsets = np.array([-25.0, -5.0, 5.0, 25.0])
    xy = mid + offsets[:, None] * normal
    result = locate(nord_index, xy[:, 0], xy[:, 1], crs=LAMBERT93, distances="exact")
    distances = shapely.distance(ring, shapely.points(xy))
    assert np.allclose(result.distance_m, np.minimum(distances, result.distance_m), atol=1e-6)
    assert np.allclose(result.distance_m[1:3], 5.0, atol=1e-6)
    inside = shapely.intersects_xy(geom, *to_wgs.transform(xy[:, 0], xy[:, 1]))
    expected = np.where(
        result.distance_m <= 10.0, STATUS_UNCERTAIN, np.where(inside, STATUS_IN, STATUS_OUT)
    )
    assert result.status.tolist() == expected.tolist()
    assert sorted(result.status[[1, 2]].tolist()) == [STATUS_UNCERTAIN, STATUS_UNCERTAIN]
    assert {result.status[0], result.status[3]} == {STATUS_IN, STATUS_OUT}


def test_lambert93_input_gives_the_same_answers(nord_index, addresses):
    lon = addresses["lon"].astype(float).to_numpy()
    lat = addresses["lat"].astype(float).to_numpy()
    x, y = transformer(WGS84, LAMBERT93).transform(lon, lat)
    from_wgs = locate(nord_index, lon, lat, distances="exact")
    from_l93 = locate(nord_index, np.asarray(x), np.asarray(y), crs=LAMBERT93, distances="exact")
    assert from_l93.primary.tolist() == from_wgs.primary.tolist()
    assert from_l93.status.tolist() == from_wgs.status.tolist()
    assert np.allclose(from_l93.distance_m, from_wgs.distance_m, atol=1e-3)


def test_distances_are_exact_metric_distances_to_the_nearest_boundary(nord_index, nord_contours):
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(2.9, 3.3, 3000), rng.uniform(50.55, 50.75, 3000)
    result = locate(nord_index, lon, lat, distances="exact")
    to_l93 = transformer(WGS84, LAMBERT93)
    boundaries = shapely.transform(
        shapely.boundary([g for _, g in nord_contours]),
        lambda c: np.column_stack(to_l93.transform(c[:, 0], c[:, 1])),
    )
    points = shapely.points(np.column_stack(to_l93.transform(lon, lat)))
    expected = shapely.distance(shapely.union_all(boundaries), points)
    assert np.allclose(result.distance_m, expected, atol=1e-6)
    band = locate(nord_index, lon, lat)
    near = expected <= nord_index.band_m
    assert np.allclose(band.distance_m[near], expected[near], atol=1e-6)
    assert np.isnan(band.distance_m[~near]).all()  # "farther than the band", never a guess


def test_non_finite_positions_are_invalid(nord_index):
    result = locate(nord_index, np.array([np.nan, 3.0, np.inf]), np.array([50.6, np.nan, 50.6]))
    assert result.status.tolist() == [STATUS_INVALID] * 3
    assert result.primary.tolist() == [-1, -1, -1]


def test_geocoding_score_and_match_type_make_a_result_uncertain():
    status = np.array([STATUS_IN, STATUS_IN, STATUS_OUT, STATUS_IN, STATUS_INVALID], dtype=np.int8)
    score = np.array([0.95, 0.79, 0.9, np.nan, 0.3])
    kinds = np.array(
        ["housenumber", "housenumber", "street", "housenumber", "street"], dtype=object
    )
    combined = status_with_geocoding(status=status, score=score, match_type=kinds, min_score=0.8)
    assert combined.tolist() == [
        STATUS_IN,
        STATUS_UNCERTAIN,
        STATUS_UNCERTAIN,
        STATUS_UNCERTAIN,
        STATUS_INVALID,
    ]


def test_far_points_get_exact_distances_too(nord_index, nord_contours):
    # Paris, Brussels, the North Sea, Amiens: far beyond the Nord's QPV (sweep outside the grid).
    lon = np.array([2.3522, 4.3517, 2.6, 2.2958, 3.0633])
    lat = np.array([48.8566, 50.8503, 51.5, 49.8941, 50.6369])
    result = locate(nord_index, lon, lat, distances="exact")
    to_l93 = transformer(WGS84, LAMBERT93)
    boundaries = shapely.union_all(
        shapely.transform(
            shapely.boundary([g for _, g in nord_contours]),
            lambda c: np.column_stack(to_l93.transform(c[:, 0], c[:, 1])),
        )
    )
    expected = shapely.distance(
        boundaries, shapely.points(np.column_stack(to_l93.transform(lon, lat)))
    )
    assert np.allclose(result.distance_m, expected, atol=1e-6)
    assert result.distance_m[0] > 100_000  # Paris is more than 100 km from any Nord QPV
    assert (result.nearest >= 0).all()


def test_empty_input_gives_an_empty_result(nord_index):
    result = locate(nord_index, np.array([]), np.array([]), distances="exact")
    assert len(result) == 0
    assert result.primary_codes().tolist() == []


def test_a_tolerance_wider_than_the_index_band_needs_exact_distances(nord_index, addresses):
    lon = addresses["lon"].astype(float).to_numpy()
    lat = addresses["lat"].astype(float).to_numpy()
    with pytest.raises(ValueError, match="band"):
        locate(nord_index, lon, lat, tolerance_m=50.0)
    wide = locate(nord_index, lon, lat, tolerance_m=50.0, distances="exact")
    assert ((wide.status == STATUS_UNCERTAIN) == (wide.distance_m <= 50.0)).all()
    assert (wide.status == STATUS_UNCERTAIN).sum() > (
        locate(nord_index, lon, lat).status == STATUS_UNCERTAIN
    ).sum()


def test_unsupported_crs_is_refused(nord_index):
    with pytest.raises(ValueError, match="unsupported CRS"):
        locate(nord_index, np.array([3.0]), np.array([50.6]), crs="EPSG:3857")
