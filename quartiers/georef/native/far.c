/* Exact nearest-boundary distances beyond the index band, the fast path (see distances.py):
 * per cell of the square grid of distances.c, the candidate segments sorted by a lower bound of
 * their distance to the cell; per point, a scan of its cell's list that stops at the first
 * bound beyond the best distance found. And the Lambert-93 projection, compiled. */
#include <math.h>
#include <stdlib.h>

#include "georef.h"

/* Distance from (x, y) to the box [x0, x1] × [y0, y1] (0 inside). */
static inline double point_box(double x, double y, double x0, double y0, double x1, double y1)
{
    const double dx = fmax(fmax(x0 - x, 0.0), x - x1);
    const double dy = fmax(fmax(y0 - y, 0.0), y - y1);
    return sqrt(dx * dx + dy * dy);
}

/* Distance from segment s to the box (0 when they meet): the least of its ends to the box and
 * of the box's corners to it, unless it crosses the box (Liang-Barsky clipping). */
static double segment_box(i64 s, const double *sx, const double *sy, double x0, double y0,
                          double x1, double y1)
{
    const double ax = sx[2 * s], ay = sy[2 * s], bx = sx[2 * s + 1], by = sy[2 * s + 1];
    const double dx = bx - ax, dy = by - ay;
    const double p[4] = {-dx, dx, -dy, dy};
    const double q[4] = {ax - x0, x1 - ax, ay - y0, y1 - ay};
    double t0 = 0.0, t1 = 1.0;
    int meets = 1;
    for (int k = 0; k < 4; k++) {
        if (p[k] == 0.0) {
            if (q[k] < 0.0)
                meets = 0;
        } else if (p[k] < 0.0) {
            t0 = fmax(t0, q[k] / p[k]);
        } else {
            t1 = fmin(t1, q[k] / p[k]);
        }
    }
    if (meets && t0 <= t1)
        return 0.0;
    double best = fmin(point_box(ax, ay, x0, y0, x1, y1), point_box(bx, by, x0, y0, x1, y1));
    const double cx[4] = {x0, x0, x1, x1}, cy[4] = {y0, y1, y0, y1};
    for (int k = 0; k < 4; k++)
        best = fmin(best, sqrt(segment_d2(cx[k], cy[k], s, sx, sy)));
    return best;
}

typedef struct {
    float low;
    int32_t id;
    i64 order; /* position found: ties keep it (a stable sort) */
} Entry;

static int entry_cmp(const void *a, const void *b)
{
    const Entry *p = a, *q = b;
    if (p->low != q->low)
        return p->low < q->low ? -1 : 1;
    return (p->order > q->order) - (p->order < q->order);
}

/* Whether parts cell_item[a:b) and their segment ranges lie within their arrays. */
static int parts_ok(i64 a, i64 b, i64 nitem, const i64 *cell_item, const i64 *first,
                    const i64 *last, i64 m, i64 nseg)
{
    if (a < 0 || b < a || b > nitem)
        return 0;
    for (i64 k = a; k < b; k++) {
        const i64 j = cell_item[k];
        if (j < 0 || j >= m || first[j] < 0 || last[j] < first[j] || last[j] > nseg)
            return 0;
    }
    return 1;
}

/* Upper bound U of the distance from any point of the cell (centre x, y; half side half) to
 * the boundary: for the segment nearest the centre among the cell's parts, its largest
 * distance to the cell's corners (distance to a segment is convex). INFINITY when none. */
static double cell_limit(double x, double y, double half, i64 a, i64 b, const i64 *cell_item,
                         const double *box, const i64 *first, const i64 *last, const double *sx,
                         const double *sy)
{
    double best = INFINITY, low;
    i64 best_s = -1;
    for (i64 k = a; k < b; k++) {
        const i64 j = cell_item[k];
        box_bounds(x, y, box + 4 * j, &low, NULL);
        if (low > best)
            continue;
        for (i64 s = first[j]; s < last[j]; s++) {
            const double d = sqrt(segment_d2(x, y, s, sx, sy));
            if (d < best) {
                best = d;
                best_s = s;
            }
        }
    }
    if (best_s < 0)
        return INFINITY;
    double limit = 0.0;
    const double cx[4] = {x - half, x - half, x + half, x + half};
    const double cy[4] = {y - half, y + half, y - half, y + half};
    for (int k = 0; k < 4; k++)
        limit = fmax(limit, sqrt(segment_d2(cx[k], cy[k], best_s, sx, sy)));
    return limit + 1e-6;
}

/* The segments of each square cell (centre ccx, ccy; half-diagonal radius) that can be the
 * nearest boundary of some point of the cell: those not farther than U (cell_limit) from the
 * whole cell, among the cell's candidate parts cell_item[cell_start[c]:cell_start[c + 1]).
 * First call with fill = 0 (seg_start[c + 1] = count), then fill = 1: seg_id and the distance
 * of each segment to the cell (a lower bound for any point of the cell, rounded down to
 * float32), sorted by that distance. */
