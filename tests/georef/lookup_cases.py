"""Real Nord points and addresses for the lookup pages and API tests, with their expected
answers from an **independent oracle**: shapely on the source file
(`qpv/qpv2024_nord.geojson` of the shared data, as published), in Lambert-93 metres — never
from the engine under test nor from the registry it reads."""

from __future__ import annotations

import csv
import functools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyproj
import shapely
from django.conf import settings
from shapely.geometry import shape

SOURCE = "qpv/qpv2024_nord.geojson"


@dataclass(frozen=True)
class OracleAnswer:
    containing: tuple[str, ...]  # codes of the contours containing the point
    distance_m: float  # to the nearest QPV boundary
    nearest: str  # code of the QPV whose boundary is nearest


@functools.cache
def _source(data_dir: Path) -> tuple[tuple[str, ...], np.ndarray, shapely.STRtree]:
    """Codes, Lambert-93 contours and their tree, straight from the published file."""
    features = json.loads((data_dir / SOURCE).read_text(encoding="utf-8"))["features"]
    codes = tuple(f["properties"]["code_qp"] for f in features)
    geoms = np.array([shapely.make_valid(shape(f["geometry"])) for f in features])
    geoms = shapely.transform(geoms, _to_lambert93)
    return codes, geoms, shapely.STRtree(geoms)


_TRANSFORMER = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)


def _to_lambert93(xy: np.ndarray) -> np.ndarray:
    x, y = _TRANSFORMER.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def _data_dir() -> Path:
    return Path(settings.DATA_DIR)


def _points(lon, lat) -> np.ndarray:
    xy = _to_lambert93(np.column_stack([np.atleast_1d(lon), np.atleast_1d(lat)]))
    return shapely.points(xy)


def oracle_locate(lon: float, lat: float) -> OracleAnswer:
    """What shapely says of one WGS84 point against the source contours."""
    codes, geoms, tree = _source(_data_dir())
    point = _points(lon, lat)[0]
    containing = tuple(sorted(codes[i] for i in tree.query(point, predicate="within")))
    boundaries = shapely.boundary(geoms)
    distances = shapely.distance(boundaries, point)
    nearest = int(np.argmin(distances))
    return OracleAnswer(containing, float(distances[nearest]), codes[nearest])


def point_inside(code: str) -> tuple[float, float]:
    """A point well inside the source contour of QPV ``code`` (its representative point)."""
    features = json.loads((_data_dir() / SOURCE).read_text(encoding="utf-8"))["features"]
    geometry = next(f["geometry"] for f in features if f["properties"]["code_qp"] == code)
    point = shapely.make_valid(shape(geometry)).representative_point()
    return point.x, point.y


def addresses_in_qpv(data_dir: Path, *, count: int = 3, min_depth_m: float = 40.0) -> list[dict]:
    """Indexed addresses of the shared file whose reference position lies in exactly one source
    contour, farther than ``min_depth_m`` from any boundary: {"q", "lon", "lat", "code"}."""
    codes, geoms, tree = _source(data_dir)
    path = data_dir / "adresses" / "adresses_nord_geocoder_tester.csv"
    with path.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["housenumber"] and r["street"]]
    lon = np.array([float(r["lon"]) for r in rows])
    lat = np.array([float(r["lat"]) for r in rows])
    points = _points(lon, lat)
    point_index, geom_index = tree.query(points, predicate="within")
    found = []
    for i in np.unique(point_index):
        inside = geom_index[point_index == i]
        if len(inside) != 1:
            continue
        depth = shapely.distance(shapely.boundary(geoms[inside[0]]), points[i])
        near = tree.query(points[i].buffer(min_depth_m), predicate="intersects")
        if depth <= min_depth_m or near.size != 1:
            continue
        r = rows[i]
        city = r["city"] or ""
        found.append(
            {
                "q": " ".join(f"{r['housenumber']} {r['street']} {r['postcode']} {city}".split()),
                "lon": lon[i],
                "lat": lat[i],
                "code": codes[inside[0]],
            }
        )
        if len(found) == count:
            break
    return found


def point_out_of_every_qpv() -> tuple[float, float]:
    """A Nord point farther than 500 m from every source contour."""
    _codes, _geoms, tree = _source(_data_dir())
    rng = np.random.default_rng(7)
    lon = rng.uniform(2.5, 4.0, 2_000)
    lat = rng.uniform(50.2, 51.0, 2_000)
    near = set(tree.query(_points(lon, lat), predicate="dwithin", distance=500)[0].tolist())
    i = next(i for i in range(len(lon)) if i not in near)
    return float(lon[i]), float(lat[i])


def oracle_status(answer: OracleAnswer, tolerance_m: float) -> str:
    """in, out, or uncertain (within the boundary tolerance), as the API words it."""
    if answer.distance_m <= tolerance_m:
        return "uncertain"
    return "in" if answer.containing else "out"
