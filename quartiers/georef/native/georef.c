/* Compiled loops of the georef engine and of the CSV fast path, in plain C (C11, no Python API).
 *
 * Built with the system C compiler on first use and loaded with ctypes (native/__init__.py);
 * the numba versions (georef/kernels.py, georef/batch/kernels.py) are the fallback and the
 * reference: every function here does exactly what its numba twin does (tests compare them),
 * with the same floating-point operations in the same order (-ffp-contract=off: no fused
 * multiply-add), so the answers are identical bit for bit.
 *
 * Arrays are C-contiguous; the Python wrappers check dtypes and layouts before each call.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

typedef int64_t i64;

/* --- engine (georef/kernels.py) ---------------------------------------------------------- */

/* Leaf code minus one of the fine cell of each point (see kernels.grid_lookup). */
i64 grid_lookup(const double *lon, const double *lat, i64 n, double x0, double y0, double inv,
                i64 shift1, i64 shift2, const int32_t *l0, i64 l0_nx, i64 l0_ny,
                const int32_t *l1, const int32_t *l2, int32_t *out)
{
    const i64 b1 = (i64)1 << shift1, b2 = (i64)1 << shift2;
    const i64 mask1 = b1 - 1, mask2 = b2 - 1, shift = shift1 + shift2;
    const double nx = (double)(l0_nx << shift), ny = (double)(l0_ny << shift);
    i64 boundary = 0;
    for (i64 i = 0; i < n; i++) {
        const double fx = (lon[i] - x0) * inv;
        const double fy = (lat[i] - y0) * inv;
        int32_t code = -1;
        if (fx >= 0.0 && fy >= 0.0 && fx < nx && fy < ny) { /* NaN fails every comparison */
            const i64 ix = (i64)fx, iy = (i64)fy;
            const int32_t block1 = l0[(ix >> shift) * l0_ny + (iy >> shift)];
            if (block1 >= 0) {
                const int32_t block2 =
                    l1[((i64)block1 * b1 + ((ix >> shift2) & mask1)) * b1 + ((iy >> shift2) & mask1)];
                if (block2 >= 0) {
                    code = l2[((i64)block2 * b2 + (ix & mask2)) * b2 + (iy & mask2)] - 1;
                    if (code < -1)
                        boundary++;
                }
            }
        }
        out[i] = code;
    }
    return boundary;
}

/* 0 out, 1 in, 2 uncertain (distance <= tolerance), 3 invalid (non-finite position). */
void status_finalize(const double *lon, const double *lat, const int32_t *primary,
                     const double *distance, i64 n, double tolerance, int8_t *out)
{
    for (i64 i = 0; i < n; i++) {
        if (!(isfinite(lon[i]) && isfinite(lat[i])))
            out[i] = 3;
        else if (distance[i] <= tolerance)
            out[i] = 2;
        else if (primary[i] >= 0)
            out[i] = 1;
        else
            out[i] = 0;
    }
}

/* Squared distance from (x, y) to segment s of sx/sy (rows of two endpoints). */
static inline double segment_d2(double x, double y, i64 s, const double *sx, const double *sy)
{
    const double ax = sx[2 * s], ay = sy[2 * s];
    const double dx = sx[2 * s + 1] - ax;
    const double dy = sy[2 * s + 1] - ay;
    const double length2 = dx * dx + dy * dy;
    double t = 0.0;
    if (length2 > 0.0) {
        t = ((x - ax) * dx + (y - ay) * dy) / length2;
        if (t < 0.0)
            t = 0.0;
        else if (t > 1.0)
            t = 1.0;
    }
    const double ex = ax + t * dx - x;
    const double ey = ay + t * dy - y;
    return ex * ex + ey * ey;
}

static double segments_distance(double x, double y, i64 first, i64 last, const double *sx,
                                const double *sy)
{
    double best = INFINITY;
    for (i64 s = first; s < last; s++) {
        const double d2 = segment_d2(x, y, s, sx, sy);
        if (d2 < best)
            best = d2;
    }
    return sqrt(best);
}

void pair_distance_near(const double *px, const double *py, i64 n, const i64 *lo, const i64 *hi,
                        const i64 *cell_seg, const double *sx, const double *sy, double *out)
{
    for (i64 k = 0; k < n; k++) {
        double best = INFINITY;
        for (i64 j = lo[k]; j < hi[k]; j++) {
            const double d2 = segment_d2(px[k], py[k], cell_seg[j], sx, sy);
            if (d2 < best)
                best = d2;
        }
        out[k] = sqrt(best);
    }
}