int cell_segments(const double *ccx, const double *ccy, i64 ncells, double radius,
                  const i64 *cell_start, const i64 *cell_item, i64 nitem, const double *box,
                  const i64 *first, const i64 *last, i64 m, const double *sx, const double *sy,
                  i64 nseg, i64 *seg_start, int32_t *seg_id, float *seg_low, i64 nlist, int fill)
{
    const double half = radius / sqrt(2.0);
    Entry *work = NULL;
    i64 capacity = 0;
    int status = GEOREF_OK;
    for (i64 c = 0; c < ncells && status == GEOREF_OK; c++) {
        const double x = ccx[c], y = ccy[c];
        const double x0 = x - half, y0 = y - half, x1 = x + half, y1 = y + half;
        const i64 a = cell_start[c], b = cell_start[c + 1];
        if (!parts_ok(a, b, nitem, cell_item, first, last, m, nseg)) {
            status = GEOREF_BAD_RANGE;
            break;
        }
        const double limit = cell_limit(x, y, half, a, b, cell_item, box, first, last, sx, sy);
        i64 n = 0;
        for (i64 k = a; k < b && status == GEOREF_OK; k++) {
            const i64 j = cell_item[k];
            double low;
            box_bounds(x, y, box + 4 * j, &low, NULL);
            if (low - radius > limit)
                continue;
            for (i64 s = first[j]; s < last[j]; s++) {
                const double d = segment_box(s, sx, sy, x0, y0, x1, y1);
                if (d > limit)
                    continue;
                if (fill) {
                    if (n == capacity) {
                        capacity = capacity ? 2 * capacity : 256;
                        Entry *grown = realloc(work, sizeof(Entry) * (size_t)capacity);
                        if (!grown) {
                            status = GEOREF_NO_MEMORY;
                            break;
                        }
                        work = grown;
                    }
                    work[n] = (Entry){(float)(d * (1.0 - 1e-6) - 1e-3), (int32_t)s, n};
                }
                n++;
            }
        }
        if (status != GEOREF_OK)
            break;
        i64 base;
        const int slot = list_slot(fill, seg_start, c, n, nlist, &base);
        if (slot < 0) {
            status = GEOREF_BAD_RANGE;
            break;
        }
        if (!slot)
            continue;
        qsort(work, (size_t)n, sizeof(Entry), entry_cmp);
        for (i64 k = 0; k < n; k++) {
            seg_id[base + k] = work[k].id;
            seg_low[base + k] = work[k].low;
        }
    }
    free(work);
    return status;
}

/* The exact nearest boundary of point (x, y) from its cell's list [a, b), sorted by lower
 * bound: stops at the first bound beyond the best distance (ties: the smallest polygon;
 * owner[s] is the polygon of segment s). */
static int scan_cell(double x, double y, i64 a, i64 b, const int32_t *seg_id,
                     const float *seg_low, const int32_t *owner, const double *sx,
                     const double *sy, i64 nseg, i64 npoly, double *out_d, i64 *out_p)
{
    double best2 = INFINITY;
    i64 best_p = -1;
    for (i64 j = a; j < b; j++) {
        const double low = (double)seg_low[j];
        if (low > 0.0 && low * low > best2)
            break;
        const i64 s = seg_id[j];
        if (s < 0 || s >= nseg)
            return GEOREF_BAD_SEGMENT;
        const i64 p = owner[s];
        if (p < 0 || p >= npoly)
            return GEOREF_BAD_SEGMENT;
        const double d2 = segment_d2(x, y, s, sx, sy);
        if (d2 < best2 || (d2 == best2 && p < best_p)) {
            best2 = d2;
            best_p = p;
        }
    }
    *out_d = sqrt(best2);
    *out_p = best_p;
    return GEOREF_OK;
}

/* Exact nearest boundary of each point inside the grid (origin gx0, gy0; cell size; nx × ny
 * cells, cell ix * ny + iy) from its cell's list; done[i] = 0 for the points outside (left
 * for the outward sweep). The points are taken cell by cell (a counting sort): each cell's
 * list is read from memory once for all its points, not once per point (the lists, tens of
 * MB, do not fit in the caches). */
