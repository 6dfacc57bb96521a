"""The compiled loops the engine and the CSV fast path call: C when the library is available,
numba otherwise (same signatures as ``georef/kernels.py`` and ``georef/batch/kernels.py``,
imported only in that case: importing numba costs a process about a second).

Inputs may be any layout (made contiguous here, without a copy when they already are);
outputs must be C-contiguous arrays of the documented dtype (checked).
"""

from __future__ import annotations

import numpy as np

from quartiers.georef.native import library, ptr


def _c(array: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(array)


def grid_lookup(lon, lat, x0, y0, inv, shift1, shift2, l0, l1, l2, out) -> int:
    lib = library()
    if lib is None:
        from quartiers.georef import kernels

        return kernels.grid_lookup(lon, lat, x0, y0, inv, shift1, shift2, l0, l1, l2, out)
    lon, lat, l0, l1, l2 = _c(lon), _c(lat), _c(l0), _c(l1), _c(l2)
    n = len(lon)
    if len(lat) != n or len(out) != n:
        raise ValueError("lon, lat and out must have the same length")
    if l0.ndim != 2 or l1.shape[1:] != (1 << shift1,) * 2 or l2.shape[1:] != (1 << shift2,) * 2:
        raise ValueError("grid levels of the wrong shape")
    return lib.grid_lookup(
        ptr(lon, np.float64), ptr(lat, np.float64), n, x0, y0, inv, shift1, shift2,
        ptr(l0, np.int32), l0.shape[0], l0.shape[1], ptr(l1, np.int32), ptr(l2, np.int32),
        ptr(out, np.int32, out=True),
    )  # fmt: skip


def status_finalize(lon, lat, primary, distance, tolerance, out) -> None:
    lib = library()
    if lib is None:
        from quartiers.georef import kernels

        return kernels.status_finalize(lon, lat, primary, distance, tolerance, out)
    lon, lat, primary, distance = _c(lon), _c(lat), _c(primary), _c(distance)
    n = len(lon)
    if not len(lat) == len(primary) == len(distance) == len(out) == n:
        raise ValueError("arrays of different lengths")
    lib.status_finalize(
        ptr(lon, np.float64), ptr(lat, np.float64), ptr(primary, np.int32),
        ptr(distance, np.float64), n, tolerance, ptr(out, np.int8, out=True),
    )  # fmt: skip
    return None


def pair_distance_near(px, py, lo, hi, cell_seg, sx, sy, out) -> None:
    lib = library()
    if lib is None:
        from quartiers.georef import kernels

        return kernels.pair_distance_near(px, py, lo, hi, cell_seg, sx, sy, out)
    px, py, lo, hi, cell_seg, sx, sy = map(_c, (px, py, lo, hi, cell_seg, sx, sy))
    n = len(px)
    if not len(py) == len(lo) == len(hi) == len(out) == n or sx.shape != sy.shape:
        raise ValueError("arrays of different lengths")
    lib.pair_distance_near(
        ptr(px, np.float64), ptr(py, np.float64), n, ptr(lo, np.int64), ptr(hi, np.int64),
        ptr(cell_seg, np.int64), ptr(sx, np.float64), ptr(sy, np.float64),
        ptr(out, np.float64, out=True),
    )  # fmt: skip
    return None


def pairs_reduce(
    group_start, pair_poly, inside, dist, px, py, band, start, sx, sy,
    out_dist, out_nearest, out_primary, out_count,
) -> None:  # fmt: skip
    lib = library()
    if lib is None:
        from quartiers.georef import kernels

        return kernels.pairs_reduce(
            group_start, pair_poly, inside, dist, px, py, band, start, sx, sy,
            out_dist, out_nearest, out_primary, out_count,
        )  # fmt: skip
    arrays = map(_c, (group_start, pair_poly, inside, dist, px, py, start, sx, sy))
    group_start, pair_poly, inside, dist, px, py, start, sx, sy = arrays
    groups = len(group_start) - 1
    pairs = int(group_start[-1]) if groups > 0 else 0
    if not len(pair_poly) == len(inside) == len(dist) == len(px) == len(py) >= pairs:
        raise ValueError("pair arrays of different lengths")
    if not len(out_dist) == len(out_nearest) == len(out_primary) == len(out_count) == groups:
        raise ValueError("outputs of the wrong length")
    lib.pairs_reduce(
        ptr(group_start, np.int64), groups, ptr(pair_poly, np.int64), ptr(inside, np.bool_),
        ptr(dist, np.float64), ptr(px, np.float64), ptr(py, np.float64), band,
        ptr(start, np.int64), ptr(sx, np.float64), ptr(sy, np.float64),
        ptr(out_dist, np.float64, out=True), ptr(out_nearest, np.int64, out=True),
        ptr(out_primary, np.int64, out=True), ptr(out_count, np.int64, out=True),
    )  # fmt: skip
    return None


def lines_parse(
    buf, n, delim, nfields, ilon, ilat, check_semicolon, base, starts, ends, lon, lat, flags
) -> None:
    lib = library()
    if lib is None:
        from quartiers.georef.batch import kernels

        return kernels.lines_parse(
            buf, n, delim, nfields, ilon, ilat, check_semicolon, base, starts, ends, lon, lat,
            flags,
        )  # fmt: skip
    buf = _c(buf)
    if not len(starts) == len(ends) == len(lon) == len(lat) == len(flags) == n:
        raise ValueError("outputs of the wrong length")
    lib.lines_parse(
        ptr(buf, np.uint8), len(buf), n, delim, nfields, ilon, ilat, int(check_semicolon), base,
        ptr(starts, np.int64, out=True), ptr(ends, np.int64, out=True),
        ptr(lon, np.float64, out=True), ptr(lat, np.float64, out=True),
        ptr(flags, np.uint8, out=True),
    )  # fmt: skip
    return None


def lines_write(
    buf, delim, starts, ends, primary, status, nstatus, prefix_bytes, prefix_off, distance,
    lon, lat, remark, suffix_bytes, suffix_off, slow_rows, slow_bytes, slow_off, out,
) -> int:  # fmt: skip
    lib = library()
    if lib is None:
        from quartiers.georef.batch import kernels

        return kernels.lines_write(
            buf, delim, starts, ends, primary, status, nstatus, prefix_bytes, prefix_off,
            distance, lon, lat, remark, suffix_bytes, suffix_off, slow_rows, slow_bytes,
            slow_off, out,
        )  # fmt: skip
    arrays = (buf, starts, ends, primary, status, prefix_bytes, prefix_off, distance, lon, lat)
    arrays += (remark, suffix_bytes, suffix_off, slow_rows, slow_bytes, slow_off)
    buf, starts, ends, primary, status, prefix_bytes, prefix_off, distance, lon, lat, *rest = map(
        _c, arrays
    )
    remark, suffix_bytes, suffix_off, slow_rows, slow_bytes, slow_off = rest
    n = len(starts)
    if not len(ends) == len(primary) == len(status) == len(distance) == len(lon) == n:
        raise ValueError("row arrays of different lengths")
    if len(lat) != n or len(remark) != n or len(slow_off) != len(slow_rows) + 1:
        raise ValueError("row arrays of different lengths")
    size = lib.lines_write(
        ptr(buf, np.uint8), delim, n, ptr(starts, np.int64), ptr(ends, np.int64),
        ptr(primary, np.int32), ptr(status, np.int8), nstatus, ptr(prefix_bytes, np.uint8),
        ptr(prefix_off, np.int64), ptr(distance, np.float64), ptr(lon, np.float64),
        ptr(lat, np.float64), ptr(remark, np.int8), ptr(suffix_bytes, np.uint8),
        ptr(suffix_off, np.int64), ptr(slow_rows, np.int64), len(slow_rows),
        ptr(slow_bytes, np.uint8), ptr(slow_off, np.int64), ptr(out, np.uint8, out=True),
        len(out),
    )  # fmt: skip
    if size < 0:
        raise ValueError("output buffer too small")
    return size
