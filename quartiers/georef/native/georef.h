/* The compiled loops of the georef engine and of the CSV fast path (plain C11), called by the
 * extension module _georef.c. Every index value read from an array is checked against the
 * length of the array it indexes: a corrupt index (it may come from the disk cache) makes a
 * function return a non-zero error code, never read or write out of bounds. */
#ifndef QUARTIERS_GEOREF_H
#define QUARTIERS_GEOREF_H

#include <math.h>
#include <stdint.h>

typedef int64_t i64;

/* Error codes (0: fine); _georef.c turns them into ValueError messages. */
enum {
    GEOREF_OK = 0,
    GEOREF_BAD_BLOCK,    /* a level-0 or level-1 grid value out of range */
    GEOREF_BAD_LEAF,     /* a leaf code out of range */
    GEOREF_BAD_RANGE,    /* a [lo, hi) range outside its array, or decreasing */
    GEOREF_BAD_SEGMENT,  /* a segment or polygon number out of range */
    GEOREF_BAD_ROW,      /* a row's bytes outside the buffer, or a table key out of range */
    GEOREF_TOO_SMALL,    /* the output buffer is too small */
    GEOREF_NO_MEMORY,
};

/* Geometry helpers shared by engine.c, distances.c and far.c. */
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

static inline double square(double v) { return v * v; }

/* Lower and upper bounds of the distance from (x, y) to a boundary whose tight bounding box is
 * b: the boundary touches each side of its box, so the distance is at most the farther end of
 * the nearest side. */
static inline void box_bounds(double x, double y, const double *b, double *low, double *high)
{
    const double dx = fmax(fmax(b[0] - x, 0.0), x - b[2]);
    const double dy = fmax(fmax(b[1] - y, 0.0), y - b[3]);
    const double x0 = square(b[0] - x), x1 = square(b[2] - x);
    const double y0 = square(b[1] - y), y1 = square(b[3] - y);
    *low = sqrt(dx * dx + dy * dy);
    if (high)
        *high = sqrt(fmin(fmax(x0, x1) + fmin(y0, y1), fmin(x0, x1) + fmax(y0, y1)));
}

/* The lists per cell are built in two passes (fill = 0 counts, fill = 1 writes). Counting,
 * records n in start[c + 1] and returns 0; filling, returns 1 with *base = start[c] once
 * [start[c], start[c] + n) is checked to lie within the nlist items, or -1. */
static inline int list_slot(int fill, i64 *start, i64 c, i64 n, i64 nlist, i64 *base)
{
    if (!fill) {
        start[c + 1] = n;
        return 0;
    }
    *base = start[c];
    return *base < 0 || *base > nlist - n ? -1 : 1;
}

/* engine.c */
int grid_lookup(const double *lon, const double *lat, i64 n, double x0, double y0, double inv,
                i64 shift1, i64 shift2, const int32_t *l0, i64 l0_nx, i64 l0_ny,
                const int32_t *l1, i64 n1, const int32_t *l2, i64 n2, i64 npoly, i64 ncand,
                int32_t *out, i64 *boundary);
void status_finalize(const double *lon, const double *lat, const int32_t *primary,
                     const double *distance, i64 n, double tolerance, int8_t *out);
int pair_distance_near(const double *px, const double *py, i64 n, const i64 *lo, const i64 *hi,
                       const i64 *cell_seg, i64 ncell_seg, const double *sx, const double *sy,
                       i64 nseg, double *out);
int pairs_reduce(const i64 *group_start, i64 ngroups, const i64 *pair_poly, const uint8_t *inside,
                 const double *dist, const double *px, const double *py, i64 npairs, double band,
                 const i64 *start, i64 npoly, const double *sx, const double *sy, i64 nseg,
                 double *out_dist, i64 *out_nearest, i64 *out_primary, i64 *out_count);
double segments_distance(double x, double y, i64 first, i64 last, const double *sx,
                         const double *sy);

/* distances.c */
int cell_candidates(const double *ccx, const double *ccy, i64 ncells, double radius,
                    const double *cx, const double *box, i64 m, double half_width,
                    i64 *cell_start, i64 *cell_item, i64 nitem, int fill);
int nearest_boundary(const double *px, const double *py, i64 n, double gx0, double gy0,
                     double size, i64 nx, i64 ny, const i64 *cell_start, const i64 *cell_item,
                     i64 nitem, const double *cx, const double *box, const i64 *first,
                     const i64 *last, const i64 *poly, i64 m, double half_width,
                     const double *sx, const double *sy, i64 nseg, double *out_d, i64 *out_p);

/* far.c */
int cell_segments(const double *ccx, const double *ccy, i64 ncells, double radius,
                  const i64 *cell_start, const i64 *cell_item, i64 nitem, const double *box,
                  const i64 *first, const i64 *last, i64 m, const double *sx, const double *sy,
                  i64 nseg, i64 *seg_start, int32_t *seg_id, float *seg_low, i64 nlist, int fill);
int nearest_segment(const double *px, const double *py, i64 n, double gx0, double gy0,
                    double size, i64 nx, i64 ny, const i64 *seg_start, const int32_t *seg_id,
                    const float *seg_low, i64 nlist, const int32_t *owner, const double *sx,
                    const double *sy, i64 nseg, i64 npoly, double *out_d, i64 *out_p,
                    uint8_t *done);
void lambert93_forward(const double *lon, const double *lat, i64 n, double *out_x, double *out_y);
void lambert93_inverse(const double *x, const double *y, i64 n, double *out_lon, double *out_lat);

/* lines.c: flags of a record, and what lines_parse may return. */
#define LINE_SLOW 1
#define LINE_QUOTED 2
#define LINES_GENERIC 1
int lines_parse(const uint8_t *buf, i64 size, i64 n, i64 delim, i64 nfields, i64 ilon, i64 ilat,
                 i64 check_semicolon, i64 base, i64 *starts, i64 *ends, double *lon, double *lat,
                 uint8_t *flags);
int lines_write(const uint8_t *buf, i64 size, i64 delim, i64 n, const i64 *starts,
                const i64 *ends, const uint8_t *flags, const int32_t *primary,
                const int8_t *status, i64 nstatus,
                const uint8_t *prefix_bytes, i64 nprefix_bytes, const i64 *prefix_off,
                i64 nprefix, const double *distance, const double *lon, const double *lat,
                const int8_t *remark, const uint8_t *suffix_bytes, i64 nsuffix_bytes,
                const i64 *suffix_off, i64 nsuffix, const i64 *slow_rows, i64 nslow,
                const uint8_t *slow_bytes, i64 nslow_bytes, const i64 *slow_off, uint8_t *out,
                i64 out_size, i64 *written);

#endif
