"""Distances beyond the band: the compiled Lambert-93 projection equals pyproj's, the distance to
the nearest QPV boundary of points up to tens of km away equals shapely's (Lambert-93, on the
source contour file) with the compiled loops and without them, and the structures behind it
(sweeps.py) survive the disk cache, a corrupt one being refused.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pyproj
import pytest
import shapely

from quartiers.georef.engine import locate
from quartiers.georef.index_cache import index_load, index_problem, index_save
from quartiers.georef.sweeps import metric_sweep, sweeps_build

L93 = "EPSG:2154"


def test_the_compiled_lambert93_projection_is_pyprojs(compiled):
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(-5.5, 10.0, 50_000), rng.uniform(41.0, 51.5, 50_000)
    x, y = np.empty_like(lon), np.empty_like(lat)
    compiled.lambert93_forward(lon, lat, x, y)
    px, py = pyproj.Transformer.from_crs("EPSG:4326", L93, always_xy=True).transform(lon, lat)
    assert np.abs(x - px).max() < 1e-6 and np.abs(y - py).max() < 1e-6


def test_the_compiled_lambert93_inverse_is_pyprojs(compiled):
    rng = np.random.default_rng(13)
    x, y = rng.uniform(60_000, 1_290_000, 50_000), rng.uniform(6_010_000, 7_140_000, 50_000)
    x[:3], y[:3] = [np.nan, 700_000.0, 652_469.02], [6_600_000.0, np.nan, 7_065_200.0]
    lon, lat = np.empty_like(x), np.empty_like(y)
    compiled.lambert93_inverse(x, y, lon, lat)
    plon, plat = pyproj.Transformer.from_crs(L93, "EPSG:4326", always_xy=True).transform(x, y)
    assert np.isnan(lon[:2]).all() and np.isnan(lat[:2]).all()
    assert np.abs(lon[2:] - plon[2:]).max() < 1e-11 and np.abs(lat[2:] - plat[2:]).max() < 1e-11
    with pytest.raises(ValueError, match="lengths"):
        compiled.lambert93_inverse(x, y[:-1], lon, lat)


def _shapely_distances(contours, lon, lat, *, crs="EPSG:4326"):
    """Distance of each point to the nearest contour boundary, in Lambert-93 (shapely)."""
    to_l93 = pyproj.Transformer.from_crs("EPSG:4326", L93, always_xy=True)
    project = lambda xy: np.column_stack(to_l93.transform(*xy.T))  # noqa: E731
    boundaries = [shapely.boundary(shapely.transform(g, project)) for _, g in contours]
    pts = shapely.points(lon, lat) if crs == L93 else shapely.points(*to_l93.transform(lon, lat))
    return np.array([shapely.distance(pts, b) for b in boundaries]).min(axis=0)


def test_far_points_get_shapelys_distance_to_the_nearest_boundary(
    backend, nord_index, nord_contours
):
    rng = np.random.default_rng(4)
    lon, lat = rng.uniform(1.8, 4.6, 3_000), rng.uniform(49.8, 51.3, 3_000)  # beyond Nord too
    lon[:3], lat[:3] = [2.35, 4.35, -1.0], [48.85, 50.85, 47.0]  # Paris, Brussels, Nantes
    result = locate(nord_index, lon, lat, distances="exact")
    assert np.allclose(result.distance_m, _shapely_distances(nord_contours, lon, lat), atol=1e-6)
    assert (result.distance_m > 10).mean() > 0.95
    assert result.distance_m[2] > 300_000  # Nantes: from the outward sweep, beyond the grid


def test_lambert93_input_is_measured_on_its_own_coordinates(backend, nord_index, nord_contours):
    rng = np.random.default_rng(9)
    x, y = rng.uniform(640_000, 760_000, 2_000), rng.uniform(6_980_000, 7_110_000, 2_000)
    result = locate(nord_index, x, y, crs=L93, distances="exact")
    expected = _shapely_distances(nord_contours, x, y, crs=L93)
    assert np.allclose(result.distance_m, expected, atol=1e-6)
    assert (result.distance_m > 10).mean() > 0.9


def test_lambert93_input_with_its_lonlat_given_gives_the_same_answers(nord_index):
    rng = np.random.default_rng(10)
    x, y = rng.uniform(640_000, 760_000, 2_000), rng.uniform(6_980_000, 7_110_000, 2_000)
    lon, lat = pyproj.Transformer.from_crs(L93, "EPSG:4326", always_xy=True).transform(x, y)
    plain = locate(nord_index, x, y, crs=L93, distances="exact")
    given = locate(nord_index, x, y, crs=L93, distances="exact", lonlat=(lon, lat))
    assert np.array_equal(plain.status, given.status)
    assert np.array_equal(plain.primary, given.primary)
    assert np.allclose(plain.distance_m, given.distance_m, atol=1e-6)
    with pytest.raises(ValueError, match="shape"):
        locate(nord_index, x, y, crs=L93, lonlat=(lon[:-1], lat[:-1]))


def test_large_inputs_split_on_two_threads_give_the_same_distances(compiled, nord_index):
    rng = np.random.default_rng(8)
    lon, lat = rng.uniform(2.0, 4.3, 450_000), rng.uniform(50.0, 51.1, 450_000)
    whole = locate(nord_index, lon, lat, distances="exact")
    parts = [locate(nord_index, lon[k::7], lat[k::7], distances="exact") for k in range(7)]
    for k, part in enumerate(parts):
        assert np.array_equal(part.distance_m, whole.distance_m[k::7])
        assert np.array_equal(part.nearest, whole.nearest[k::7])


# --- the sweeps in the disk cache ------------------------------------------------------------


@pytest.fixture
def swept(compiled, nord_index):
    sweeps_build(nord_index)
    return nord_index


def test_the_sweeps_are_kept_in_the_cache_file(tmp_path, swept, nord_contours):
    path = tmp_path / "index-2024-x.npz"
    index_save(swept, path)
    loaded = index_load(path, contours=nord_contours)
    saved, read = swept._sweeps[L93], loaded._sweeps[L93]
    assert np.array_equal(read.segments[1], saved.segments[1]) and read.grid[:5] == saved.grid[:5]
    rng = np.random.default_rng(6)
    lon, lat = rng.uniform(2.0, 4.3, 2_000), rng.uniform(50.0, 51.1, 2_000)
    result = locate(loaded, lon, lat, distances="exact")
    assert metric_sweep(loaded, L93) is read  # used as read, not built again
    assert np.allclose(result.distance_m, _shapely_distances(nord_contours, lon, lat), atol=1e-6)


def _corrupt_sweep(sweep, what):
    seg_start, seg_id, seg_low = sweep.segments
    cells = list(sweep.grid)
    if what == "seg_id":
        return dataclasses.replace(sweep, segments=(seg_start, seg_id + 10**6, seg_low))
    if what == "seg_start":
        bad = seg_start.copy()
        bad[1:-1] = len(seg_id) + 5  # every cell's range beyond the lists
        return dataclasses.replace(sweep, segments=(bad, seg_id, seg_low))
    if what == "seg_low dtype":
        return dataclasses.replace(sweep, segments=(seg_start, seg_id, seg_low.astype(float)))
    if what == "cell_item":
        cells[6] = cells[6] + len(sweep.cx)
        return dataclasses.replace(sweep, grid=tuple(cells))
    if what == "grid shape":
        cells[3] += 1
        return dataclasses.replace(sweep, grid=tuple(cells))
    return dataclasses.replace(sweep, **{what: getattr(sweep, what) + 10**6})


CORRUPTIONS = ["seg_id", "seg_start", "seg_low dtype", "cell_item", "grid shape", "last", "poly"]


@pytest.mark.parametrize("what", CORRUPTIONS)
def test_a_corrupt_cached_sweep_is_refused_on_load(tmp_path, swept, nord_contours, what):
    bad = dataclasses.replace(swept, _sweeps={L93: _corrupt_sweep(swept._sweeps[L93], what)})
    assert index_problem(swept) is None and index_problem(bad) is not None
    path = tmp_path / "index-2024-x.npz"
    index_save(bad, path)
    with pytest.raises(ValueError, match="corrupt index"):
        index_load(path, contours=nord_contours)


@pytest.mark.parametrize("what", ["seg_id", "seg_start", "grid shape"])
def test_the_compiled_loops_check_the_sweep_they_read(swept, what):
    bad = dataclasses.replace(swept, _sweeps={L93: _corrupt_sweep(swept._sweeps[L93], what)})
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(2.0, 4.3, 5_000), rng.uniform(50.0, 51.1, 5_000)
    with pytest.raises(ValueError, match="corrupt georef index"):
        locate(bad, lon, lat, distances="exact")


def test_the_new_loops_refuse_a_wrong_dtype(compiled):
    n = np.zeros(3)
    with pytest.raises(TypeError, match="dtype"):
        compiled.lambert93_forward(n, n, np.zeros(3, np.float32), np.zeros(3))
    with pytest.raises(ValueError, match="lengths"):
        compiled.lambert93_forward(n, np.zeros(4), np.zeros(3), np.zeros(3))
