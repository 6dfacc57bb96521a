"""The structures of the exact distances beyond the band, one per metric CRS (see distances.py),
built by the compiled extension and kept in the index's disk cache (index_cache.py).

The polygon parts of the CRS are sorted by the x of their bounding-box centre (the outward
sweep of native/distances.c, nearest_boundary), and a square grid (at most 65,536 cells, at
least 200 m, 20 km beyond the contours) holds for each cell the parts that can hold the nearest
boundary of some point of the cell (cell_candidates), then the segments of those parts that
can (cell_segments, native/far.c), sorted by a lower bound of their distance to the cell.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from quartiers.georef import native
from quartiers.georef.contours import LAMBERT93
from quartiers.georef.index import GeorefIndex


@dataclass(frozen=True)
class Sweep:
    """Polygon parts of one metric CRS sorted by bounding-box centre x (segments
    [first, last) of polygon poly), and the grid's candidate parts and segments per cell."""

    cx: np.ndarray  # (m,) float64
    box: np.ndarray  # (m, 4) float64: xmin, ymin, xmax, ymax
    first: np.ndarray  # (m,) int64
    last: np.ndarray  # (m,) int64
    poly: np.ndarray  # (m,) int64
    half_width: float
    grid: tuple  # (gx0, gy0, size, nx, ny, cell_start, cell_item): parts of cell ix * ny + iy
    segments: tuple  # (seg_start, seg_id int32, seg_low float32): segments of each cell


_MAX_CELLS = 1 << 16
_MIN_CELL_M = 200.0
_PAD_M = 20_000.0
_lock = threading.Lock()


def metric_sweep(index: GeorefIndex, crs: str) -> Sweep:
    """Built on the first exact-distance lookup of that CRS (or loaded with the index from the
    disk cache), then kept in the index."""
    with _lock:
        if crs not in index._sweeps:
            index._sweeps[crs] = _sweep_build(index, crs)
    return index._sweeps[crs]


def sweeps_build(index: GeorefIndex, *, crs: str = LAMBERT93) -> None:
    """Build now the structure of ``crs`` when the index has contours in it (nothing without
    the extension: the shapely fallback needs none). The loader builds Lambert-93's before
    writing the disk cache (Nord: 1.3 s of CPU, 33 MB; all of metropolitan France: 2.5 s,
    90 MB); an overseas UTM zone's is built on its first far point (up to 2 s), in
    memory only, so that a process does not hold 200 MB for zones it never measures."""
    if native.extension is not None and (index.crs == crs).any():
        metric_sweep(index, crs)


def _sweep_build(index: GeorefIndex, crs: str) -> Sweep:
    ext = native.extension
    assert ext is not None
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
    first, last, poly = first[order], last[order], seg.part_poly[parts][order].astype(np.int64)
    lo = box[:, :2].min(axis=0) - _PAD_M
    hi = box[:, 2:].max(axis=0) + _PAD_M
    size = max(float(np.sqrt(np.prod(hi - lo) / _MAX_CELLS)), _MIN_CELL_M)
    nx, ny = int(np.ceil((hi[0] - lo[0]) / size)), int(np.ceil((hi[1] - lo[1]) / size))
    gx, gy = np.meshgrid(np.arange(nx), np.arange(ny), indexing="ij")
    ccx, ccy = lo[0] + (gx.ravel() + 0.5) * size, lo[1] + (gy.ravel() + 0.5) * size
    radius = size * np.sqrt(0.5)
    cell_start = np.zeros(nx * ny + 1, dtype=np.int64)
    empty = np.empty(0, dtype=np.int64)
    ext.cell_candidates(ccx, ccy, radius, cx, box, half_width, cell_start, empty, False)
    cell_start = np.cumsum(cell_start)
    cell_item = np.empty(cell_start[-1], dtype=np.int64)
    ext.cell_candidates(ccx, ccy, radius, cx, box, half_width, cell_start, cell_item, True)
    parts_args = (ccx, ccy, radius, cell_start, cell_item, box, first, last, seg.x, seg.y)
    seg_start = np.zeros(nx * ny + 1, dtype=np.int64)
    none_i, none_f = np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
    ext.cell_segments(*parts_args, seg_start, none_i, none_f, False)
    seg_start = np.cumsum(seg_start)
    seg_id = np.empty(seg_start[-1], dtype=np.int32)
    seg_low = np.empty(seg_start[-1], dtype=np.float32)
    ext.cell_segments(*parts_args, seg_start, seg_id, seg_low, True)
    return Sweep(
        cx=cx, box=box, first=first, last=last, poly=poly, half_width=half_width,
        grid=(float(lo[0]), float(lo[1]), size, nx, ny, cell_start, cell_item),
        segments=(seg_start, seg_id, seg_low),
    )  # fmt: skip


# --- kept in the index's disk cache (index_cache.py) ----------------------------------------

