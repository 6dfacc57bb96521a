/* The CSV fast path's loops (see batch/chunks.py): find the records of a block of UTF-8 bytes
 * and parse its two coordinate fields; write the output records. Any record they cannot handle
 * exactly like the generic path (csv module) is flagged "slow" and handled by Python instead:
 * a field count differing from the header, a blank line, a field starting with a formula
 * character that is not a plain number, a ';' inside a field (it would need quoting), a quote
 * inside an unquoted field, a doubled quote, text after a closing quote, a number that is not
 * plain decimal notation of at most 15 significant digits.
 *
 * Quotes: a field that starts with a quote runs to the closing quote (the csv module's rule);
 * when it is plain (no ';', no delimiter, no formula start) the record is flagged QUOTED and
 * written without its quotes, which is what the generic path writes for it. A quoted field
 * holding a line end (or never closed) makes the records no longer one per line: the whole
 * block then goes to the generic path (lines_parse returns LINES_GENERIC).
 *
 * Numbers: m / 10**k with m < 2**53 and k <= 22 is one correctly rounded IEEE division of two
 * exact values, so it equals Python's float() of the same text (Clinger's fast path). */
#include <math.h>
#include <string.h>

#include "georef.h"

static const double POW10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Past the end reads as a line end; when the block ends with one, no record reads past it
 * (each stops at its line end), and the bound checks go. */
#define AT(i) ((!checked || (i) < size) ? buf[i] : 10)

/* Reads the digits from buf[*i] on into *mantissa (which stops growing past 1e17); returns the
 * first byte after them, *i its position. */
static inline int digits_read(const int checked, const uint8_t *buf, i64 size, i64 *at,
                              uint64_t *mantissa)
{
    i64 i = *at;
    int c;
    for (;;) {
        c = AT(i);
        const int d = c - 48;
        if (d < 0 || d > 9)
            break;
        if (*mantissa < 100000000000000000u)
            *mantissa = *mantissa * 10 + (uint64_t)d;
        i++;
    }
    *at = i;
    return c;
}

/* A plain decimal number from buf[*at]: [+-]digits[.,digits], at most 15 significant digits.
 * Returns 1 with *value set, *at after it, or 0 (not plain). The digits are accumulated into
 * mantissa, which stops growing past 1e17: the significant digits (from the first non-zero one)
 * are more than 15 exactly when the true mantissa is >= 1e15. The caller checks the byte after
 * it. */
static inline int number_read(const int checked, const uint8_t *buf, i64 size, i64 delim,
                              i64 *at, double *value)
{
    i64 i = *at;
    int c = AT(i);
    const int negative = c == 45;
    if (c == 43 || c == 45)
        i++;
    const i64 digits_start = i;
    uint64_t mantissa = 0;
    i64 decimals = 0;
    c = digits_read(checked, buf, size, &i, &mantissa); /* whole part */
    i64 any_digit = i - digits_start;
    if ((c == 46 || c == 44) && c != delim) { /* one decimal point or comma */
        i++;
        const i64 fraction_start = i;
        digits_read(checked, buf, size, &i, &mantissa);
        decimals = i - fraction_start;
        any_digit += decimals;
    }
    *at = i;
    if (!any_digit || mantissa >= 1000000000000000u || decimals > 22)
        return 0;
    const double v = (double)mantissa / POW10[decimals];
    *value = negative ? -v : v;
    return 1;
}

enum { QUOTED_PLAIN = 0, QUOTED_SLOW = 1, QUOTED_GENERIC = 2 };

/* The quoted field whose opening quote is buf[open]: *close is its closing quote. PLAIN when
 * its text holds no quote, no ';', no delimiter and does not start like a formula (= + - @
 * tab); SLOW otherwise; GENERIC when it holds a line end or is never closed. */
