"""Exact distance to the nearest QPV boundary for points beyond the index band.

Used by ``locate(..., distances="exact")``. Per metric CRS (Lambert-93, or a UTM zone overseas),
the polygon parts are sorted by the x of their bounding-box centre, and a square grid (at most
65,536 cells, at least 200 m) over their extent holds, for each cell, the parts that can hold the
nearest boundary of some point of the cell (native/distances.c, cell_candidates). A point then
measures exactly only the few candidates whose bounding box is not already farther than the best
distance found. Points outside that grid fall back to an outward sweep in x. Both loops are the
compiled extension's (native/distances.c); without it, shapely's STRtree finds the nearest
segment instead (slower, same answers).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import shapely

from quartiers.georef import native
from quartiers.georef.contours import WGS84, transformer
from quartiers.georef.index import GeorefIndex


def far_distances_fill(
    index: GeorefIndex,
    lon: np.ndarray,
    lat: np.ndarray,
    todo: np.ndarray,
    distance: np.ndarray,
    nearest: np.ndarray,
) -> None:
    """Exact nearest-boundary distance of the points farther than the band (sweep, slower).

    Each point is measured in the metric CRS of the territory (contours sharing a CRS) whose
    bounding box is nearest in degrees: territories are hundreds of km apart.
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
    seg = index.segments
    for g, crs in enumerate(groups):
        pts = idx if len(groups) == 1 else idx[group_of == g]
        if not len(pts):
            continue
        tx, ty = transformer(WGS84, str(crs)).transform(lon[pts], lat[pts])
        tx, ty = np.asarray(tx, dtype=np.float64), np.asarray(ty, dtype=np.float64)
        out_d = np.empty(len(pts))
        out_p = np.empty(len(pts), dtype=np.int64)
        if native.extension is None:
            _nearest_shapely(index, str(crs), tx, ty, out_d, out_p)
        else:
            sweep = _metric_sweep(index, str(crs))
            native.extension.nearest_boundary(
                tx, ty, *sweep.grid, sweep.cx, sweep.box, sweep.first, sweep.last, sweep.poly,
                sweep.half_width, seg.x, seg.y, out_d, out_p,
            )  # fmt: skip
        distance[pts] = out_d
        nearest[pts] = out_p


_sweep_lock = threading.Lock()


@dataclass(frozen=True)
class _Sweep:
    """Polygon parts of one metric CRS, sorted by bounding-box centre x, and a square grid of
    candidate lists over their extent (see native/distances.c)."""

    cx: np.ndarray
    box: np.ndarray
    first: np.ndarray
    last: np.ndarray
    poly: np.ndarray
    half_width: float
    grid: tuple  # (gx0, gy0, size, nx, ny, cell_start, cell_item)


_SWEEP_MAX_CELLS = 1 << 16
_SWEEP_MIN_CELL_M = 200.0
_SWEEP_PAD_M = 20_000.0


def _metric_sweep(index: GeorefIndex, crs: str) -> _Sweep:
    """Built on the first exact-distance lookup of that CRS ), then kept
    in the index."""
    with _sweep_lock:
        if crs not in index._sweeps:
            index._sweeps[crs] = _sweep_build(index, crs)
    return index._sweeps[crs]


def _sweep_build(index: GeorefIndex, crs: str) -> _Sweep:
    assert native.extension is not None
    cell_candidates = native.extension.cell_candidates
    seg = index.segments
    in_crs = index.crs[seg.part_poly] == crs
    parts = np.flatnonzero(in_crs & (np.diff(seg.part_start) > 0))
    first, last = seg.part_start[parts], seg.part_start[parts + 1]
    box = np.array(
        [
            [seg.x[a:b].min(), seg.y[a:b].min(), seg.x[a:b].max(), seg.y[a:b].max()]
            for a, b in zip(first, last, strict=True)
        ]
    ).reshape(-1, 4)
    cx = (box[:, 0] + box[:, 2]) / 2
    order = np.argsort(cx, kind="stable")
    half_width = float(((box[:, 2] - box[:, 0]) / 2).max())
    cx, box = cx[order], np.ascontiguousarray(box[order])
    lo = box[:, :2].min(axis=0) - _SWEEP_PAD_M
    hi = box[:, 2:].max(axis=0) + _SWEEP_PAD_M
    size = max(float(np.sqrt(np.prod(hi - lo) / _SWEEP_MAX_CELLS)), _SWEEP_MIN_CELL_M)
    nx, ny = int(np.ceil((hi[0] - lo[0]) / size)), int(np.ceil((hi[1] - lo[1]) / size))
    gx, gy = np.meshgrid(np.arange(nx), np.arange(ny), indexing="ij")
    ccx, ccy = lo[0] + (gx.ravel() + 0.5) * size, lo[1] + (gy.ravel() + 0.5) * size
    cell_start = np.zeros(nx * ny + 1, dtype=np.int64)
    radius = size * np.sqrt(0.5)
    empty = np.empty(0, dtype=np.int64)
    cell_candidates(ccx, ccy, radius, cx, box, half_width, cell_start, empty, False)
    cell_start = np.cumsum(cell_start)
    cell_item = np.empty(cell_start[-1], dtype=np.int64)
    cell_candidates(ccx, ccy, radius, cx, box, half_width, cell_start, cell_item, True)
    return _Sweep(
        cx=cx, box=box, first=first[order], last=last[order],
        poly=seg.part_poly[parts][order], half_width=half_width,
        grid=(float(lo[0]), float(lo[1]), size, nx, ny, cell_start, cell_item),
    )  # fmt: skip


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
