"""Distances beyond the band: the distance to the nearest QPV boundary of points up to tens of km
away equals shapely's (Lambert-93, on the source contour file)."""

from __future__ import annotations

import numpy as np
import pyproj
import shapely

from quartiers.georef.engine import locate


def test_far_points_get_shapelys_distance_to_the_nearest_boundary(nord_index, nord_contours):
    rng = np.random.default_rng(4)
    lon, lat = rng.uniform(1.8, 4.6, 3_000), rng.uniform(49.8, 51.3, 3_000)  # beyond Nord too
    result = locate(nord_index, lon, lat, distances="exact")
    to_l93 = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
    project = lambda xy: np.column_stack(to_l93.transform(*xy.T))  # noqa: E731
    boundaries = [shapely.boundary(shapely.transform(g, project)) for _, g in nord_contours]
    x, y = to_l93.transform(lon, lat)
    pts = shapely.points(x, y)
    each = np.array([shapely.distance(pts, b) for b in boundaries])  # (polygons, points)
    assert np.allclose(result.distance_m, each.min(axis=0), atol=1e-6)
    assert (result.distance_m > 10).mean() > 0.95