void pairs_reduce(const i64 *group_start, i64 ngroups, const i64 *pair_poly, const uint8_t *inside,
                  const double *dist, const double *px, const double *py, double band,
                  const i64 *start, const double *sx, const double *sy, double *out_dist,
                  i64 *out_nearest, i64 *out_primary, i64 *out_count)
{
    for (i64 g = 0; g < ngroups; g++) {
        const i64 a = group_start[g], b = group_start[g + 1];
        double best = INFINITY;
        i64 best_p = -1, count = 0, primary = -1;
        for (i64 k = a; k < b; k++) {
            if (dist[k] < best) {
                best = dist[k];
                best_p = pair_poly[k];
            }
            if (inside[k]) {
                count++;
                if (primary < 0)
                    primary = pair_poly[k];
            }
        }
        if (count >= 2) {
            double deepest = -1.0;
            for (i64 k = a; k < b; k++) {
                if (inside[k]) {
                    double d = dist[k];
                    if (d > band) {
                        const i64 p = pair_poly[k];
                        d = segments_distance(px[k], py[k], start[p], start[p + 1], sx, sy);
                    }
                    if (d > deepest) {
                        deepest = d;
                        primary = pair_poly[k];
                    }
                }
            }
        }
        if (best <= band) {
            out_dist[g] = best;
            out_nearest[g] = best_p;
        } else {
            out_dist[g] = NAN;
            out_nearest[g] = -1;
        }
        out_primary[g] = primary;
        out_count[g] = count;
    }
}

/* --- CSV fast path (georef/batch/kernels.py) --------------------------------------------- */

static const double POW10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Past the end reads as a line end; when the block ends with one, no record reads past it
 * (each stops at its line end), and the bound checks go. */
#define AT(i) ((!checked || (i) < size) ? buf[i] : 10)

static inline void parse_records(const int checked, const uint8_t *buf, i64 size, i64 n,
                                 i64 delim, i64 nfields, i64 ilon, i64 ilat, i64 check_semicolon,
                                 i64 base, i64 *starts, i64 *ends, double *lon, double *lat,
                                 uint8_t *flags)
{
    /* Byte classes: 0 plain, 1 field or line end, 2 flags the record. */
    uint8_t kind[256];
    memset(kind, 0, sizeof kind);
    kind[34] = 2;
    if (check_semicolon)
        kind[59] = 2;
    kind[delim & 255] = 1;
    kind[10] = 1;
    kind[13] = 1;
    i64 position = 0;
    for (i64 row = 0; row < n; row++) {
        if (!checked && position >= size) { /* more rows than line ends: checked from here */
            parse_records(1, buf + position, 0, n - row, delim, nfields, ilon, ilat,
                          check_semicolon, base + position, starts + row, ends + row, lon + row,
                          lat + row, flags + row);
            return;
        }
        const i64 start = position;
        i64 end, field = 0, i = start;
        int flag = 0;
        double lon_value = NAN, lat_value = NAN;
        for (;;) { /* one field per turn; i is its first byte */
            int c = AT(i);
            if (kind[c] != 1 && (c == 61 || c == 64 || c == 9)) /* = @ tab: a formula */
                flag = 1;
            const int is_signed = c == 43 || c == 45;
            if (field == ilon || field == ilat) {
                /* Plain decimal: [+-]digits[.,digits], at most 15 significant digits. The
                 * digits are accumulated into mantissa, which stops growing past 1e17: the
                 * significant digits (from the first non-zero one) are more than 15 exactly
                 * when the true mantissa is >= 1e15. */
                const int negative = c == 45;
                if (is_signed)
                    i++;
                const i64 digits_start = i;
                uint64_t mantissa = 0;
                i64 decimals = 0;
                int d;
                for (;;) { /* whole part */
                    c = AT(i);
                    d = c - 48;
                    if (d < 0 || d > 9)
                        break;
                    mantissa = mantissa < 100000000000000000u ? mantissa * 10 + (uint64_t)d
                                                              : mantissa;
                    i++;
                }
                i64 any_digit = i - digits_start;
                if ((c == 46 || c == 44) && c != delim) { /* one decimal point or comma */
                    i++;
                    const i64 fraction_start = i;
                    for (;;) {
                        c = AT(i);
                        d = c - 48;
                        if (d < 0 || d > 9)
                            break;
                        mantissa = mantissa < 100000000000000000u ? mantissa * 10 + (uint64_t)d
                                                                  : mantissa;
                        i++;
                    }
                    decimals = i - fraction_start;
                    any_digit += decimals;
                }
                if (kind[c] != 1 || !any_digit || mantissa >= 1000000000000000u || decimals > 22) {
                    flag = 1; /* not a plain number: the scan below finds the field's end */
                } else {
                    double value = (double)mantissa / POW10[decimals];
                    if (negative)
                        value = -value;
                    if (field == ilon)
                        lon_value = value;
                    else
                        lat_value = value;
                }
            } else if (is_signed) { /* + -: allowed only for a plain number */
                i++;
                for (;;) {
                    c = AT(i);
                    if (!((c >= 48 && c <= 57) || c == 46 || (c == 44 && c != delim)))
                        break;
                    i++;
                }
                if (kind[c] != 1)
                    flag = 1;
            }
            /* The rest of the field up to a delimiter or a line end. */
            for (;;) {
                c = AT(i);
                const int k = kind[c];
                if (k == 1) {
                    if (c != 13)
                        break;
                    if (i + 1 >= size || buf[i + 1] == 10) /* CRLF (or a final CR) */
                        break;
                    flag = 1; /* a CR alone */
                } else if (k == 2) {
                    flag = 1;
                }
                i++;
            }
            field++;
            if (c == delim) {
                i++;
                continue;
            }
            end = i;
            if (c == 13)
                i++;
            position = i + 1;
            break;
        }
        starts[row] = base + start;
        ends[row] = base + end;
        if (end == start || field != nfields)
            flag = 1;
        lon[row] = lon_value;
        lat[row] = lat_value;
        flags[row] = (uint8_t)flag;
    }
}

