"""The engine's loops in plain numpy, for when the compiled extension is missing: the same
signatures and answers as ``_georef`` (engine.c), vectorised, slower. Index values are checked
as the extension checks them (a corrupt index raises ValueError).

The exact far distances (``distances.py``) and the CSV fast path have no twin here: without
the extension they go through shapely and the generic CSV path.
"""

from __future__ import annotations

import numpy as np


def _corrupt(what: str) -> ValueError:
    return ValueError(f"corrupt georef index: {what}")


def grid_lookup(lon, lat, x0, y0, inv, shift1, shift2, l0, l1, l2, npoly, ncand, out) -> int:
    b1, b2 = 1 << shift1, 1 << shift2
    if l0.ndim != 2 or l1.shape[1:] != (b1, b1) or l2.shape[1:] != (b2, b2):
        raise _corrupt("grid levels of the wrong shape")
    shift = shift1 + shift2
    fx, fy = (lon - x0) * inv, (lat - y0) * inv
    inside = (fx >= 0) & (fy >= 0) & (fx < l0.shape[0] << shift) & (fy < l0.shape[1] << shift)
    out[:] = -1
    where = np.flatnonzero(inside)
    ix, iy = fx[where].astype(np.int64), fy[where].astype(np.int64)
    block1 = l0[ix >> shift, iy >> shift].astype(np.int64)
    if ((block1 < -1) | (block1 >= len(l1))).any():
        raise _corrupt("a grid block number out of range")
    keep = block1 >= 0
    where, ix, iy, block1 = where[keep], ix[keep], iy[keep], block1[keep]
    block2 = l1[block1, (ix >> shift2) & (b1 - 1), (iy >> shift2) & (b1 - 1)].astype(np.int64)
    if ((block2 < -1) | (block2 >= len(l2))).any():
        raise _corrupt("a grid block number out of range")
    keep = block2 >= 0
    where, ix, iy, block2 = where[keep], ix[keep], iy[keep], block2[keep]
    leaf = l2[block2, ix & (b2 - 1), iy & (b2 - 1)].astype(np.int64)
    if ((leaf > npoly) | (leaf < -ncand)).any():
        raise _corrupt("a leaf code out of range")
    out[where] = leaf - 1
    return int((leaf < 0).sum())


def status_finalize(lon, lat, primary, distance, tolerance, out) -> None:
    out[:] = np.where(primary >= 0, 1, 0)
    out[distance <= tolerance] = 2
    out[~(np.isfinite(lon) & np.isfinite(lat))] = 3


def _segment_distance(x, y, ax, ay, bx, by) -> np.ndarray:
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(length2 > 0, ((x - ax) * dx + (y - ay) * dy) / length2, 0.0)
    t = np.clip(t, 0.0, 1.0)
    return np.hypot(ax + t * dx - x, ay + t * dy - y)


def _ranges(lo: np.ndarray, hi: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """(owner, position) of every element of the ranges [lo[k], hi[k]) of an array of ``size``."""
    lo, hi = lo.astype(np.int64), hi.astype(np.int64)
    if ((lo < 0) | (hi < lo) | (hi > size)).any():
        raise _corrupt("an offset range out of bounds")
    lengths = hi - lo
    owner = np.repeat(np.arange(len(lo)), lengths)
    return owner, np.arange(len(owner)) + np.repeat(lo - np.cumsum(lengths) + lengths, lengths)


def _group_min(values: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    best = np.full(n, np.inf)
    np.minimum.at(best, owner, values)
    return best


def pair_distance_near(px, py, lo, hi, cell_seg, sx, sy, out) -> None:
    owner, position = _ranges(lo, hi, len(cell_seg))
    seg = cell_seg[position]
    if ((seg < 0) | (seg >= len(sx))).any():
        raise _corrupt("a segment or polygon number out of range")
    d = _segment_distance(px[owner], py[owner], sx[seg, 0], sy[seg, 0], sx[seg, 1], sy[seg, 1])
    out[:] = _group_min(d, owner, len(px))


def _heads(sorted_owner: np.ndarray) -> np.ndarray:
    """Positions of the first element of each run of equal values."""
    if not len(sorted_owner):
        return np.empty(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, sorted_owner[1:] != sorted_owner[:-1]])


def pairs_reduce(
    group_start, pair_poly, inside, dist, px, py, band, start, sx, sy,
    out_dist, out_nearest, out_primary, out_count,
) -> None:  # fmt: skip
    groups = len(group_start) - 1
    owner, k = _ranges(group_start[:-1], group_start[1:], len(pair_poly))
    poly = pair_poly[k]
    if ((poly < 0) | (poly >= len(start) - 1)).any():
        raise _corrupt("a segment or polygon number out of range")
    # Nearest boundary: the first pair of the smallest distance.
    order = np.lexsort((k, dist[k], owner))
    first = order[_heads(owner[order])]
    best = np.full(groups, np.inf)
    best_p = np.full(groups, -1, dtype=np.int64)
    best[owner[first]] = dist[k[first]]
    best_p[owner[first]] = poly[first]
    # Containing polygons; the primary is the first, or the deepest when two or more.
    held = inside[k]
    out_count[:] = np.bincount(owner[held], minlength=groups)
    out_primary[:] = -1
    depth = np.where(held, dist[k], -1.0)
    for j in np.flatnonzero(held & (depth > band) & (out_count[owner] >= 2)).tolist():
        a, b = int(start[poly[j]]), int(start[poly[j] + 1])
        if a < 0 or b < a or b > len(sx):
            raise _corrupt("an offset range out of bounds")
        x, y = px[k[j]], py[k[j]]
        depth[j] = _segment_distance(x, y, sx[a:b, 0], sy[a:b, 0], sx[a:b, 1], sy[a:b, 1]).min()
    rank = np.where(out_count[owner] >= 2, -depth, 0.0)  # the deepest, else the first held
    chosen = np.flatnonzero(held)
    chosen = chosen[np.lexsort((k[chosen], rank[chosen], owner[chosen]))]
    head = chosen[_heads(owner[chosen])]
    out_primary[owner[head]] = poly[head]
    near = best <= band
    out_dist[:] = np.where(near, best, np.nan)
    out_nearest[:] = np.where(near, best_p, -1)
