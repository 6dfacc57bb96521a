"""Exact distance to the nearest QPV boundary for points beyond the index band.

Used by ``locate(..., distances="exact")``. Per metric CRS (Lambert-93, or a UTM zone overseas),
the polygon parts are sorted by the x of their bounding-box centre, and a square grid (at most
65,536 cells, at least 200 m) over their extent holds, for each cell, the parts that can hold the
nearest boundary of some point of the cell (kernels.cell_candidates). A point then measures
exactly only the few candidates whose bounding box is not already farther than the best
distance found. Points outside that grid fall back to an outward sweep in x.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import numpy as np
import shapely

from quartiers.georef.contours import LAMBERT93, WGS84, transformer
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
    # numba, imported only here: the band's answers need none of it.
    from quartiers.georef.kernels import nearest_boundary

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
        sweep = _metric_sweep(index, str(crs))
        if str(crs) == LAMBERT93:  # the same formulas as pyproj's, compiled (0.05 µs a point)
            tx, ty = np.empty(len(pts)), np.empty(len(pts))
            plon, plat = lon[pts], lat[pts]
            _halves(partial(_project, plon, plat, tx, ty), len(pts))
        else:
            tx, ty = transformer(WGS84, str(crs)).transform(lon[pts], lat[pts])
            tx, ty = np.asarray(tx, dtype=np.float64), np.asarray(ty, dtype=np.float64)
        out_d = np.empty(len(pts))
        out_p = np.empty(len(pts), dtype=np.int64)
        done = np.empty(len(pts), dtype=np.bool_)
        gx0, gy0, size, nx, ny = sweep.grid[:5]

        grid = (gx0, gy0, size, nx, ny, *sweep.segments, seg.x, seg.y)
        _halves(partial(_measure, tx, ty, grid, out_d, out_p, done), len(pts))
        rest = np.flatnonzero(~done)  # beyond the grid: the outward sweep
        if len(rest):
            rest_d = np.empty(len(rest))
            rest_p = np.empty(len(rest), dtype=np.int64)
            nearest_boundary(
                tx[rest], ty[rest], *sweep.grid, sweep.cx, sweep.box, sweep.first, sweep.last,
                sweep.poly, sweep.half_width, seg.x, seg.y, rest_d, rest_p,
            )  # fmt: skip
            out_d[rest], out_p[rest] = rest_d, rest_p
        distance[pts] = out_d
        nearest[pts] = out_p


_SPLIT = 100_000  # points: below, one thread
_executor: list[ThreadPoolExecutor] = []
_sweep_lock = threading.Lock()


def _measure(tx, ty, grid, out_d, out_p, done, a: int, b: int) -> None:
    from quartiers.georef.far_kernels import nearest_segment

    nearest_segment(tx[a:b], ty[a:b], *grid, out_d[a:b], out_p[a:b], done[a:b])


def _project(lon, lat, x, y, a: int, b: int) -> None:
    from quartiers.georef.far_kernels import lambert93_forward

    lambert93_forward(lon[a:b], lat[a:b], x[a:b], y[a:b])


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


@dataclass(frozen=True)
class _Sweep:
    """Polygon parts of one metric CRS, sorted by bounding-box centre x, and a square grid of
    candidate lists over their extent (see kernels.nearest_boundary)."""

    cx: np.ndarray
    box: np.ndarray
    first: np.ndarray
    last: np.ndarray
    poly: np.ndarray
    half_width: float
    grid: tuple  # (gx0, gy0, size, nx, ny, cell_start, cell_item)
    segments: tuple  # (seg_start, seg_id, seg_poly, seg_low): each cell's candidate segments


_SWEEP_MAX_CELLS = 1 << 16
_SWEEP_MIN_CELL_M = 200.0
_SWEEP_PAD_M = 20_000.0


def _metric_sweep(index: GeorefIndex, crs: str) -> _Sweep:
    """Built on the first exact-distance lookup of that CRS, then cached in the index."""
    with _sweep_lock:
        if crs not in index._sweeps:
            index._sweeps[crs] = _sweep_build(index, crs)
    return index._sweeps[crs]


def _sweep_build(index: GeorefIndex, crs: str) -> _Sweep:
    from quartiers.georef.kernels import cell_candidates

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
    first, last, poly = first[order], last[order], seg.part_poly[parts][order]
    return _Sweep(
        cx=cx, box=box, first=first, last=last, poly=poly, half_width=half_width,
        grid=(float(lo[0]), float(lo[1]), size, nx, ny, cell_start, cell_item),
        segments=_cell_segments(ccx, ccy, radius, cell_start, cell_item, box, first, last,
                                poly, seg),
    )  # fmt: skip


def _cell_segments(ccx, ccy, radius, cell_start, cell_item, box, first, last, poly, seg):
    from quartiers.georef.far_kernels import cell_segments

    seg_start = np.zeros(len(ccx) + 1, dtype=np.int64)
    empty_i = np.empty(0, dtype=np.int32)
    args = (ccx, ccy, radius, cell_start, cell_item, box, first, last, poly, seg.x, seg.y)
    cell_segments(*args, seg_start, empty_i, empty_i, np.empty(0, np.float32), False)
    seg_start = np.cumsum(seg_start)
    seg_id = np.empty(seg_start[-1], dtype=np.int32)
    seg_poly = np.empty(seg_start[-1], dtype=np.int32)
    seg_low = np.empty(seg_start[-1], dtype=np.float32)
    cell_segments(*args, seg_start, seg_id, seg_poly, seg_low, True)
    return seg_start, seg_id, seg_poly, seg_low


# --- kept in the index's disk cache (index_cache.py) ----------------------------------------

_SWEEP_ARRAYS = ("cx", "box", "first", "last", "poly")


def sweeps_build(index: GeorefIndex) -> None:
    """Build the exact-distance structures of every metric CRS of the index now."""
    for crs in np.unique(index.crs).tolist():
        _metric_sweep(index, str(crs))


def sweeps_arrays(index: GeorefIndex) -> dict[str, np.ndarray]:
    """The index's built sweeps as named arrays (none when none was built)."""
    arrays: dict[str, np.ndarray] = {}
    names = sorted(index._sweeps)
    arrays["sweep_crs"] = np.array(names, dtype=str)
    for k, crs in enumerate(names):
        sweep = index._sweeps[crs]
        for name in _SWEEP_ARRAYS:
            arrays[f"sweep{k}_{name}"] = getattr(sweep, name)
        arrays[f"sweep{k}_half_width"] = np.asarray(sweep.half_width)
        arrays[f"sweep{k}_grid_scalars"] = np.asarray(sweep.grid[:3], dtype=np.float64)
        arrays[f"sweep{k}_grid_shape"] = np.asarray(sweep.grid[3:5], dtype=np.int64)
        arrays[f"sweep{k}_cell_start"], arrays[f"sweep{k}_cell_item"] = sweep.grid[5:]
        for name, array in zip(
            ("seg_start", "seg_id", "seg_poly", "seg_low"), sweep.segments, strict=True
        ):
            arrays[f"sweep{k}_{name}"] = array
    return arrays


def sweeps_from_arrays(data) -> dict[str, _Sweep]:
    if "sweep_crs" not in data:
        return {}
    sweeps = {}
    for k, crs in enumerate(data["sweep_crs"].tolist()):
        a = {name: data[f"sweep{k}_{name}"] for name in _SWEEP_ARRAYS}
        gx0, gy0, size = data[f"sweep{k}_grid_scalars"].tolist()
        nx, ny = data[f"sweep{k}_grid_shape"].tolist()
        grid = (gx0, gy0, size, nx, ny, data[f"sweep{k}_cell_start"], data[f"sweep{k}_cell_item"])
        segments = tuple(
            data[f"sweep{k}_{n}"] for n in ("seg_start", "seg_id", "seg_poly", "seg_low")
        )
        sweeps[str(crs)] = _Sweep(
            **a, half_width=float(data[f"sweep{k}_half_width"]), grid=grid, segments=segments
        )
    return sweeps
