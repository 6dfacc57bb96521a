"""Compiled loops of the exact distances beyond the band (numba, cached on disk): per-cell
candidate segments, the nearest of them for each point, and the Lambert-93 projection.

See distances.py; the part-level sweep (cell_candidates, nearest_boundary) is in kernels.py.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from quartiers.georef.kernels import _box_bounds, _segments_distance


@njit(cache=True, nogil=True)
def _point_box(x, y, x0, y0, x1, y1):  # pragma: no cover - compiled
    dx = max(x0 - x, 0.0, x - x1)
    dy = max(y0 - y, 0.0, y - y1)
    return np.sqrt(dx * dx + dy * dy)


@njit(cache=True, nogil=True)
def _segment_box(s, sx, sy, x0, y0, x1, y1):  # pragma: no cover - compiled
    """Distance from segment s to the box [x0, x1] × [y0, y1] (0 when they meet): the least of
    its ends to the box and of the box's corners to it, unless it crosses the box."""
    ax, ay, bx, by = sx[s, 0], sy[s, 0], sx[s, 1], sy[s, 1]
    # Clip the segment to the box (Liang-Barsky): a remaining piece means they meet.
    t0, t1 = 0.0, 1.0
    dx, dy = bx - ax, by - ay
    meets = True
    for p, q in ((-dx, ax - x0), (dx, x1 - ax), (-dy, ay - y0), (dy, y1 - ay)):
        if p == 0.0:
            if q < 0.0:
                meets = False
        else:
            r = q / p
            if p < 0.0:
                t0 = max(t0, r)
            else:
                t1 = min(t1, r)
    if meets and t0 <= t1:
        return 0.0
    best = min(_point_box(ax, ay, x0, y0, x1, y1), _point_box(bx, by, x0, y0, x1, y1))
    for cx, cy in ((x0, y0), (x0, y1), (x1, y0), (x1, y1)):
        best = min(best, _segments_distance(cx, cy, s, s + 1, sx, sy))
    return best


@njit(cache=True, nogil=True)
def cell_segments(
    ccx, ccy, radius, cell_start, cell_item, box, first, last, poly, sx, sy,
    seg_start, seg_id, seg_poly, seg_low, fill,
):  # pragma: no cover - compiled  # fmt: skip
    """The segments of each square cell (centre ccx, ccy; half-diagonal ``radius``) that can
    be the nearest boundary of some point of the cell. U: for the segment nearest to the
    centre, its largest distance to the cell's corners (distance to a segment is convex, so
    every point of the cell is within U of it); a segment farther than U from the whole cell
    is never the nearest. First call with fill=False to count (seg_start[c + 1] = count),
    then fill=True: seg_id, the polygon of each segment and its distance to the cell (a lower
    bound for any point of the cell, rounded down to float32), sorted by that distance."""
    half = radius / np.sqrt(2.0)
    for c in range(ccx.shape[0]):
        x = ccx[c]
        y = ccy[c]
        x0, y0, x1, y1 = x - half, y - half, x + half, y + half
        best = np.inf
        best_s = -1
        for k in range(cell_start[c], cell_start[c + 1]):
            j = cell_item[k]
            if _box_bounds(x, y, box[j])[0] <= best:
                for s in range(first[j], last[j]):
                    d = _segments_distance(x, y, s, s + 1, sx, sy)
                    if d < best:
                        best = d
                        best_s = s
        limit = np.inf
        if best_s >= 0:
            limit = 0.0
            for cx, cy in ((x0, y0), (x0, y1), (x1, y0), (x1, y1)):
                limit = max(limit, _segments_distance(cx, cy, best_s, best_s + 1, sx, sy))
            limit += 1e-6
        n = 0
        base = seg_start[c]
        for k in range(cell_start[c], cell_start[c + 1]):
            j = cell_item[k]
            if _box_bounds(x, y, box[j])[0] - radius > limit:
                continue
            for s in range(first[j], last[j]):
                low = _segment_box(s, sx, sy, x0, y0, x1, y1)
                if low <= limit:
                    if fill:
                        seg_id[base + n] = s
                        seg_poly[base + n] = poly[j]
                        seg_low[base + n] = np.float32(low * (1.0 - 1e-6) - 1e-3)
                    n += 1
        if not fill:
            seg_start[c + 1] = n
        elif n > 1:
            order = np.argsort(seg_low[base : base + n], kind="mergesort")
            seg_id[base : base + n] = seg_id[base : base + n][order]
            seg_poly[base : base + n] = seg_poly[base : base + n][order]
            seg_low[base : base + n] = seg_low[base : base + n][order]