static inline int quoted_scan(const uint8_t *buf, i64 size, i64 delim, i64 open, i64 *close)
{
    int result = QUOTED_PLAIN;
    if (open + 1 < size) {
        const int c = buf[open + 1];
        if (c == 61 || c == 43 || c == 45 || c == 64 || c == 9)
            result = QUOTED_SLOW;
    }
    for (i64 i = open + 1; i < size; i++) {
        const int c = buf[i];
        if (c == 34) {
            if (i + 1 < size && buf[i + 1] == 34) { /* a doubled quote */
                result = QUOTED_SLOW;
                i++;
                continue;
            }
            *close = i;
            return result;
        }
        if (c == 10 || c == 13)
            return QUOTED_GENERIC;
        if (c == 59 || c == delim)
            result = QUOTED_SLOW;
    }
    return QUOTED_GENERIC;
}

static inline int parse_records(const int checked, const uint8_t *buf, i64 size, i64 n,
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
            return parse_records(1, buf + position, 0, n - row, delim, nfields, ilon, ilat,
                                 check_semicolon, base + position, starts + row, ends + row,
                                 lon + row, lat + row, flags + row);
        }
        const i64 start = position;
        i64 end, field = 0, i = start;
        int flag = 0, quoted = 0;
        double lon_value = NAN, lat_value = NAN;
        for (;;) { /* one field per turn; i is its first byte */
            int c = AT(i);
            const int coordinate = field == ilon || field == ilat;
            if (c == 34) { /* a quoted field */
                i64 close = 0;
                const int scan = quoted_scan(buf, size, delim, i, &close);
                if (scan == QUOTED_GENERIC)
                    return LINES_GENERIC;
                quoted = 1;
                if (scan == QUOTED_SLOW)
                    flag = 1;
                if (coordinate && !flag) {
                    i64 j = i + 1;
                    double value;
                    if (number_read(checked, buf, size, delim, &j, &value) && j == close) {
                        if (field == ilon)
                            lon_value = value;
                        else
                            lat_value = value;
                    } else {
                        flag = 1;
                    }
                }
                i = close + 1;
                if (kind[AT(i)] != 1)
                    flag = 1; /* text after the closing quote: the scan below finds the end */
            } else if (coordinate) {
                double value;
                if (number_read(checked, buf, size, delim, &i, &value) && kind[AT(i)] == 1) {
                    if (field == ilon)
                        lon_value = value;
                    else
                        lat_value = value;
                } else {
                    flag = 1; /* not a plain number: the scan below finds the field's end */
                }
            } else if (c == 43 || c == 45) { /* + -: allowed only for a plain number */
                i++;
                for (;;) {
                    c = AT(i);
                    if (!((c >= 48 && c <= 57) || c == 46 || (c == 44 && c != delim)))
                        break;
                    i++;
                }
                if (kind[c] != 1)
                    flag = 1;
            } else if (kind[c] != 1 && (c == 61 || c == 64 || c == 9)) { /* = @ tab: a formula */
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
        flags[row] = (uint8_t)(flag ? LINE_SLOW : quoted ? LINE_QUOTED : 0);
    }
    return 0;
}

/* Records of buf[0:size] (UTF-8): see batch/chunks.py. starts/ends are written plus ``base``
 * (the offset of buf in the caller's block). Returns 0, or LINES_GENERIC when the block must
 * go to the generic path (a quoted field holding a line end, or never closed). */
