"""Exact distance to the nearest QPV boundary for points beyond the index band.

Used by ``locate(..., distances="exact")``, so that every located row of a result file gets
its distance. Per metric CRS (Lambert-93, or a UTM zone overseas), a square grid over the
contours holds for each cell the segments that can be the nearest boundary of some point of
the cell, sorted by a lower bound of their distance to the cell (sweeps.py): a point scans its
cell's list and stops at the first bound beyond the best distance found (native/far.c,
nearest_segment, about 0.1 µs a point). Points outside that grid (20 km beyond the contours)
fall back to an outward sweep over the polygon parts sorted by x (native/distances.c,
nearest_boundary). Lambert-93 points are projected by the extension too (lambert93_forward, the
formulas of pyproj's lcc, equal within 1e-9 m; lambert93_inverse for Lambert-93 input files,
equal within 1e-12 degree); other CRS by pyproj. Large inputs run as two
halves on two threads (the compiled loops release the GIL).

Without the extension, shapely's STRtree finds the nearest segment instead (slower, the same
answers: ties go to the smallest polygon number both ways).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import partial
from types import ModuleType

import numpy as np
import shapely

from quartiers.georef import native
from quartiers.georef.contours import LAMBERT93, WGS84, transformer
from quartiers.georef.index import GeorefIndex
from quartiers.georef.sweeps import metric_sweep


def far_distances_fill(
    index: GeorefIndex,
    lon: np.ndarray,
    lat: np.ndarray,
    todo: np.ndarray,
    distance: np.ndarray,
    nearest: np.ndarray,
    *,
    l93: tuple[np.ndarray, np.ndarray] | None = None,
) -> None:
    """Exact nearest-boundary distance of the points farther than the band.

    Each point is measured in the metric CRS of the territory (contours sharing a CRS) whose
    bounding box is nearest in degrees: territories are hundreds of km apart. ``l93``: the
    points' Lambert-93 coordinates when the input gave them, used as they are there.
    """
    idx = np.flatnonzero(todo)
    if not len(idx):
        return
    groups = np.unique(index.crs)
    group_of = np.zeros(len(idx), dtype=np.int64)  # one territory (a département): no choice
    if len(groups) > 1:
        gap = np.empty((len(groups), len(idx)))
        for g, crs in enumerate(groups):
            box = shapely.total_bounds(index.geoms[index.crs == crs])
            dx = np.maximum(0, np.maximum(box[0] - lon[idx], lon[idx] - box[2]))
            dy = np.maximum(0, np.maximum(box[1] - lat[idx], lat[idx] - box[3]))
            gap[g] = np.hypot(dx, dy)
        group_of = np.argmin(gap, axis=0)
    for g, crs in enumerate(groups):
        pts = idx if len(groups) == 1 else idx[group_of == g]
        if not len(pts):
            continue
        out_d = np.empty(len(pts))
        out_p = np.empty(len(pts), dtype=np.int64)
        ext = native.extension
        if l93 is not None and str(crs) == LAMBERT93:
            tx, ty = np.ascontiguousarray(l93[0][pts]), np.ascontiguousarray(l93[1][pts])
        else:
            tx, ty = _projected(str(crs), lon[pts], lat[pts], ext)
        if ext is None:
            _nearest_shapely(index, str(crs), tx, ty, out_d, out_p)
        else:
            _nearest_compiled(ext, index, str(crs), tx, ty, out_d, out_p)
        distance[pts] = out_d
        nearest[pts] = out_p


def _nearest_compiled(
    ext: ModuleType, index: GeorefIndex, crs: str, tx: np.ndarray, ty: np.ndarray,
    out_d: np.ndarray, out_p: np.ndarray,
) -> None:  # fmt: skip
    """Nearest boundary of the points (metric x, y) by the extension: their cell's segment list
    inside the grid, the outward sweep outside."""
    sweep = metric_sweep(index, crs)
    seg = index.segments
    done = np.empty(len(tx), dtype=np.bool_)
    npoly = len(index.codes)
    owner = np.repeat(np.arange(npoly, dtype=np.int32), np.diff(seg.start))  # checked offsets
    grid = (*sweep.grid[:5], *sweep.segments, owner, seg.x, seg.y, npoly)
    _halves(partial(_measure, ext, tx, ty, grid, out_d, out_p, done), len(tx))
    rest = np.flatnonzero(~done)  # beyond the grid
    if len(rest):
        rest_d = np.empty(len(rest))
        rest_p = np.empty(len(rest), dtype=np.int64)
        ext.nearest_boundary(
            tx[rest], ty[rest], *sweep.grid, sweep.cx, sweep.box, sweep.first, sweep.last,
            sweep.poly, sweep.half_width, seg.x, seg.y, rest_d, rest_p,
        )  # fmt: skip
        out_d[rest], out_p[rest] = rest_d, rest_p


def _projected(
    crs: str, lon: np.ndarray, lat: np.ndarray, ext: ModuleType | None
) -> tuple[np.ndarray, np.ndarray]:
    """The points in the metric CRS: Lambert-93 by the extension when there is one, pyproj
    otherwise."""
    if ext is not None and crs == LAMBERT93:
        x, y = np.empty(len(lon)), np.empty(len(lon))
        lon, lat = np.ascontiguousarray(lon), np.ascontiguousarray(lat)
        _halves(partial(_project, ext, lon, lat, x, y), len(lon))
        return x, y
    x, y = transformer(WGS84, crs).transform(lon, lat)
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def metric_projected(crs: str, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat in the metric ``crs`` (Lambert-93 by the extension when there is one)."""
    return _projected(crs, lon, lat, native.extension)


