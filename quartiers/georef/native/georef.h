/* The compiled loops of the georef engine and of the CSV fast path (plain C11), called by the
 * extension module _georef.c. Every index value read from an array is checked against the
 * length of the array it indexes: a corrupt index (it may come from the disk cache) makes a
 * function return a non-zero error code, never read or write out of bounds. */
#ifndef QUARTIERS_GEOREF_H
#define QUARTIERS_GEOREF_H

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

/* lines.c */
void lines_parse(const uint8_t *buf, i64 size, i64 n, i64 delim, i64 nfields, i64 ilon, i64 ilat,
                 i64 check_semicolon, i64 base, i64 *starts, i64 *ends, double *lon, double *lat,
                 uint8_t *flags);
int lines_write(const uint8_t *buf, i64 size, i64 delim, i64 n, const i64 *starts,
                const i64 *ends, const int32_t *primary, const int8_t *status, i64 nstatus,
                const uint8_t *prefix_bytes, i64 nprefix_bytes, const i64 *prefix_off,
                i64 nprefix, const double *distance, const double *lon, const double *lat,
                const int8_t *remark, const uint8_t *suffix_bytes, i64 nsuffix_bytes,
                const i64 *suffix_off, i64 nsuffix, const i64 *slow_rows, i64 nslow,
                const uint8_t *slow_bytes, i64 nslow_bytes, const i64 *slow_off, uint8_t *out,
                i64 out_size, i64 *written);

#endif
