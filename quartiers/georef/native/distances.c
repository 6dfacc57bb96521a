/* Exact nearest-boundary distances beyond the index band (see distances.py): polygon parts of
 * one metric CRS sorted by the x of their bounding-box centre (cx, box rows xmin ymin xmax ymax,
 * segments [first, last)), and a square grid of candidate parts per cell. */
#include <math.h>
#include <stdlib.h>

#include "georef.h"

/* The parts that can hold the nearest boundary of (x, y) give or take slack metres: the range
 * [*left, *right) of an outward sweep in x, and the smallest upper bound met on the way. */
static void sweep_window(double x, double y, const double *cx, const double *box, i64 m,
                         double half_width, double slack, i64 *out_left, i64 *out_right,
                         double *out_upper)
{
    i64 lo = 0, hi = m; /* first index with cx >= x (numpy.searchsorted, side left) */
    while (lo < hi) {
        const i64 mid = lo + (hi - lo) / 2;
        if (cx[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    double upper = INFINITY, low, high;
    i64 left = lo - 1, right = lo;
    while (left >= 0 || right < m) {
        i64 j;
        if (right < m && (left < 0 || cx[right] - x <= x - cx[left])) {
            if (cx[right] - x - half_width > upper + slack)
                break;
            j = right++;
        } else {
            if (x - cx[left] - half_width > upper + slack)
                break;
            j = left--;
        }
        box_bounds(x, y, box + 4 * j, &low, &high);
        if (high < upper)
            upper = high;
    }
    *out_left = left + 1;
    *out_right = right;
    *out_upper = upper;
}

typedef struct {
    double low;
    i64 id;
} Candidate;

static int candidate_cmp(const void *a, const void *b)
{
    const Candidate *p = a, *q = b;
    if (p->low != q->low)
        return p->low < q->low ? -1 : 1;
    return (p->id > q->id) - (p->id < q->id);
}

/* Candidate parts of each square cell (centre ccx, ccy; half-diagonal radius): those whose box
 * lies within U + 2 radius of the centre, U the smallest upper bound at the centre, sorted by
 * that lower bound. First call with fill = 0 (cell_start[c + 1] = count), then fill = 1. */
int cell_candidates(const double *ccx, const double *ccy, i64 ncells, double radius,
                    const double *cx, const double *box, i64 m, double half_width,
                    i64 *cell_start, i64 *cell_item, i64 nitem, int fill)
{
    Candidate *work = fill ? malloc(sizeof(Candidate) * (size_t)(m > 0 ? m : 1)) : NULL;
    if (fill && !work)
        return GEOREF_NO_MEMORY;
    int status = GEOREF_OK;
    for (i64 c = 0; c < ncells; c++) {
        const double x = ccx[c], y = ccy[c];
        i64 left, right;
        double upper, low;
        sweep_window(x, y, cx, box, m, half_width, 2.0 * radius, &left, &right, &upper);
        const double limit = upper + 2.0 * radius;
        i64 n = 0;
        for (i64 j = left; j < right; j++) {
            box_bounds(x, y, box + 4 * j, &low, NULL);
            if (low <= limit) {
                if (fill)
                    work[n] = (Candidate){low, j};
                n++;
            }
        }
        i64 base;
        const int slot = list_slot(fill, cell_start, c, n, nitem, &base);
        if (slot < 0) {
            status = GEOREF_BAD_RANGE;
            break;
        }
        if (!slot)
            continue;
        qsort(work, (size_t)n, sizeof(Candidate), candidate_cmp);
        for (i64 k = 0; k < n; k++)
            cell_item[base + k] = work[k].id;
    }
    free(work);
    return status;
}

/* The nearest boundary among parts items[0:count) (or [first_item, first_item + count) when
 * items is NULL) whose box is not farther than best. */
static int nearest_among(double x, double y, const i64 *items, i64 first_item, i64 count,
                         double *best, i64 *best_p, const double *box, const i64 *first,
                         const i64 *last, const i64 *poly, i64 m, const double *sx,
                         const double *sy, i64 nseg)
{
    for (i64 n = 0; n < count; n++) {
        const i64 j = items ? items[n] : first_item + n;
        if (j < 0 || j >= m)
            return GEOREF_BAD_SEGMENT;
        double low;
        box_bounds(x, y, box + 4 * j, &low, NULL);
        if (low > *best)
            continue;
        if (first[j] < 0 || last[j] < first[j] || last[j] > nseg)
            return GEOREF_BAD_RANGE;
        const double d = segments_distance(x, y, first[j], last[j], sx, sy);
        if (d < *best || (d == *best && (*best_p < 0 || poly[j] < *best_p))) {
            *best = d;
            *best_p = poly[j];
        }
    }
    return GEOREF_OK;
}

/* Exact nearest polygon boundary of each point (metric CRS): the candidates of the point's
 * cell of the square grid (origin gx0, gy0, cell size, nx × ny), or outside that grid an
 * outward sweep over the parts sorted by x. */
int nearest_boundary(const double *px, const double *py, i64 n, double gx0, double gy0,
                     double size, i64 nx, i64 ny, const i64 *cell_start, const i64 *cell_item,
                     i64 nitem, const double *cx, const double *box, const i64 *first,
                     const i64 *last, const i64 *poly, i64 m, double half_width,
                     const double *sx, const double *sy, i64 nseg, double *out_d, i64 *out_p)
{
    for (i64 i = 0; i < n; i++) {
        const double x = px[i], y = py[i];
        const double fx = (x - gx0) / size, fy = (y - gy0) / size;
        double best;
        i64 best_p = -1;
        int status;
        if (fx >= 0.0 && fy >= 0.0 && fx < (double)nx && fy < (double)ny) {
            const i64 c = (i64)fx * ny + (i64)fy;
            const i64 a = cell_start[c], b = cell_start[c + 1];
            if (a < 0 || b < a || b > nitem)
                return GEOREF_BAD_RANGE;
            best = INFINITY;
            status = nearest_among(x, y, cell_item + a, 0, b - a, &best, &best_p, box, first,
                                   last, poly, m, sx, sy, nseg);
        } else {
            i64 left, right;
            sweep_window(x, y, cx, box, m, half_width, 0.0, &left, &right, &best);
            status = nearest_among(x, y, NULL, left, right - left, &best, &best_p, box, first,
                                   last, poly, m, sx, sy, nseg);
        }
        if (status != GEOREF_OK)
            return status;
        out_d[i] = best;
        out_p[i] = best_p;
    }
    return GEOREF_OK;
}
