"""Compiled loops (numba) of the fast path for CSV files of coordinates: the reference and the
fallback of their C twins (quartiers/georef/native/georef.c, used when a C compiler is
available; see native/__init__.py); callers go through quartiers.georef.native.loops.

``lines_parse`` finds the records of a block of UTF-8 bytes without quotes and parses the two
coordinate fields; ``lines_write`` writes the output records. Any record they cannot handle
exactly like the generic path (csv module) is flagged "slow" and handled by Python instead:
field count differing from the header, a blank line, a field starting with a formula
character that is not a plain number, a ``;`` inside a field (it would need quoting), a
number that is not plain decimal notation of at most 15 significant digits.

Numbers: ``m / 10**k`` with m < 2**53 and k <= 22 is one correctly rounded IEEE division of
two exact values, so it equals Python's ``float()`` of the same text (Clinger's fast path).
"""

from __future__ import annotations

import numba
import numpy as np

POW10 = np.array([10.0**k for k in range(23)])
SLOW = np.uint8(1)


@numba.njit(cache=True, nogil=True)
def lines_parse(
    buf, n, delim, nfields, ilon, ilat, check_semicolon, base, starts, ends, lon, lat, flags
):
    """Fill starts/ends (record bytes without the line end, as offsets in buf plus ``base``),
    lon/lat and flags for the n records of buf (UTF-8, no quote character). One pass over the
    bytes: the two coordinate fields are parsed while they are scanned."""
    pow10 = POW10
    size = len(buf)
    # Byte classes: 0 plain, 1 field or line end (delimiter, LF, CR), 2 flags the record
    # (a quote; a ";" when the output ";" would need quoting).
    kind = np.zeros(256, dtype=np.uint8)
    kind[34] = 2
    if check_semicolon:
        kind[59] = 2
    kind[delim] = 1
    kind[10] = 1
    kind[13] = 1
    position = 0
    for row in range(n):
        start = position
        flag = 0
        field = 0
        lon_value = np.nan
        lat_value = np.nan
        i = start
        while True:  # one field per turn; i is its first byte
            c = buf[i] if i < size else 10
            if kind[c] != 1 and (c == 61 or c == 64 or c == 9):  # = @ tab: a formula
                flag = 1
            signed = c == 43 or c == 45
            if field in (ilon, ilat):
                # Plain decimal: [+-]digits[.,digits], at most 15 significant digits.
                negative = c == 45
                if signed:
                    i += 1
                mantissa = 0
                digits = 0
                decimals = 0
                point = False
                any_digit = False
                while True:
                    c = buf[i] if i < size else 10
                    d = c - 48
                    if 0 <= d <= 9:
                        any_digit = True
                        if mantissa > 0 or d != 0:
                            digits += 1
                        mantissa = mantissa * 10 + d
                        decimals += point
                    elif (c == 46 or c == 44) and c != delim and not point:
                        point = True
                    else:
                        break
                    i += 1
                if kind[c] != 1 or not any_digit or digits > 15 or decimals > 22:
                    flag = 1  # not a plain number: the scan below finds the field's end
                else:
                    value = mantissa / pow10[decimals]
                    if negative:
                        value = -value
                    if field == ilon:
                        lon_value = value
                    else:
                        lat_value = value
            elif signed:  # + -: allowed only for a plain number (digits, "." and ",")
                i += 1
                while True:
                    c = buf[i] if i < size else 10
                    if not (48 <= c <= 57 or c == 46 or (c == 44 and c != delim)):
                        break
                    i += 1
                if kind[c] != 1:
                    flag = 1
            # The rest of the field up to a delimiter or a line end.
            while True:
                c = buf[i] if i < size else 10
                k = kind[c]
                if k == 1:
                    if c != 13:
                        break
                    if i + 1 >= size or buf[i + 1] == 10:  # CRLF (or a final CR)
                        break
                    flag = 1  # a CR alone
                elif k == 2:
                    flag = 1
                i += 1
            field += 1
            if c == delim:
                i += 1
                continue
            end = i
            if c == 13:
                i += 1
            position = i + 1
            break
        starts[row] = base + start
        ends[row] = base + end
        if end == start or field != nfields:
            flag = 1
        lon[row] = lon_value
        lat[row] = lat_value
        flags[row] = flag


DIGIT_PAIRS = np.frombuffer(b"".join(b"%02d" % k for k in range(100)), dtype=np.uint8).copy()


@numba.njit(cache=True, nogil=True, inline="always")
def _copy(out, pos, src, begin, end):
    """out[pos:...] = src[begin:end] as a plain loop (cheaper than a slice for short runs)."""
    for j in range(begin, end):
        out[pos] = src[j]
        pos += 1
    return pos


