"""Contours for the georef engine: polygonal normalisation, boundary segments, metric CRS.

Pure shapely/numpy/pyproj (no Django), so the engine, its tests and the benchmark can build
an index straight from a GeoJSON file as well as from the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pyproj
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

WGS84 = "EPSG:4326"
LAMBERT93 = "EPSG:2154"

# Metropolitan France (Corsica included): distances are computed in Lambert-93 there.
# Elsewhere (overseas QPV) in the UTM zone of the contour's centroid (scale error < 0.04 %).
_METRO_LON = (-5.8, 10.0)
_METRO_LAT = (41.0, 51.6)


def polygonal(geometry: BaseGeometry) -> MultiPolygon:
    """The polygonal parts of a geometry (e.g. the output of make_valid) as one MultiPolygon."""
    if isinstance(geometry, Polygon):
        return MultiPolygon([geometry]) if not geometry.is_empty else MultiPolygon()
    if isinstance(geometry, MultiPolygon):
        return geometry
    parts: list[Polygon] = []
    for part in getattr(geometry, "geoms", []):
        parts.extend(polygonal(part).geoms)
    return MultiPolygon(parts)


def contour_prepare(geometry: BaseGeometry) -> MultiPolygon:
    """Valid (make_valid when needed), polygonal-only contour."""
    if not shapely.is_valid(geometry):
        geometry = shapely.make_valid(geometry)
    return polygonal(geometry)


def contours_from_geojson(
    path: Path, *, code_field: str = "code_qp"
) -> list[tuple[str, BaseGeometry]]:
    """(code, valid MultiPolygon in WGS84) for each feature of a QPV GeoJSON file."""
    with open(path, encoding="utf-8") as handle:
        collection = json.load(handle)
    return [
        (str(feature["properties"][code_field]), contour_prepare(shape(feature["geometry"])))
        for feature in collection["features"]
    ]


def metric_crs_for(lon: float, lat: float) -> str:
    """Lambert-93 in metropolitan France, otherwise the local UTM zone (WGS84 datum)."""
    if _METRO_LON[0] <= lon <= _METRO_LON[1] and _METRO_LAT[0] <= lat <= _METRO_LAT[1]:
        return LAMBERT93
    zone = int(np.floor((lon + 180.0) / 6.0)) % 60 + 1
    return f"EPSG:{32600 + zone if lat >= 0 else 32700 + zone}"


@cache
def transformer(source: str, target: str) -> pyproj.Transformer:
    """Cached pyproj transformer, always x/y (lon/lat) order."""
    return pyproj.Transformer.from_crs(source, target, always_xy=True)


@dataclass(frozen=True)
class Segments:
    """Every boundary segment of every contour, in degrees and in the contour's metric CRS.

    ``start[p]:start[p + 1]`` are the segments of polygon ``p`` (rows of the arrays).
    """

    lon: np.ndarray  # (n, 2) endpoints' longitudes
    lat: np.ndarray  # (n, 2)
    x: np.ndarray  # (n, 2) metric
    y: np.ndarray  # (n, 2)
    start: np.ndarray  # (npoly + 1,) int64
    part_start: np.ndarray  # (nparts + 1,) int64: segments of each polygon part (in order)
    part_poly: np.ndarray  # (nparts,) int64: the polygon of each part


def segments_extract(geoms: np.ndarray, crs_of_poly: list[str]) -> Segments:
    """Boundary segments (rings of all parts, holes included) of each polygon, in order."""
    parts, part_poly = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    same_ring = coord_ring[1:] == coord_ring[:-1]
    first = np.flatnonzero(same_ring)
    seg_poly = part_poly[ring_part[coord_ring[first]]]
    lon = np.column_stack([coords[first, 0], coords[first + 1, 0]])
    lat = np.column_stack([coords[first, 1], coords[first + 1, 1]])
    x = np.empty_like(lon)
    y = np.empty_like(lat)
    seg_crs = np.asarray(crs_of_poly, dtype=object)[seg_poly] if len(seg_poly) else seg_poly
    for crs in sorted(set(crs_of_poly)):
        mask = seg_crs == crs
        if mask.any():
            tx, ty = transformer(WGS84, crs).transform(lon[mask].ravel(), lat[mask].ravel())
            x[mask] = np.asarray(tx).reshape(-1, 2)
            y[mask] = np.asarray(ty).reshape(-1, 2)
    start = np.searchsorted(seg_poly, np.arange(len(geoms) + 1)).astype(np.int64)
    seg_part = ring_part[coord_ring[first]]
    part_start = np.searchsorted(seg_part, np.arange(len(parts) + 1)).astype(np.int64)
    return Segments(
        lon=lon, lat=lat, x=x, y=y, start=start,
        part_start=part_start, part_poly=part_poly.astype(np.int64),
    )  # fmt: skip
