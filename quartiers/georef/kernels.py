"""Compiled inner loops of the georef engine (numba, cached on disk, single-threaded).

The engine calls them through quartiers.georef.native.loops, which uses their C twins
(native/georef.c) when a C compiler is available: these are then the reference the tests
compare with, and the fallback. The exact-distance loops (cell_candidates, nearest_boundary)
exist only here.

Only arithmetic lives here: the grid lookup and point-to-segment distances. The exact
point-in-polygon test itself is always shapely's (GEOS), never re-implemented.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def grid_lookup(lon, lat, x0, y0, inv, shift1, shift2, l0, l1, l2, out):  # pragma: no cover
    """Leaf code minus one of the fine cell of each point: ``p >= 0`` inside polygon p only,
    ``-1`` outside (also outside the grid or not finite), ``-(k + 2)`` boundary cell row k.

    Fine cell (ix, iy) = floor((lon - x0) * inv), floor((lat - y0) * inv); level 0 is a dense
    array of level-1 blocks (2**shift1 tiles a side), level 1 of level-2 tiles (2**shift2 cells a
    side), -1 meaning empty; level 2 holds the leaf codes. Returns the number of boundary points.
    """
    mask1 = (1 << shift1) - 1
    mask2 = (1 << shift2) - 1
    shift = shift1 + shift2
    nx = l0.shape[0] << shift
    ny = l0.shape[1] << shift
    boundary = 0
    for i in range(lon.shape[0]):
        fx = (lon[i] - x0) * inv
        fy = (lat[i] - y0) * inv
        code = -1
        # Written so that NaN fails every comparison and lands in "outside".
        if fx >= 0.0 and fy >= 0.0 and fx < nx and fy < ny:
            ix = np.int64(fx)
            iy = np.int64(fy)
            block1 = l0[ix >> shift, iy >> shift]
            if block1 >= 0:
                block2 = l1[block1, (ix >> shift2) & mask1, (iy >> shift2) & mask1]
                if block2 >= 0:
                    code = l2[block2, ix & mask2, iy & mask2] - 1
                    if code < -1:
                        boundary += 1
        out[i] = code
    return boundary


@njit(cache=True, nogil=True)
def status_finalize(lon, lat, primary, distance, tolerance, out):  # pragma: no cover
    """0 out, 1 in, 2 uncertain (distance <= tolerance), 3 invalid (non-finite position)."""
    for i in range(lon.shape[0]):
        if not (np.isfinite(lon[i]) and np.isfinite(lat[i])):
            out[i] = 3
        elif distance[i] <= tolerance:
            out[i] = 2
        elif primary[i] >= 0:
            out[i] = 1
        else:
            out[i] = 0


@njit(cache=True, nogil=True)
def _segments_distance(x, y, first, last, sx, sy):  # pragma: no cover - compiled
    best = np.inf
    for s in range(first, last):
        ax = sx[s, 0]
        ay = sy[s, 0]
        dx = sx[s, 1] - ax
        dy = sy[s, 1] - ay
        length2 = dx * dx + dy * dy
        t = 0.0
        if length2 > 0.0:
            t = ((x - ax) * dx + (y - ay) * dy) / length2
            if t < 0.0:
                t = 0.0
            elif t > 1.0:
                t = 1.0
        ex = ax + t * dx - x
        ey = ay + t * dy - y
        d2 = ex * ex + ey * ey
        if d2 < best:
            best = d2
    return np.sqrt(best)


@njit(cache=True, nogil=True)
def _box_bounds(x, y, box):  # pragma: no cover - compiled
    """Lower and upper bounds of the distance from (x, y) to a boundary whose tight bounding
    box is ``box``: the boundary touches each side of its box, so the distance is at most the
    farther end of the nearest side."""
    dx = max(box[0] - x, 0.0, x - box[2])
    dy = max(box[1] - y, 0.0, y - box[3])
    x0 = (box[0] - x) ** 2
    x1 = (box[2] - x) ** 2
    y0 = (box[1] - y) ** 2
    y1 = (box[3] - y) ** 2
    upper = min(max(x0, x1) + min(y0, y1), min(x0, x1) + max(y0, y1))
    return np.sqrt(dx * dx + dy * dy), np.sqrt(upper)


@njit(cache=True, nogil=True)
def _sweep_window(x, y, cx, box, half_width, slack):  # pragma: no cover - compiled
    """Items (polygon parts sorted by bounding-box centre x) that can hold the nearest boundary
    of (x, y) give or take ``slack`` metres: the range [left, right) of the outward sweep in x,
    and the smallest upper bound of the distance met on the way."""
    m = cx.shape[0]
    start = np.searchsorted(cx, x)
    upper = np.inf
    left = start - 1
    right = start
    while left >= 0 or right < m:
        if right < m and (left < 0 or cx[right] - x <= x - cx[left]):
            gap = cx[right] - x
            if gap - half_width > upper + slack:
                break
            hi = _box_bounds(x, y, box[right])[1]
            right += 1
        else:
            gap = x - cx[left]
            if gap - half_width > upper + slack:
                break
            hi = _box_bounds(x, y, box[left])[1]
            left -= 1
        if hi < upper:
            upper = hi
    return left + 1, right, upper


@njit(cache=True, nogil=True)
def _nearest_among(x, y, items, count, best, box, first, last, poly, sx, sy):  # pragma: no cover
    best_p = -1
    for n in range(count):
        j = items[n]
        if _box_bounds(x, y, box[j])[0] > best:
            continue
        d = _segments_distance(x, y, first[j], last[j], sx, sy)
        if d < best or (d == best and (best_p < 0 or poly[j] < best_p)):
            best = d
            best_p = poly[j]
    return best, best_p


@njit(cache=True, nogil=True)
def cell_candidates(
    ccx, ccy, radius, cx, box, half_width, cell_start, cell_item, fill
):  # pragma: no cover
    """Candidate items of each square cell (centre ccx, ccy; half-diagonal ``radius``): those
    whose box lies within U + 2 radius of the centre, U the smallest upper bound at the centre;
    the nearest boundary of any point of the cell is among them. Sorted by that lower bound.
    First call with fill=False to count (cell_start[c + 1] = count), then fill=True."""
    for c in range(ccx.shape[0]):
        x = ccx[c]
        y = ccy[c]
        left, right, upper = _sweep_window(x, y, cx, box, half_width, 2.0 * radius)
        limit = upper + 2.0 * radius
        n = 0
        if fill:
            lows = np.empty(right - left)
            ids = np.empty(right - left, dtype=np.int64)
        for j in range(left, right):
            low = _box_bounds(x, y, box[j])[0]
            if low <= limit:
                if fill:
                    lows[n] = low
                    ids[n] = j
                n += 1
        if fill:
            order = np.argsort(lows[:n])
            base = cell_start[c]
            for k in range(n):
                cell_item[base + k] = ids[order[k]]
        else:
            cell_start[c + 1] = n


@njit(cache=True, nogil=True)
def nearest_boundary(
    px, py, gx0, gy0, size, nx, ny, cell_start, cell_item,
    cx, box, first, last, poly, half_width, sx, sy, out_d, out_p,
):  # pragma: no cover - compiled  # fmt: skip
    """Exact nearest polygon boundary of each point (metric CRS): candidates of the point's
    cell of a square grid (origin gx0, gy0, cell ``size``, nx × ny), or, outside that grid,
    an outward sweep over the items sorted by x."""
    for i in range(px.shape[0]):
        x = px[i]
        y = py[i]
        fx = (x - gx0) / size
        fy = (y - gy0) / size
        if fx >= 0.0 and fy >= 0.0 and fx < nx and fy < ny:
            c = np.int64(fx) * ny + np.int64(fy)
            a = cell_start[c]
            best, best_p = _nearest_among(
                x, y, cell_item[a:], cell_start[c + 1] - a, np.inf, box, first, last, poly, sx, sy
            )
        else:
            left, right, upper = _sweep_window(x, y, cx, box, half_width, 0.0)
            items = np.arange(left, right)
            best, best_p = _nearest_among(
                x, y, items, right - left, upper, box, first, last, poly, sx, sy
            )
        out_d[i] = best
        out_p[i] = best_p


@njit(cache=True, nogil=True)
def pair_distance_near(px, py, lo, hi, cell_seg, sx, sy, out):  # pragma: no cover - compiled
    """Distance from point k to the segments cell_seg[lo[k]:hi[k]] (inf when none): the
    segments of one polygon within the margin of the point's cell. Exact whenever the true
    distance to that polygon's boundary is within the band (see index.py)."""
    for k in range(px.shape[0]):
        x = px[k]
        y = py[k]
        best = np.inf
        for j in range(lo[k], hi[k]):
            s = cell_seg[j]
            ax = sx[s, 0]
            ay = sy[s, 0]
            dx = sx[s, 1] - ax
            dy = sy[s, 1] - ay
            length2 = dx * dx + dy * dy
            t = 0.0
            if length2 > 0.0:
                t = ((x - ax) * dx + (y - ay) * dy) / length2
                if t < 0.0:
                    t = 0.0
                elif t > 1.0:
                    t = 1.0
            ex = ax + t * dx - x
            ey = ay + t * dy - y
            d2 = ex * ex + ey * ey
            if d2 < best:
                best = d2
        out[k] = np.sqrt(best)


