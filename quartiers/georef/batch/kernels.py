"""Compiled loops (numba) of the fast path for CSV files of coordinates.

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


@numba.njit(cache=True, nogil=True, inline="always")
def _number(buf, start, end, pow10):
    """(value, ok) of the plain decimal text buf[start:end] ('.' or ',' as decimal mark)."""
    i = start
    negative = False
    if i < end and (buf[i] == 45 or buf[i] == 43):
        negative = buf[i] == 45
        i += 1
    mantissa = 0
    digits = 0
    decimals = 0
    point = False
    any_digit = False
    while i < end:
        c = buf[i]
        if 48 <= c <= 57:
            any_digit = True
            if mantissa > 0 or c != 48:
                digits += 1
            mantissa = mantissa * 10 + (c - 48)
            if point:
                decimals += 1
        elif (c == 46 or c == 44) and not point:
            point = True
        else:
            return np.nan, False
        i += 1
    if not any_digit or digits > 15 or decimals > 22:
        return np.nan, False
    value = mantissa / pow10[decimals]
    return (-value if negative else value), True


@numba.njit(cache=True, nogil=True)
def lines_parse(buf, n, delim, nfields, ilon, ilat, check_semicolon, starts, ends, lon, lat, flags):
    """Fill starts/ends (record bytes without the line end), lon/lat and flags for the n
    records of buf (UTF-8, no quote character). One pass over the bytes."""
    pow10 = POW10
    size = len(buf)
    position = 0
    for row in range(n):
        start = position
        end = start
        following = start
        field = 0
        field_start = start
        flag = 0
        lon_value = np.nan
        lat_value = np.nan
        i = start
        while True:
            c = buf[i] if i < size else 10
            if c == 13 and (i + 1 >= size or buf[i + 1] == 10):  # CRLF (or a final CR)
                c = 10
                following = i + 2
            elif c == 10:
                following = i + 1
            if c == delim or c == 10:
                if field_start < i:
                    first = buf[field_start]
                    if first == 61 or first == 64 or first == 9:  # = @ tab
                        flag = 1
                    elif first == 43 or first == 45:  # + -: allowed only for a plain number
                        for j in range(field_start + 1, i):
                            d = buf[j]
                            if not (48 <= d <= 57 or d == 46 or d == 44):
                                flag = 1
                                break
                if field in (ilon, ilat):
                    value, ok = _number(buf, field_start, i, pow10)
                    if not ok:
                        flag = 1
                    elif field == ilon:
                        lon_value = value
                    else:
                        lat_value = value
                field += 1
                if c == 10:
                    end = i
                    break
                field_start = i + 1
            elif c == 13 or c == 34 or (check_semicolon and c == 59):
                flag = 1
            i += 1
        position = following
        starts[row] = start
        ends[row] = end
        if end == start or field != nfields:
            flag = 1
        lon[row] = lon_value
        lat[row] = lat_value
        flags[row] = flag


@numba.njit(cache=True, nogil=True, inline="always")
def _fixed(out, pos, value, decimals, scale):
    """Write value rounded to `decimals` (half-even on value * scale) with a decimal comma."""
    n = np.int64(np.rint(value * scale))
    if n < 0:
        out[pos] = 45
        pos += 1
        n = -n
    unit = np.int64(scale)
    whole = n // unit
    frac = n % unit
    width = 1
    bound = np.int64(10)
    while whole >= bound:
        width += 1
        bound *= 10
    for d in range(width - 1, -1, -1):
        out[pos + d] = 48 + whole % 10
        whole //= 10
    pos += width
    if decimals > 0:
        out[pos] = 44
        pos += 1
        for d in range(decimals - 1, -1, -1):
            out[pos + d] = 48 + frac % 10
            frac //= 10
        pos += decimals
    return pos


@numba.njit(cache=True, nogil=True)
def lines_write(
    buf,
    starts,
    ends,
    prefix_key,
    prefix_bytes,
    prefix_off,
    distance,
    lon,
    lat,
    suffix_key,
    suffix_bytes,
    suffix_off,
    slow_rows,
    slow_bytes,
    slow_off,
    out,
):
    """Write every record: the input fields (``buf`` has its delimiters already turned into
    ';'), then
    prefix[key] (";code;name;status;score;"), distance, ";" (empty label) ";", lon, ";", lat,
    suffix[key] (";generation;remark\\r\\n"). Rows with slow_rows[i] >= 0 are copied from
    slow_bytes instead. Returns the number of bytes written."""
    pos = 0
    for row in range(len(starts)):
        k = slow_rows[row]
        if k >= 0:
            for j in range(slow_off[k], slow_off[k + 1]):
                out[pos] = slow_bytes[j]
                pos += 1
            continue
        length = ends[row] - starts[row]
        out[pos : pos + length] = buf[starts[row] : ends[row]]
        pos += length
        key = prefix_key[row]
        length = prefix_off[key + 1] - prefix_off[key]
        out[pos : pos + length] = prefix_bytes[prefix_off[key] : prefix_off[key + 1]]
        pos += length
        if not np.isnan(distance[row]):
            pos = _fixed(out, pos, distance[row], 1, 10.0)
        out[pos] = 59
        out[pos + 1] = 59
        pos += 2
        if not np.isnan(lon[row]):
            pos = _fixed(out, pos, lon[row], 6, 1e6)
        out[pos] = 59
        pos += 1
        if not np.isnan(lat[row]):
            pos = _fixed(out, pos, lat[row], 6, 1e6)
        key = suffix_key[row]
        length = suffix_off[key + 1] - suffix_off[key]
        out[pos : pos + length] = suffix_bytes[suffix_off[key] : suffix_off[key + 1]]
        pos += length
    return pos
