/* The engine's loops (see engine.locate and index.py): grid lookup, band distances, reduction
 * of the candidate pairs of boundary points. */
#include <math.h>

#include "georef.h"

/* Leaf code minus one of the fine cell of each point: p >= 0 inside polygon p only, -1 outside
 * (also outside the grid, or not finite), -(k + 2) boundary cell, row k of the candidate lists.
 * Fine cell (ix, iy) = floor((lon - x0) * inv), floor((lat - y0) * inv); level 0 is a dense
 * l0_nx × l0_ny array of level-1 blocks (2**shift1 tiles a side), level 1 (n1 blocks) of
 * level-2 tiles (n2 tiles, 2**shift2 cells a side), -1 meaning empty; level 2 holds the leaf
 * codes: 0 outside, p + 1 inside polygon p < npoly, -(k + 1) candidate row k < ncand. */
int grid_lookup(const double *lon, const double *lat, i64 n, double x0, double y0, double inv,
                i64 shift1, i64 shift2, const int32_t *l0, i64 l0_nx, i64 l0_ny,
                const int32_t *l1, i64 n1, const int32_t *l2, i64 n2, i64 npoly, i64 ncand,
                int32_t *out, i64 *boundary)
{
    const i64 b1 = (i64)1 << shift1, b2 = (i64)1 << shift2;
    const i64 mask1 = b1 - 1, mask2 = b2 - 1, shift = shift1 + shift2;
    const double nx = (double)(l0_nx << shift), ny = (double)(l0_ny << shift);
    i64 count = 0;
    for (i64 i = 0; i < n; i++) {
        const double fx = (lon[i] - x0) * inv;
        const double fy = (lat[i] - y0) * inv;
        int32_t code = -1;
        if (fx >= 0.0 && fy >= 0.0 && fx < nx && fy < ny) { /* NaN fails every comparison */
            const i64 ix = (i64)fx, iy = (i64)fy;
            const i64 block1 = l0[(ix >> shift) * l0_ny + (iy >> shift)];
            if (block1 >= n1 || block1 < -1)
                return GEOREF_BAD_BLOCK;
            if (block1 >= 0) {
                const i64 block2 =
                    l1[(block1 * b1 + ((ix >> shift2) & mask1)) * b1 + ((iy >> shift2) & mask1)];
                if (block2 >= n2 || block2 < -1)
                    return GEOREF_BAD_BLOCK;
                if (block2 >= 0) {
                    const i64 leaf = l2[(block2 * b2 + (ix & mask2)) * b2 + (iy & mask2)];
                    if (leaf > npoly || leaf < -ncand)
                        return GEOREF_BAD_LEAF;
                    code = (int32_t)(leaf - 1);
                    if (code < -1)
                        count++;
                }
            }
        }
        out[i] = code;
    }
    *boundary = count;
    return GEOREF_OK;
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

/* Distance from (x, y) to segments [first, last) (checked by the caller). */
double segments_distance(double x, double y, i64 first, i64 last, const double *sx,
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

/* Distance from point k to the segments cell_seg[lo[k]:hi[k]] (inf when none). */
int pair_distance_near(const double *px, const double *py, i64 n, const i64 *lo, const i64 *hi,
                       const i64 *cell_seg, i64 ncell_seg, const double *sx, const double *sy,
                       i64 nseg, double *out)
{
    for (i64 k = 0; k < n; k++) {
        const i64 a = lo[k], b = hi[k];
        if (a < 0 || b < a || b > ncell_seg)
            return GEOREF_BAD_RANGE;
        double best = INFINITY;
        for (i64 j = a; j < b; j++) {
            const i64 s = cell_seg[j];
            if (s < 0 || s >= nseg)
                return GEOREF_BAD_SEGMENT;
            const double d2 = segment_d2(px[k], py[k], s, sx, sy);
            if (d2 < best)
                best = d2;
        }
        out[k] = sqrt(best);
    }
    return GEOREF_OK;
}

/* Per point (group g: pairs [group_start[g], group_start[g + 1]), polygons in code order):
 * nearest boundary (exact within the band, else NaN/-1), number of containing polygons and the
 * primary one, the deepest (ties: the first, i.e. the smallest code). Depths beyond the band
 * are measured on the polygon's whole boundary, segments [start[p], start[p + 1]). */
int pairs_reduce(const i64 *group_start, i64 ngroups, const i64 *pair_poly, const uint8_t *inside,
                 const double *dist, const double *px, const double *py, i64 npairs, double band,
                 const i64 *start, i64 npoly, const double *sx, const double *sy, i64 nseg,
                 double *out_dist, i64 *out_nearest, i64 *out_primary, i64 *out_count)
{
    for (i64 g = 0; g < ngroups; g++) {
        const i64 a = group_start[g], b = group_start[g + 1];
        if (a < 0 || b < a || b > npairs)
            return GEOREF_BAD_RANGE;
        double best = INFINITY;
        i64 best_p = -1, count = 0, primary = -1;
        for (i64 k = a; k < b; k++) {
            if (pair_poly[k] < 0 || pair_poly[k] >= npoly)
                return GEOREF_BAD_SEGMENT;
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
                if (!inside[k])
                    continue;
                double d = dist[k];
                if (d > band) {
                    const i64 p = pair_poly[k], first = start[p], last = start[p + 1];
                    if (first < 0 || last < first || last > nseg)
                        return GEOREF_BAD_RANGE;
                    d = segments_distance(px[k], py[k], first, last, sx, sy);
                }
                if (d > deepest) {
                    deepest = d;
                    primary = pair_poly[k];
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
    return GEOREF_OK;
}