@njit(cache=True, nogil=True)
def pairs_reduce(
    group_start, pair_poly, inside, dist, px, py, band, start, sx, sy,
    out_dist, out_nearest, out_primary, out_count,
):  # pragma: no cover - compiled  # fmt: skip
    """Per point (a group of consecutive candidate pairs, polygons in code order): nearest
    boundary (exact when within the band, else NaN/-1), number of containing polygons and the
    primary one, the deepest (largest distance to its own boundary; ties: first = smallest code).
    Depths beyond the band, needed only when two polygons or more contain the point, are
    measured on the whole boundary."""
    for g in range(group_start.shape[0] - 1):
        a = group_start[g]
        b = group_start[g + 1]
        best = np.inf
        best_p = -1
        count = 0
        primary = -1
        for k in range(a, b):
            if dist[k] < best:
                best = dist[k]
                best_p = pair_poly[k]
            if inside[k]:
                count += 1
                if primary < 0:
                    primary = pair_poly[k]
        if count >= 2:
            deepest = -1.0
            for k in range(a, b):
                if inside[k]:
                    d = dist[k]
                    if d > band:
                        p = pair_poly[k]
                        d = _segments_distance(px[k], py[k], start[p], start[p + 1], sx, sy)
                    if d > deepest:
                        deepest = d
                        primary = pair_poly[k]
        if best <= band:
            out_dist[g] = best
            out_nearest[g] = best_p
        else:
            out_dist[g] = np.nan
            out_nearest[g] = -1
        out_primary[g] = primary
        out_count[g] = count