_PARTS = ("cx", "box", "first", "last", "poly")
_LISTS = ("seg_start", "seg_id", "seg_low")


def sweeps_arrays(index: GeorefIndex) -> dict[str, np.ndarray]:
    """The index's built sweeps as named arrays (an empty list of CRS when none was built)."""
    names = sorted(index._sweeps)
    arrays = {"sweep_crs": np.array(names, dtype=str)}
    for k, crs in enumerate(names):
        sweep = index._sweeps[crs]
        arrays |= {f"sweep{k}_{name}": getattr(sweep, name) for name in _PARTS}
        arrays[f"sweep{k}_half_width"] = np.asarray(sweep.half_width, dtype=np.float64)
        arrays[f"sweep{k}_grid_scalars"] = np.asarray(sweep.grid[:3], dtype=np.float64)
        arrays[f"sweep{k}_grid_shape"] = np.asarray(sweep.grid[3:5], dtype=np.int64)
        arrays[f"sweep{k}_cell_start"], arrays[f"sweep{k}_cell_item"] = sweep.grid[5:]
        arrays |= {f"sweep{k}_{n}": a for n, a in zip(_LISTS, sweep.segments, strict=True)}
    return arrays


def sweeps_from_arrays(data: Mapping[str, np.ndarray]) -> dict[str, Sweep]:
    """The sweeps saved by sweeps_arrays (KeyError or ValueError on a malformed file; the
    values are checked by sweep_problem)."""
    try:
        return _sweeps_read(data)
    except (TypeError, IndexError) as exc:  # an array of the wrong shape where a scalar goes
        raise ValueError(f"malformed sweep arrays ({exc})") from exc


def _sweeps_read(data: Mapping[str, np.ndarray]) -> dict[str, Sweep]:
    sweeps = {}
    for k, crs in enumerate(data["sweep_crs"].tolist()):
        gx0, gy0, size = data[f"sweep{k}_grid_scalars"].astype(np.float64).tolist()
        nx, ny = data[f"sweep{k}_grid_shape"].astype(np.int64).tolist()
        grid = (gx0, gy0, size, nx, ny, data[f"sweep{k}_cell_start"], data[f"sweep{k}_cell_item"])
        sweeps[str(crs)] = Sweep(
            **{name: data[f"sweep{k}_{name}"] for name in _PARTS},
            half_width=float(data[f"sweep{k}_half_width"]),
            grid=grid,
            segments=tuple(data[f"sweep{k}_{name}"] for name in _LISTS),
        )
    return sweeps


def sweep_problem(sweep: Sweep, *, nseg: int, npoly: int) -> str | None:
    """What is wrong in a sweep's arrays (None when nothing): dtypes and shapes, and every
    value a loop reads as an offset, a segment or a polygon number within its array."""
    arrays = [getattr(sweep, name) for name in _PARTS] + [*sweep.grid[5:], *sweep.segments]
    if any(not isinstance(a, np.ndarray) or a.ndim == 0 for a in arrays):
        return "sweep array shapes"
    m = len(sweep.cx)
    gx0, gy0, size, nx, ny, cell_start, cell_item = sweep.grid
    seg_start, seg_id, seg_low = sweep.segments
    if not all(np.isfinite([gx0, gy0, size, sweep.half_width])) or not size > 0:
        return "sweep grid"
    if not (0 < nx <= 1 << 20 and 0 < ny <= 1 << 20):
        return "sweep grid"
    shapes = [
        (sweep.cx, np.float64, (m,)),
        (sweep.box, np.float64, (m, 4)),
        *((getattr(sweep, name), np.int64, (m,)) for name in ("first", "last", "poly")),
        (cell_start, np.int64, (nx * ny + 1,)),
        (cell_item, np.int64, (len(cell_item),)),
        (seg_start, np.int64, (nx * ny + 1,)),
        (seg_id, np.int32, (len(seg_id),)),
        (seg_low, np.float32, (len(seg_id),)),
    ]
    if any(a.dtype != dtype or a.shape != shape for a, dtype, shape in shapes):
        return "sweep array shapes"
    for name, offsets, end in (("cell_start", cell_start, len(cell_item)),
                               ("seg_start", seg_start, len(seg_id))):  # fmt: skip
        if offsets[0] != 0 or offsets[-1] != end or (np.diff(offsets) < 0).any():
            return f"sweep {name}"
    ranges = [
        ("first", sweep.first, 0, nseg),
        ("last", sweep.last, 0, nseg),
        ("poly", sweep.poly, 0, npoly - 1),
        ("cell_item", cell_item, 0, m - 1),
        ("seg_id", seg_id, 0, nseg - 1),
    ]
    for name, values, low, high in ranges:
        if values.size and not low <= values.min() <= values.max() <= high:
            return f"sweep {name}"
    if (sweep.last < sweep.first).any():
        return "sweep last"
    return None
