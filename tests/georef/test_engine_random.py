"""Random points against the exact shapely test: zero disagreement, Nord and all France."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from quartiers.georef.contours import LAMBERT93, WGS84, transformer
from quartiers.georef.engine import locate
from tests.georef.conftest import crowded_points, engine_memberships, exact_memberships


def _assert_same(index, contours, lon, lat):
    result = locate(index, lon, lat)
    expected = exact_memberships(contours, lon, lat)
    found = engine_memberships(result)
    wrong = [i for i in range(len(lon)) if found[i] != expected[i]]
    assert not wrong, f"{len(wrong)} disagreements, e.g. {lon[wrong[0]]!r}, {lat[wrong[0]]!r}"
    # The primary is always one of the containing QPV.
    inside = result.primary >= 0
    assert shapely.intersects_xy(
        index.geoms[result.primary[inside]], lon[inside], lat[inside]
    ).all()
    return result


def test_uniform_points_over_the_nord_agree_with_the_exact_test(nord_index, nord_contours):
    rng = np.random.default_rng(2024)
    lon, lat = rng.uniform(2.29, 4.11, 200_000), rng.uniform(50.0, 51.04, 200_000)
    _assert_same(nord_index, nord_contours, lon, lat)


def test_points_crowded_along_nord_boundaries_agree_with_the_exact_test(nord_index, nord_contours):
    lon, lat = crowded_points(nord_contours, 200_000, spread_deg=2e-4, seed=59)
    result = _assert_same(nord_index, nord_contours, lon, lat)
    assert (result.status == 2).mean() > 0.3  # the crowd really is along the edges


def test_points_crowded_within_a_millimetre_of_nord_boundaries_agree(nord_index, nord_contours):
    lon, lat = crowded_points(nord_contours, 100_000, spread_deg=1e-8, seed=60)
    _assert_same(nord_index, nord_contours, lon, lat)


def test_lambert93_grid_over_lille_agrees_with_the_exact_test(nord_index, nord_contours):
    x, y = np.meshgrid(np.arange(695_000, 715_000, 37.0), np.arange(7_050_000, 7_070_000, 41.0))
    lon, lat = transformer(LAMBERT93, WGS84).transform(x.ravel(), y.ravel())
    _assert_same(nord_index, nord_contours, np.asarray(lon), np.asarray(lat))


@pytest.mark.slow
def test_uniform_points_over_france_agree_with_the_exact_test(france_index, france_contours):
    rng = np.random.default_rng(1609)
    lon, lat = rng.uniform(-5.2, 8.3, 300_000), rng.uniform(42.3, 51.1, 300_000)
    _assert_same(france_index, france_contours, lon, lat)


@pytest.mark.slow
def test_points_crowded_along_all_french_boundaries_agree(france_index, france_contours):
    lon, lat = crowded_points(france_contours, 300_000, spread_deg=2e-4, seed=1609)
    result = _assert_same(france_index, france_contours, lon, lat)
    assert len(np.unique(result.member_point)) > 0  # the national file's overlaps are met


@pytest.mark.slow
def test_overseas_points_agree_and_get_local_metric_distances(france_index, france_contours):
    # Réunion, Guyane, Martinique, Mayotte, Polynésie: each measured in its UTM zone.
    boxes = [(55.2, -21.4, 55.85, -20.85), (-54.6, 4.7, -52.0, 5.8), (-61.3, 14.4, -60.8, 14.9),
             (45.0, -13.0, 45.3, -12.6), (-149.7, -17.8, -149.4, -17.5)]  # fmt: skip
    rng = np.random.default_rng(974)
    lon = np.concatenate([rng.uniform(b[0], b[2], 20_000) for b in boxes])
    lat = np.concatenate([rng.uniform(b[1], b[3], 20_000) for b in boxes])
    result = _assert_same(france_index, france_contours, lon, lat)
    assert (result.primary >= 0).sum() > 100
    near = np.isfinite(result.distance_m)
    assert near.sum() > 10
    assert (result.distance_m[near] <= 10.0).all()


@pytest.mark.slow
def test_overseas_exact_distances_are_measured_in_the_local_utm_zone(france_index, france_contours):
    # Saint-Denis de La Réunion: UTM zone 40 south (EPSG:32740).
    rng = np.random.default_rng(97411)
    lon, lat = rng.uniform(55.40, 55.52, 3000), rng.uniform(-20.95, -20.86, 3000)
    result = locate(france_index, lon, lat, distances="exact")
    reunion = [
        g
        for code, g in france_contours
        if france_index.crs[np.searchsorted(france_index.codes, code)] == "EPSG:32740"
    ]
    to_utm = transformer(WGS84, "EPSG:32740")
    boundaries = shapely.union_all(
        shapely.transform(
            shapely.boundary(reunion), lambda c: np.column_stack(to_utm.transform(c[:, 0], c[:, 1]))
        )
    )
    expected = shapely.distance(
        boundaries, shapely.points(np.column_stack(to_utm.transform(lon, lat)))
    )
    assert np.allclose(result.distance_m, expected, atol=1e-6)