int lines_parse(const uint8_t *buf, i64 size, i64 n, i64 delim, i64 nfields, i64 ilon, i64 ilat,
                 i64 check_semicolon, i64 base, i64 *starts, i64 *ends, double *lon, double *lat,
                 uint8_t *flags)
{
    const int checked = !(size > 0 && buf[size - 1] == 10);
    if (checked)
        return parse_records(1, buf, size, n, delim, nfields, ilon, ilat, check_semicolon, base,
                             starts, ends, lon, lat, flags);
    return parse_records(0, buf, size, n, delim, nfields, ilon, ilat, check_semicolon, base,
                         starts, ends, lon, lat, flags);
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

/* src[0:len] without its quotes, ``from`` turned into ';' (put_bytes between the quotes). */
static inline uint8_t *put_unquoted(uint8_t *out, const uint8_t *src, i64 len, uint8_t from)
{
    const uint8_t *end = src + len;
    while (src < end) {
        const uint8_t *quote = memchr(src, 34, (size_t)(end - src));
        const i64 run = (quote ? quote : end) - src;
        if (from == 59)
            memcpy(out, src, (size_t)run);
        else
            put_bytes(out, src, run, from);
        out += run;
        src += run + 1;
    }
    return out;
}

/* An offsets table: off[0:count + 1] increasing, within [0, nbytes]. */
static int table_ok(const i64 *off, i64 count, i64 nbytes)
{
    if (count < 0 || off[0] < 0 || off[count] > nbytes)
        return 0;
    for (i64 k = 0; k < count; k++)
        if (off[k + 1] < off[k])
            return 0;
    return 1;
}

/* Output records of rows [0, n): the input fields (``delim`` turned into ';': a record holding
 * a ';' is a slow row when the delimiter is not ';'; without its quotes when flags[row] is
 * LINE_QUOTED), then prefix[(primary + 1) * nstatus +
 * status] (";code;name;status;score;"), distance, ";" (empty label) ";", lon, ";", lat,
 * suffix[remark] (";generation;remark\r\n"). Row slow_rows[k] (increasing) is copied from
 * slow_bytes[slow_off[k]:slow_off[k + 1]] instead. Numbers: half-even rounding of
 * value * 10**decimals, decimal comma (results.fixed). *written: the bytes written;
 * GEOREF_TOO_SMALL when out_size would be exceeded (nothing is written past it). */
int lines_write(const uint8_t *buf, i64 size, i64 delim, i64 n, const i64 *starts,
                const i64 *ends, const uint8_t *flags, const int32_t *primary,
                const int8_t *status, i64 nstatus,
                const uint8_t *prefix_bytes, i64 nprefix_bytes, const i64 *prefix_off,
                i64 nprefix, const double *distance, const double *lon, const double *lat,
                const int8_t *remark, const uint8_t *suffix_bytes, i64 nsuffix_bytes,
                const i64 *suffix_off, i64 nsuffix, const i64 *slow_rows, i64 nslow,
                const uint8_t *slow_bytes, i64 nslow_bytes, const i64 *slow_off, uint8_t *out,
                i64 out_size, i64 *written)
{
    if (!table_ok(prefix_off, nprefix, nprefix_bytes) ||
        !table_ok(suffix_off, nsuffix, nsuffix_bytes) || !table_ok(slow_off, nslow, nslow_bytes))
        return GEOREF_BAD_RANGE;
    uint8_t *p = out;
    const uint8_t *limit = out + out_size;
    i64 k = 0;
    i64 next_slow = nslow > 0 ? slow_rows[0] : n;
    for (i64 row = 0; row < n; row++) {
        if (row == next_slow) {
            const i64 len = slow_off[k + 1] - slow_off[k];
            if (len > limit - p)
                return GEOREF_TOO_SMALL;
            memcpy(p, slow_bytes + slow_off[k], (size_t)len);
            p += len;
            k++;
            next_slow = k < nslow ? slow_rows[k] : n;
            continue;
        }
        const i64 key = ((i64)primary[row] + 1) * nstatus + status[row];
        const i64 suffix = remark[row];
        const i64 first = starts[row], len = ends[row] - starts[row];
        if (key < 0 || key >= nprefix || suffix < 0 || suffix >= nsuffix || first < 0 ||
            len < 0 || ends[row] > size)
            return GEOREF_BAD_ROW;
        const i64 prefix_len = prefix_off[key + 1] - prefix_off[key];
        const i64 suffix_len = suffix_off[suffix + 1] - suffix_off[suffix];
        /* The numbers take at most 79 bytes with their separators. */
        if (len + prefix_len + suffix_len + 80 > limit - p)
            return GEOREF_TOO_SMALL;
        if (flags[row] == LINE_QUOTED)
            p = put_unquoted(p, buf + first, len, (uint8_t)delim);
        else if (delim == 59)
            p = (uint8_t *)memcpy(p, buf + first, (size_t)len) + len;
        else
            p = put_bytes(p, buf + first, len, (uint8_t)delim);
        memcpy(p, prefix_bytes + prefix_off[key], (size_t)prefix_len);
        p += prefix_len;
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
        memcpy(p, suffix_bytes + suffix_off[suffix], (size_t)suffix_len);
        p += suffix_len;
    }
    *written = p - out;
    return GEOREF_OK;
}