int nearest_segment(const double *px, const double *py, i64 n, double gx0, double gy0,
                    double size, i64 nx, i64 ny, const i64 *seg_start, const int32_t *seg_id,
                    const float *seg_low, i64 nlist, const int32_t *owner, const double *sx,
                    const double *sy, i64 nseg, i64 npoly, double *out_d, i64 *out_p,
                    uint8_t *done)
{
    const i64 ncell = nx * ny;
    i64 *cell = malloc(sizeof(i64) * (size_t)(n > 0 ? n : 1));
    i64 *count = calloc((size_t)ncell + 1, sizeof(i64));
    i64 *order = malloc(sizeof(i64) * (size_t)(n > 0 ? n : 1));
    int status = GEOREF_OK;
    if (!cell || !count || !order) {
        status = GEOREF_NO_MEMORY;
        goto done;
    }
    for (i64 i = 0; i < n; i++) {
        const double fx = (px[i] - gx0) / size, fy = (py[i] - gy0) / size;
        if (fx >= 0.0 && fy >= 0.0 && fx < (double)nx && fy < (double)ny) {
            cell[i] = (i64)fx * ny + (i64)fy;
            count[cell[i] + 1]++;
            done[i] = 1;
        } else {
            cell[i] = -1;
            done[i] = 0;
        }
    }
    for (i64 c = 0; c < ncell; c++)
        count[c + 1] += count[c];
    const i64 inside = count[ncell];
    for (i64 i = 0; i < n; i++)
        if (cell[i] >= 0)
            order[count[cell[i]]++] = i;
    for (i64 k = 0; k < inside; k++) {
        const i64 i = order[k], c = cell[i];
        const i64 a = seg_start[c], b = seg_start[c + 1];
        if (a < 0 || b < a || b > nlist) {
            status = GEOREF_BAD_RANGE;
            break;
        }
        status = scan_cell(px[i], py[i], a, b, seg_id, seg_low, owner, sx, sy, nseg, npoly,
                           out_d + i, out_p + i);
        if (status != GEOREF_OK)
            break;
    }
done:
    free(cell);
    free(count);
    free(order);
    return status;
}

/* Lambert-93 (EPSG:2154): Lambert conformal conic on GRS80, standard parallels 49° and 44°,
 * origin 46°30'N 3°E, false easting 700,000 m, northing 6,600,000 m (IGN's published
 * definition); WGS84 and RGF93 coincide at this precision. The formulas of PROJ's lcc. */
#define L93_A 6378137.0
#define L93_F (1.0 / 298.257222101)
#define PI 3.14159265358979323846
#define DEG (PI / 180.0)

static double lcc_m(double phi, double e) { return cos(phi) / sqrt(1.0 - square(e * sin(phi))); }

static double lcc_t(double phi, double e)
{
    const double es = e * sin(phi);
    return tan(PI / 4.0 - phi / 2.0) / pow((1.0 - es) / (1.0 + es), e / 2.0);
}

typedef struct {
    double e, nn, af, rho0, lam0;
} Lcc;

static Lcc lambert93(void)
{
    Lcc l;
    l.e = sqrt(2.0 * L93_F - L93_F * L93_F);
    const double p1 = 49.0 * DEG, p2 = 44.0 * DEG, p0 = 46.5 * DEG;
    l.lam0 = 3.0 * DEG;
    l.nn = (log(lcc_m(p1, l.e)) - log(lcc_m(p2, l.e))) /
           (log(lcc_t(p1, l.e)) - log(lcc_t(p2, l.e)));
    l.af = L93_A * lcc_m(p1, l.e) / (l.nn * pow(lcc_t(p1, l.e), l.nn));
    l.rho0 = l.af * pow(lcc_t(p0, l.e), l.nn);
    return l;
}

/* Lambert-93 metres → WGS84 degrees. The latitude from the isometric latitude psi = -log(t) by
 * Newton's method on tan(phi) (Karney 2011, "Transverse Mercator with an accuracy of a few
 * nanometers", eqs. 7-9 and 19-21, as PROJ's pj_sinhpsi2tanphi): two or three turns. */
void lambert93_inverse(const double *x, const double *y, i64 n, double *out_lon, double *out_lat)
{
    const Lcc l = lambert93();
    const double e = l.e, e2m = 1.0 - e * e, inv_n = 1.0 / l.nn, log_af = log(l.af);
    for (i64 i = 0; i < n; i++) {
        const double dx = x[i] - 700000.0, dy = l.rho0 - (y[i] - 6600000.0);
        const double rho = sqrt(dx * dx + dy * dy);
        const double taup = sinh(-(log(rho) - log_af) * inv_n); /* sinh(psi) */
        double tau = taup / e2m;
        for (int k = 0; k < 10; k++) {
            const double tau1 = sqrt(1.0 + tau * tau);
            const double sig = sinh(e * atanh(e * tau / tau1));
            const double taupa = sqrt(1.0 + sig * sig) * tau - sig * tau1;
            const double dtau = (taup - taupa) * (1.0 + e2m * tau * tau) /
                                (e2m * tau1 * sqrt(1.0 + taupa * taupa));
            tau += dtau;
            if (!(fabs(dtau) >= 1e-15 * fmax(1.0, fabs(tau))))
                break;
        }
        out_lon[i] = (atan2(dx, dy) * inv_n + l.lam0) / DEG;
        out_lat[i] = atan(tau) / DEG;
    }
}

/* WGS84 degrees → Lambert-93 metres. */
void lambert93_forward(const double *lon, const double *lat, i64 n, double *out_x, double *out_y)
{
    const Lcc l = lambert93();
    const double e = l.e, nn = l.nn, af = l.af, rho0 = l.rho0, lam0 = l.lam0;
    for (i64 i = 0; i < n; i++) {
        const double rho = af * pow(lcc_t(lat[i] * DEG, e), nn);
        const double theta = nn * (lon[i] * DEG - lam0);
        out_x[i] = 700000.0 + rho * sin(theta);
        out_y[i] = 6600000.0 + rho0 - rho * cos(theta);
    }
}