/* Records of buf[0:size] (UTF-8, no quote): see kernels.lines_parse. starts/ends are written
 * plus ``base`` (the offset of buf in the caller's block). */
void lines_parse(const uint8_t *buf, i64 size, i64 n, i64 delim, i64 nfields, i64 ilon, i64 ilat,
                 i64 check_semicolon, i64 base, i64 *starts, i64 *ends, double *lon, double *lat,
                 uint8_t *flags)
{
    const int checked = !(size > 0 && buf[size - 1] == 10);
    if (checked)
        parse_records(1, buf, size, n, delim, nfields, ilon, ilat, check_semicolon, base, starts,
                      ends, lon, lat, flags);
    else
        parse_records(0, buf, size, n, delim, nfields, ilon, ilat, check_semicolon, base, starts,
                      ends, lon, lat, flags);
}

#undef AT

static const char DIGIT_PAIRS[201] = "00010203040506070809101112131415161718192021222324252627282930"
                                     "31323334353637383940414243444546474849505152535455565758596061"
                                     "62636465666768697071727374757677787980818283848586878889909192"
                                     "93949596979899";

/* np.rint: round half to even (default rounding mode), exact for |v| < 2**52; larger values
 * are already integers. */
static inline double round_even(double v)
{
    const double big = 4503599627370496.0; /* 2**52 */
    if (v >= 0.0)
        return v < big ? (v + big) - big : v;
    return v > -big ? -((-v + big) - big) : v;
}

/* The decimal digits of whole >= 0 at out; returns the end. */
static inline uint8_t *put_whole(uint8_t *out, i64 whole)
{
    int width = 1;
    i64 bound = 10;
    while (whole >= bound && width < 19) {
        width++;
        bound *= 10;
    }
    uint8_t *end = out + width, *p = end;
    while (whole >= 100) {
        const i64 k = (whole % 100) * 2;
        whole /= 100;
        p[-2] = (uint8_t)DIGIT_PAIRS[k];
        p[-1] = (uint8_t)DIGIT_PAIRS[k + 1];
        p -= 2;
    }
    if (whole >= 10) {
        p[-2] = (uint8_t)DIGIT_PAIRS[whole * 2];
        p[-1] = (uint8_t)DIGIT_PAIRS[whole * 2 + 1];
    } else {
        p[-1] = (uint8_t)(48 + whole);
    }
    return end;
}

/* results.fixed(value, 6): half-even rounding of value * 1e6, decimal comma. */
static inline uint8_t *put_fixed6(uint8_t *out, double value)
{
    i64 n = (i64)round_even(value * 1e6);
    if (n < 0) {
        *out++ = 45;
        n = -n;
    }
    out = put_whole(out, n / 1000000);
    i64 frac = n % 1000000;
    out[0] = 44;
    for (int d = 0; d < 3; d++) {
        const i64 k = (frac % 100) * 2;
        frac /= 100;
        out[5 - 2 * d] = (uint8_t)DIGIT_PAIRS[k];
        out[6 - 2 * d] = (uint8_t)DIGIT_PAIRS[k + 1];
    }
    return out + 7;
}