@njit(cache=True, nogil=True)
def nearest_segment(
    px, py, gx0, gy0, size, nx, ny, seg_start, seg_id, seg_poly, seg_low, sx, sy,
    out_d, out_p, done,
):  # pragma: no cover - compiled  # fmt: skip
    """Exact nearest boundary of each point inside the grid, from its cell's segments sorted by
    their distance to the cell (stopping once that lower bound exceeds the best distance; ties:
    the smallest polygon index, as nearest_boundary); done[i] False for points outside.

    The points are taken cell by cell (a counting sort): each cell's lists are read from
    memory once for all its points, not once per point (the lists, tens of MB, do not fit in
    the caches: reading them point by point in file order costs twice the time)."""
    n = px.shape[0]
    ncell = nx * ny
    cell = np.empty(n, dtype=np.int64)
    count = np.zeros(ncell + 1, dtype=np.int64)
    for i in range(n):
        fx = (px[i] - gx0) / size
        fy = (py[i] - gy0) / size
        if fx >= 0.0 and fy >= 0.0 and fx < nx and fy < ny:
            c = np.int64(fx) * ny + np.int64(fy)
            cell[i] = c
            count[c + 1] += 1
            done[i] = True
        else:
            cell[i] = -1
            done[i] = False
    for c in range(ncell):
        count[c + 1] += count[c]
    order = np.empty(count[ncell], dtype=np.int64)
    for i in range(n):
        c = cell[i]
        if c >= 0:
            order[count[c]] = i
            count[c] += 1
    for k in range(order.shape[0]):
        i = order[k]
        x = px[i]
        y = py[i]
        c = cell[i]
        best2 = np.inf
        best_p = -1
        for j in range(seg_start[c], seg_start[c + 1]):
            low = np.float64(seg_low[j])
            if low > 0.0 and low * low > best2:
                break
            s = seg_id[j]
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
            p = seg_poly[j]
            if d2 < best2 or (d2 == best2 and p < best_p):
                best2 = d2
                best_p = p
        out_d[i] = np.sqrt(best2)
        out_p[i] = best_p


# Lambert-93 (EPSG:2154): Lambert conformal conic on GRS80, standard parallels 49° and 44°,
# origin 46°30'N 3°E, false easting 700,000 m, northing 6,600,000 m (IGN's published
# definition); WGS84 and RGF93 coincide at this precision.
_A = 6378137.0
_F = 1 / 298.257222101
_E = np.sqrt(2 * _F - _F * _F)


def _lcc_constants() -> tuple[float, float, float]:
    def m(phi: float) -> float:
        return np.cos(phi) / np.sqrt(1 - (_E * np.sin(phi)) ** 2)

    def t(phi: float) -> float:
        es = _E * np.sin(phi)
        return np.tan(np.pi / 4 - phi / 2) / ((1 - es) / (1 + es)) ** (_E / 2)

    p1, p2, p0 = np.radians(49.0), np.radians(44.0), np.radians(46.5)
    n = (np.log(m(p1)) - np.log(m(p2))) / (np.log(t(p1)) - np.log(t(p2)))
    big_f = m(p1) / (n * t(p1) ** n)
    return float(n), float(_A * big_f), float(_A * big_f * t(p0) ** n)


_N, _AF, _RHO0 = _lcc_constants()


@njit(cache=True, nogil=True)
def lambert93_forward(lon, lat, out_x, out_y):  # pragma: no cover - compiled
    """WGS84 degrees → Lambert-93 metres (the formulas of the projection, as pyproj's lcc)."""
    lam0 = np.radians(3.0)
    for i in range(lon.shape[0]):
        phi = np.radians(lat[i])
        es = _E * np.sin(phi)
        t = np.tan(np.pi / 4 - phi / 2) / ((1 - es) / (1 + es)) ** (_E / 2)
        rho = _AF * t**_N
        theta = _N * (np.radians(lon[i]) - lam0)
        out_x[i] = 700_000.0 + rho * np.sin(theta)
        out_y[i] = 6_600_000.0 + _RHO0 - rho * np.cos(theta)