@numba.njit(cache=True, nogil=True, inline="always")
def _whole(out, pos, whole, pairs):
    """The decimal digits of whole >= 0."""
    width = 1
    bound = np.int64(10)
    while whole >= bound:
        width += 1
        bound *= 10
    end = pos + width
    p = end
    while whole >= 100:
        k = (whole % 100) * 2
        whole //= 100
        out[p - 2] = pairs[k]
        out[p - 1] = pairs[k + 1]
        p -= 2
    if whole >= 10:
        out[p - 2] = pairs[whole * 2]
        out[p - 1] = pairs[whole * 2 + 1]
    else:
        out[p - 1] = 48 + whole
    return end


@numba.njit(cache=True, nogil=True, inline="always")
def _fixed6(out, pos, value, pairs):
    """_fixed(value, 6, 1e6) with constant divisors and digit pairs."""
    n = np.int64(np.rint(value * 1e6))
    if n < 0:
        out[pos] = 45
        pos += 1
        n = -n
    pos = _whole(out, pos, n // 1000000, pairs)
    frac = n % 1000000
    out[pos] = 44
    for d in range(3):
        k = (frac % 100) * 2
        frac //= 100
        out[pos + 5 - 2 * d] = pairs[k]
        out[pos + 6 - 2 * d] = pairs[k + 1]
    return pos + 7


@numba.njit(cache=True, nogil=True, inline="always")
def _fixed1(out, pos, value, pairs):
    """_fixed(value, 1, 10.0) with constant divisors."""
    n = np.int64(np.rint(value * 10.0))
    if n < 0:
        out[pos] = 45
        pos += 1
        n = -n
    pos = _whole(out, pos, n // 10, pairs)
    out[pos] = 44
    out[pos + 1] = 48 + n % 10
    return pos + 2


@numba.njit(cache=True, nogil=True)
def lines_write(
    buf,
    delim,
    starts,
    ends,
    primary,
    status,
    nstatus,
    prefix_bytes,
    prefix_off,
    distance,
    lon,
    lat,
    remark,
    suffix_bytes,
    suffix_off,
    slow_rows,
    slow_bytes,
    slow_off,
    out,
):
    """Write every record: the input fields (``delim`` turned into ';': a record holding a ';'
    is a slow row when the delimiter is not ';'), then
    prefix[(primary + 1) * nstatus + status] (";code;name;status;score;"), distance, ";"
    (empty label) ";", lon, ";", lat, suffix[remark] (";generation;remark\r\n"). Row
    slow_rows[k] (increasing) is copied from slow_bytes[slow_off[k]:slow_off[k + 1]] instead.
    Returns the number of bytes written, -1 when ``out`` is too small (nothing written past it).

    Numbers: half-even rounding of value * 10**decimals, decimal comma (as ``fixed``)."""
    pairs = DIGIT_PAIRS
    limit = len(out)
    pos = 0
    k = 0
    nslow = len(slow_rows)
    next_slow = slow_rows[0] if nslow > 0 else len(starts)
    for row in range(len(starts)):
        if row == next_slow:
            if slow_off[k + 1] - slow_off[k] > limit - pos:
                return -1
            pos = _copy(out, pos, slow_bytes, slow_off[k], slow_off[k + 1])
            k += 1
            next_slow = slow_rows[k] if k < nslow else len(starts)
            continue
        key = (np.int64(primary[row]) + 1) * nstatus + status[row]
        suffix = remark[row]
        need = ends[row] - starts[row] + prefix_off[key + 1] - prefix_off[key]
        need += suffix_off[suffix + 1] - suffix_off[suffix] + 80  # the numbers: 79 at most
        if need > limit - pos:
            return -1
        if delim == 59:
            pos = _copy(out, pos, buf, starts[row], ends[row])
        else:
            for j in range(starts[row], ends[row]):
                c = buf[j]
                out[pos] = 59 if c == delim else c
                pos += 1
        pos = _copy(out, pos, prefix_bytes, prefix_off[key], prefix_off[key + 1])
        if not np.isnan(distance[row]):
            pos = _fixed1(out, pos, distance[row], pairs)
        out[pos] = 59
        out[pos + 1] = 59
        pos += 2
        if not np.isnan(lon[row]):
            pos = _fixed6(out, pos, lon[row], pairs)
        out[pos] = 59
        pos += 1
        if not np.isnan(lat[row]):
            pos = _fixed6(out, pos, lat[row], pairs)
        pos = _copy(out, pos, suffix_bytes, suffix_off[suffix], suffix_off[suffix + 1])
    return pos
