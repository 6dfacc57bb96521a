"""Geometry checks shared by the contour importers: polygonal, non-empty, valid (repaired)."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

# Two contours whose vertices differ by less than this (degrees, about 1 mm) are the same
# contour: a Lambert-93 copy of a WGS84 file re-imports without "changes".
SAME_CONTOUR_TOLERANCE_DEG = 1e-8


DEGENERATE = (
    "contour dégénéré, de surface nulle : enregistré vide, à remplacer par le fichier officiel"
)


class GeometryError(ValueError):
    """A French reason why a feature's geometry is unusable."""


def polygons_only(geometry: BaseGeometry) -> MultiPolygon:
    """The polygonal parts of a geometry (e.g. the output of make_valid) as one MultiPolygon."""
    if isinstance(geometry, Polygon):
        return MultiPolygon([geometry]) if not geometry.is_empty else MultiPolygon()
    if isinstance(geometry, MultiPolygon):
        return geometry
    parts: list[Polygon] = []
    for part in getattr(geometry, "geoms", []):
        parts.extend(polygons_only(part).geoms)
    return MultiPolygon(parts)


def contour_normalize(
    geometry: BaseGeometry | None, *, keep_degenerate: bool = False
) -> tuple[MultiPolygon, str]:
    """Return (MultiPolygon, French repair note or "") or raise GeometryError.

    Coordinates are kept as they are unless the contour is invalid (OGC): then it is repaired
    with shapely.make_valid and only its polygonal parts are kept. A contour of zero area
    (collapsed to a point or a line) cannot be repaired: it is refused, unless
    `keep_degenerate`, which keeps it as an empty MultiPolygon (and says so).
    """
    if geometry is None:
        raise GeometryError("géométrie absente")
    if geometry.geom_type not in {"Polygon", "MultiPolygon"}:
        raise GeometryError(
            f"géométrie de type {geometry.geom_type}, attendu Polygon ou MultiPolygon"
        )
    if geometry.is_empty:
        raise GeometryError("géométrie vide")
    if not np.isfinite(shapely.get_coordinates(geometry)).all():
        raise GeometryError("coordonnées non numériques ou infinies")
    if not shapely.is_valid(geometry):
        reason = shapely.is_valid_reason(geometry)
        repaired = polygons_only(shapely.make_valid(geometry))
        if geometry.area == 0 and keep_degenerate:
            # Collapsed to a point or a line (e.g. by the simplification of a third-party copy).
            return MultiPolygon(), f"{DEGENERATE} ({reason})"
        if repaired.is_empty or repaired.area == 0:
            raise GeometryError(
                f"contour invalide et irréparable, de surface nulle ({reason}) ; pour garder "
                "le QPV sans contour, relancez avec --keep-degenerate"
            )
        return repaired, f"contour invalide réparé ({reason})"
    return polygons_only(geometry), ""


def contours_equal(wkb: bytes | memoryview | None, geometry: BaseGeometry) -> bool:
    if wkb is None:
        return False
    stored = shapely.from_wkb(bytes(wkb))
    return bool(shapely.equals_exact(stored, geometry, tolerance=SAME_CONTOUR_TOLERANCE_DEG))


def contour_wkb(geometry: BaseGeometry) -> bytes:
    return shapely.to_wkb(geometry, output_dimension=2)


def bbox_fields(geometry: BaseGeometry) -> dict[str, float | None]:
    if geometry.is_empty:
        return {"min_lon": None, "min_lat": None, "max_lon": None, "max_lat": None}
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    return {"min_lon": min_lon, "min_lat": min_lat, "max_lon": max_lon, "max_lat": max_lat}