/* results.fixed(value, 1). */
static inline uint8_t *put_fixed1(uint8_t *out, double value)
{
    i64 n = (i64)round_even(value * 10.0);
    if (n < 0) {
        *out++ = 45;
        n = -n;
    }
    out = put_whole(out, n / 10);
    out[0] = 44;
    out[1] = (uint8_t)(48 + n % 10);
    return out + 2;
}

/* src[0:len] to out with every byte equal to ``from`` turned into ';', eight bytes at a time
 * (never reads past src + len): in t = x ^ from-in-every-byte the zero bytes are exactly the
 * matches (no carry crosses a byte); their bits (from ^ ';') are flipped. */
static inline uint8_t *put_bytes(uint8_t *out, const uint8_t *src, i64 len, uint8_t from)
{
    const uint64_t ones = 0x0101010101010101u, low7 = 0x7f7f7f7f7f7f7f7fu;
    const uint64_t pattern = ones * from, flip = (uint64_t)(from ^ 59);
    i64 j = 0;
    for (; j + 8 <= len; j += 8) {
        uint64_t x;
        memcpy(&x, src + j, 8);
        const uint64_t t = x ^ pattern;
        const uint64_t zero = ~(((t & low7) + low7) | t | low7); /* 0x80 where t's byte is 0 */
        x ^= (zero >> 7) * flip;
        memcpy(out + j, &x, 8);
    }
    for (; j < len; j++) {
        const uint8_t c = src[j];
        out[j] = c == from ? 59 : c;
    }
    return out + len;
}

/* Output records of rows [0, n): see kernels.lines_write. Returns the bytes written, or -1 when
 * out_size would be exceeded (nothing is written past it). */
i64 lines_write(const uint8_t *buf, i64 delim, i64 n, const i64 *starts, const i64 *ends,
                const int32_t *primary, const int8_t *status, i64 nstatus,
                const uint8_t *prefix_bytes, const i64 *prefix_off, const double *distance,
                const double *lon, const double *lat, const int8_t *remark,
                const uint8_t *suffix_bytes, const i64 *suffix_off, const i64 *slow_rows,
                i64 nslow, const uint8_t *slow_bytes, const i64 *slow_off, uint8_t *out,
                i64 out_size)
{
    uint8_t *p = out;
    const uint8_t *limit = out + out_size;
    i64 k = 0;
    i64 next_slow = nslow > 0 ? slow_rows[0] : n;
    for (i64 row = 0; row < n; row++) {
        if (row == next_slow) {
            const i64 len = slow_off[k + 1] - slow_off[k];
            if (len > limit - p)
                return -1;
            memcpy(p, slow_bytes + slow_off[k], (size_t)len);
            p += len;
            k++;
            next_slow = k < nslow ? slow_rows[k] : n;
            continue;
        }
        const i64 key = ((i64)primary[row] + 1) * nstatus + status[row];
        const i64 suffix = remark[row];
        /* The numbers take at most 79 bytes with their separators. */
        const i64 need = (ends[row] - starts[row]) + (prefix_off[key + 1] - prefix_off[key]) +
                         (suffix_off[suffix + 1] - suffix_off[suffix]) + 80;
        if (need > limit - p)
            return -1;
        /* The input fields (a record holding a ';' is a slow row when delim is not ';'). */
        const i64 len = ends[row] - starts[row];
        if (delim == 59)
            memcpy(p, buf + starts[row], (size_t)len);
        else
            put_bytes(p, buf + starts[row], len, (uint8_t)delim);
        p += len;
        memcpy(p, prefix_bytes + prefix_off[key], (size_t)(prefix_off[key + 1] - prefix_off[key]));
        p += prefix_off[key + 1] - prefix_off[key];
        if (!isnan(distance[row]))
            p = put_fixed1(p, distance[row]);
        p[0] = 59;
        p[1] = 59;
        p += 2;
        if (!isnan(lon[row]))
            p = put_fixed6(p, lon[row]);
        *p++ = 59;
        if (!isnan(lat[row]))
            p = put_fixed6(p, lat[row]);
        memcpy(p, suffix_bytes + suffix_off[suffix],
               (size_t)(suffix_off[suffix + 1] - suffix_off[suffix]));
        p += suffix_off[suffix + 1] - suffix_off[suffix];
    }
    return p - out;
}
