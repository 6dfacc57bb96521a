"""The territory the registry covers (the union of its départements' contours): a point inside
France's bounding boxes but outside that territory (Brussels, the Channel, another
département) is « hors zone », never « hors QPV ».

A raster of the territory's bounding box makes the test cheap on millions of rows: each cell
is inside, outside, or on the border (tested exactly with prepared shapely ``contains_xy``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import shapely

_CELLS = 256  # a side of the raster
_lock = threading.Lock()
_cache: list[Zone | None] = []


@dataclass(frozen=True)
class Zone:
    geometry: object  # shapely geometry, prepared
    box: tuple[float, float, float, float]  # lon min, lat min, lon max, lat max
    cells: np.ndarray  # (_CELLS, _CELLS) int8: 0 outside, 1 inside, 2 border
    names: str  # the départements' codes, for the remark

    def contains(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        x0, y0, x1, y1 = self.box
        fx = (lon - x0) * (_CELLS / (x1 - x0))
        fy = (lat - y0) * (_CELLS / (y1 - y0))
        inside_box = (fx >= 0) & (fx < _CELLS) & (fy >= 0) & (fy < _CELLS)
        result = np.zeros(len(lon), dtype=bool)
        where = np.flatnonzero(inside_box)
        kind = self.cells[fx[where].astype(np.int64), fy[where].astype(np.int64)]
        result[where[kind == 1]] = True
        border = where[kind == 2]
        if len(border):
            result[border] = shapely.contains_xy(self.geometry, lon[border], lat[border])
        return result


def zone_get() -> Zone | None:
    """The registry's territory, built once per process (None when no département contour is
    registered: then only France's bounding boxes apply)."""
    if _cache:
        return _cache[0]
    with _lock:
        if not _cache:
            _cache.append(_zone_build())
    return _cache[0]


def zone_clear() -> None:
    with _lock:
        _cache.clear()


def _zone_build() -> Zone | None:
    from quartiers.geography.models import Departement

    rows = list(
        Departement.objects.exclude(contour_wkb=None)
        .order_by("insee_code")
        .values_list("insee_code", "contour_wkb")
    )
    if not rows:
        return None
    geometry = shapely.make_valid(shapely.union_all([shapely.from_wkb(bytes(w)) for _, w in rows]))
    shapely.prepare(geometry)
    x0, y0, x1, y1 = shapely.bounds(geometry).tolist()
    step_x, step_y = (x1 - x0) / _CELLS, (y1 - y0) / _CELLS
    ix, iy = np.meshgrid(np.arange(_CELLS), np.arange(_CELLS), indexing="ij")
    boxes = shapely.box(
        x0 + ix.ravel() * step_x, y0 + iy.ravel() * step_y,
        x0 + (ix.ravel() + 1) * step_x, y0 + (iy.ravel() + 1) * step_y,
    )  # fmt: skip
    cells = np.full(len(boxes), 2, dtype=np.int8)
    cells[shapely.contains_properly(geometry, boxes)] = 1
    cells[~shapely.intersects(geometry, boxes)] = 0
    names = ", ".join(code for code, _ in rows)
    return Zone(geometry, (x0, y0, x1, y1), cells.reshape(_CELLS, _CELLS), names)
