"""Georef engine fixtures: indexes built straight from the shared GeoJSON files (no database)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry.base import BaseGeometry

from quartiers.georef.contours import contours_from_geojson
from quartiers.georef.index import GeorefIndex, index_build


@pytest.fixture(scope="session")
def nord_contours(data_dir: Path) -> list[tuple[str, BaseGeometry]]:
    return contours_from_geojson(data_dir / "qpv" / "qpv2024_nord.geojson")


@pytest.fixture(scope="session")
def nord_index(nord_contours) -> GeorefIndex:
    return index_build(nord_contours, generation=2024, band_m=10.0)


@pytest.fixture(scope="session")
def france_contours(data_dir: Path) -> list[tuple[str, BaseGeometry]]:
    return contours_from_geojson(data_dir / "qpv" / "qpv2024_france_simplified.geojson")


@pytest.fixture(scope="session")
def france_index(france_contours) -> GeorefIndex:
    return index_build(france_contours, generation=2024, band_m=10.0)


def exact_memberships(
    contours: list[tuple[str, BaseGeometry]], lon: np.ndarray, lat: np.ndarray
) -> list[set[str]]:
    """The reference: shapely's exact test (intersects = covers, boundary included), every
    contour against every point, through an STRtree independent of the engine's grid."""
    codes = np.array([code for code, _ in contours])
    tree = shapely.STRtree([geom for _, geom in contours])
    point_idx, geom_idx = tree.query(shapely.points(lon, lat), predicate="intersects")
    found: list[set[str]] = [set() for _ in range(len(lon))]
    for i, g in zip(point_idx.tolist(), geom_idx.tolist(), strict=True):
        found[i].add(str(codes[g]))
    return found


def engine_memberships(result) -> list[set[str]]:
    found: list[set[str]] = [set() for _ in range(len(result))]
    for i in np.flatnonzero(result.primary >= 0).tolist():
        found[i].add(str(result.codes[result.primary[i]]))
    for i, p in zip(result.member_point.tolist(), result.member_poly.tolist(), strict=True):
        found[i].add(str(result.codes[p]))
    return found


def crowded_points(
    contours: list[tuple[str, BaseGeometry]], n: int, *, spread_deg: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Points on and around the boundaries: exact vertices, points along edges, jittered ones."""
    rng = np.random.default_rng(seed)
    coords = shapely.get_coordinates(shapely.boundary([geom for _, geom in contours]))
    a = rng.integers(0, len(coords) - 1, n)
    t = rng.random(n)
    t[: n // 10] = 0.0  # exact vertices
    xy = coords[a] + t[:, None] * (coords[a + 1] - coords[a])
    jitter = rng.normal(0.0, spread_deg, (n, 2))
    jitter[: n // 5] = 0.0  # exact vertices and points computed on the edges
    xy += jitter
    return xy[:, 0], xy[:, 1]


@pytest.fixture
def compiled():
    """The compiled extension (quartiers.georef.native._georef). Missing, it fails the test in
    CI (CI=true: the install must build it) and skips it elsewhere."""
    from quartiers.georef import native

    if native.extension is None:
        message = (
            "extension compilée absente : `pip install -e .` (make venv) ne l'a pas construite"
        )
        if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return native.extension


@pytest.fixture(params=["compiled", "numpy"])
def backend(request, monkeypatch) -> str:
    """Runs a test with the compiled loops, then with the numpy/shapely fallback."""
    from quartiers.georef import native

    if request.param == "compiled":
        request.getfixturevalue("compiled")
    else:
        monkeypatch.setattr(native, "extension", None)
    return request.param


# --- Geocoder fixtures (GEOCODER helper): the local addok, a misbehaving BAN server ---------
from tests.georef.geocoder_conftest import addok_url, flaky_server, geoplateforme  # noqa: E402, F401