def lonlat_from_lambert93(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat of Lambert-93 x/y: by the extension when there is one, pyproj otherwise
    (NaN stays NaN; values far outside France give meaningless angles, as pyproj's do)."""
    ext = native.extension
    if ext is None:
        lon, lat = transformer(LAMBERT93, WGS84).transform(x, y, errcheck=False)
        return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    x = np.ascontiguousarray(x, dtype=np.float64)
    y = np.ascontiguousarray(y, dtype=np.float64)
    lon, lat = np.empty(len(x)), np.empty(len(x))
    _halves(partial(_unproject, ext, x, y, lon, lat), len(x))
    return lon, lat


def _unproject(ext, x, y, lon, lat, a: int, b: int) -> None:
    ext.lambert93_inverse(x[a:b], y[a:b], lon[a:b], lat[a:b])


_SPLIT = 100_000  # points: below, one thread
_executor: list[ThreadPoolExecutor] = []


def _measure(ext, tx, ty, grid, out_d, out_p, done, a: int, b: int) -> None:
    ext.nearest_segment(tx[a:b], ty[a:b], *grid, out_d[a:b], out_p[a:b], done[a:b])


def _project(ext, lon, lat, x, y, a: int, b: int) -> None:
    ext.lambert93_forward(lon[a:b], lat[a:b], x[a:b], y[a:b])


def _halves(work, n: int) -> None:
    """work(0, n), as two halves on two threads for large n (the compiled loops release the
    GIL; they write disjoint slices)."""
    if n < 2 * _SPLIT:
        work(0, n)
        return
    if not _executor:
        _executor.append(ThreadPoolExecutor(1, "georef-distances"))
    other = _executor[0].submit(work, n // 2, n)
    work(0, n // 2)
    other.result()


def _nearest_shapely(
    index: GeorefIndex, crs: str, x: np.ndarray, y: np.ndarray, out_d: np.ndarray,
    out_p: np.ndarray,
) -> None:  # fmt: skip
    """The fallback of nearest_boundary: the nearest segment of the polygons of ``crs`` by
    shapely's STRtree (ties: the smallest polygon number)."""
    seg = index.segments
    seg_poly = np.repeat(np.arange(len(seg.start) - 1), np.diff(seg.start))
    mine = np.flatnonzero(index.crs[seg_poly] == crs)
    lines = shapely.linestrings(
        np.stack([seg.x[mine], seg.y[mine]], axis=-1).reshape(-1, 2),
        indices=np.repeat(np.arange(len(mine)), 2),
    )
    tree = shapely.STRtree(lines)
    (point, found), d = tree.query_nearest(
        shapely.points(x, y), return_distance=True, all_matches=True
    )
    poly = seg_poly[mine[found]]
    order = np.lexsort((poly, point))
    head = order[np.r_[True, point[order][1:] != point[order][:-1]]]
    out_d[:] = np.inf
    out_p[:] = -1
    out_d[point[head]] = d[head]
    out_p[point[head]] = poly[head]
