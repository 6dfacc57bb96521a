/* quartiers.georef.native._georef: the CPython extension around the compiled loops (engine.c,
 * distances.c, far.c, lines.c), built at install time by setuptools (setup.py, `pip install -e .`).
 *
 * Arrays come through the buffer protocol: each must be C-contiguous, of the expected kind and
 * item size (TypeError otherwise) and of the expected length (ValueError). Values read from the
 * index are checked by the loops themselves: a corrupt index raises ValueError. The GIL is
 * released during each loop, so callers may run halves of a block on two threads. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#include "georef.h"

#define MAX_BUFFERS 24

typedef struct {
    Py_buffer views[MAX_BUFFERS];
    int count;
} Buffers;

static void buffers_release(Buffers *b)
{
    for (int i = 0; i < b->count; i++)
        PyBuffer_Release(&b->views[i]);
    b->count = 0;
}

/* kind: 'f' float64, 's' float32, 'i' signed integer, 'u' unsigned integer, '?' bool. */
static int format_ok(const char *format, char kind, Py_ssize_t itemsize, Py_ssize_t actual)
{
    if (!format)
        format = "B";
    if (*format == '@' || *format == '=' || *format == '<')
        format++;
    if (strlen(format) != 1 || actual != itemsize)
        return 0;
    switch (kind) {
    case 'f':
        return *format == 'd';
    case 's':
        return *format == 'f';
    case 'i':
        return strchr("bhilq", *format) != NULL;
    case 'u':
        return strchr("BHILQ", *format) != NULL;
    default:
        return *format == '?';
    }
}

/* The data of a C-contiguous buffer of obj; its item count in *len (first dimension in *rows,
 * when rows is not NULL). NULL with an exception set on error. */
static void *array_get(Buffers *b, PyObject *obj, char kind, Py_ssize_t itemsize, int writable,
                       const char *name, i64 *len)
{
    Py_buffer *view = &b->views[b->count];
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0) {
        PyErr_Format(PyExc_TypeError, "%s: expected a C-contiguous%s array", name,
                     writable ? " writable" : "");
        return NULL;
    }
    b->count++;
    if (!format_ok(view->format, kind, itemsize, view->itemsize)) {
        PyErr_Format(PyExc_TypeError, "%s: wrong dtype (format %s, %zd bytes)", name,
                     view->format ? view->format : "B", view->itemsize);
        return NULL;
    }
    if (len)
        *len = (i64)(view->len / itemsize);
    return view->buf;
}

static Py_ssize_t dim(Buffers *b, int which, int axis)
{
    Py_buffer *view = &b->views[which];
    return axis < view->ndim ? view->shape[axis] : -1;
}

static PyObject *length_error(const char *what)
{
    PyErr_Format(PyExc_ValueError, "%s", what);
    return NULL;
}

static PyObject *status_error(int status)
{
    switch (status) {
    case GEOREF_BAD_BLOCK:
        return length_error("corrupt georef index: a grid block number out of range");
    case GEOREF_BAD_LEAF:
        return length_error("corrupt georef index: a leaf code out of range");
    case GEOREF_BAD_RANGE:
        return length_error("corrupt georef index: an offset range out of bounds");
    case GEOREF_BAD_SEGMENT:
        return length_error("corrupt georef index: a segment or polygon number out of range");
    case GEOREF_BAD_ROW:
        return length_error("record offsets or table key out of range");
    case GEOREF_TOO_SMALL:
        return length_error("output buffer too small");
    default:
        return PyErr_NoMemory();
    }
}

/* array_get, and the array must hold exactly ``expected`` items (ValueError otherwise). */
static void *array_sized(Buffers *b, PyObject *obj, char kind, Py_ssize_t itemsize, int writable,
                         const char *name, i64 expected)
{
    i64 len;
    void *data = array_get(b, obj, kind, itemsize, writable, name, &len);
    if (data && len != expected) {
        PyErr_Format(PyExc_ValueError, "arrays of different lengths: %s holds %lld items, not %lld",
                     name, (long long)len, (long long)expected);
        return NULL;
    }
    return data;
}

/* The argument checks of every wrapper: GET(var, type, obj, kind, writable, &len) declares
 * ``type *var`` on the buffer of obj (C-contiguous, of the kind and item size of type: TypeError
 * otherwise) and stores its item count; SIZED(..., expected) requires that count instead. On
 * failure both jump to the wrapper's ``fail`` label with the exception set. */
#define GET(var, type, obj, kind, writable, len)                                                  \
    type *var = array_get(&b, obj, kind, sizeof(type), writable, #var, len);                    \
    if (!var)                                                                                   \
        goto fail;
#define SIZED(var, type, obj, kind, writable, expected)                                           \
    type *var = array_sized(&b, obj, kind, sizeof(type), writable, #var, expected);             \
    if (!var)                                                                                   \
        goto fail;

static PyObject *py_grid_lookup(PyObject *self, PyObject *args)
{
    PyObject *olon, *olat, *ol0, *ol1, *ol2, *oout;
    double x0, y0, inv;
    long long shift1, shift2, npoly, ncand;
    if (!PyArg_ParseTuple(args, "OOdddLLOOOLLO", &olon, &olat, &x0, &y0, &inv, &shift1,
                          &shift2, &ol0, &ol1, &ol2, &npoly, &ncand, &oout))
        return NULL;
    Buffers b = {.count = 0};
    PyObject *result = NULL;
    i64 n, n0, n1, n2, boundary = 0;
    GET(lon, const double, olon, 'f', 0, &n);
    SIZED(lat, const double, olat, 'f', 0, n);
    GET(l0, const int32_t, ol0, 'i', 0, &n0);
    GET(l1, const int32_t, ol1, 'i', 0, &n1);
    GET(l2, const int32_t, ol2, 'i', 0, &n2);
    SIZED(out, int32_t, oout, 'i', 1, n);
    if (shift1 < 0 || shift2 < 0 || shift1 + shift2 > 24 || b.views[2].ndim != 2 ||
        b.views[3].ndim != 3 || b.views[4].ndim != 3 || dim(&b, 3, 1) != (1 << shift1) ||
        dim(&b, 3, 2) != (1 << shift1) || dim(&b, 4, 1) != (1 << shift2) ||
        dim(&b, 4, 2) != (1 << shift2) || dim(&b, 2, 0) > ((i64)1 << 30) ||
        dim(&b, 2, 1) > ((i64)1 << 30) || npoly < 0 || ncand < 0) {
        length_error("corrupt georef index: grid levels of the wrong shape");
        goto fail;
    }
    int status;
    Py_BEGIN_ALLOW_THREADS;
    status = grid_lookup(lon, lat, n, x0, y0, inv, shift1, shift2, l0, dim(&b, 2, 0),
                         dim(&b, 2, 1), l1, dim(&b, 3, 0), l2, dim(&b, 4, 0), npoly, ncand, out,
                         &boundary);
    Py_END_ALLOW_THREADS;
    result = status ? status_error(status) : PyLong_FromLongLong(boundary);
fail:
    buffers_release(&b);
    return result;
}

static PyObject *py_status_finalize(PyObject *self, PyObject *args)
{
    PyObject *olon, *olat, *oprimary, *odistance, *oout;
    double tolerance;
    if (!PyArg_ParseTuple(args, "OOOOdO", &olon, &olat, &oprimary, &odistance, &tolerance, &oout))
        return NULL;
    Buffers b = {.count = 0};
    PyObject *result = NULL;
    i64 n;
    GET(lon, const double, olon, 'f', 0, &n);
    SIZED(lat, const double, olat, 'f', 0, n);
    SIZED(primary, const int32_t, oprimary, 'i', 0, n);
    SIZED(distance, const double, odistance, 'f', 0, n);
    SIZED(out, int8_t, oout, 'i', 1, n);
    Py_BEGIN_ALLOW_THREADS;
    status_finalize(lon, lat, primary, distance, n, tolerance, out);
    Py_END_ALLOW_THREADS;
    result = Py_NewRef(Py_None);
fail:
    buffers_release(&b);
    return result;
}

static PyObject *py_pair_distance_near(PyObject *self, PyObject *args)
{
    PyObject *opx, *opy, *olo, *ohi, *ocell_seg, *osx, *osy, *oout;
    if (!PyArg_ParseTuple(args, "OOOOOOOO", &opx, &opy, &olo, &ohi, &ocell_seg, &osx, &osy,
                          &oout))
        return NULL;
    Buffers b = {.count = 0};
    PyObject *result = NULL;
    i64 n, ncell_seg, nsx;
    GET(px, const double, opx, 'f', 0, &n);
    SIZED(py, const double, opy, 'f', 0, n);
    SIZED(lo, const i64, olo, 'i', 0, n);
    SIZED(hi, const i64, ohi, 'i', 0, n);
    GET(cell_seg, const i64, ocell_seg, 'i', 0, &ncell_seg);
    GET(sx, const double, osx, 'f', 0, &nsx);
    SIZED(sy, const double, osy, 'f', 0, nsx);
    SIZED(out, double, oout, 'f', 1, n);
    if (nsx % 2) {
        length_error("arrays of different lengths");
        goto fail;
    }
    int status;
    Py_BEGIN_ALLOW_THREADS;
    status = pair_distance_near(px, py, n, lo, hi, cell_seg, ncell_seg, sx, sy, nsx / 2, out);
    Py_END_ALLOW_THREADS;
    result = status ? status_error(status) : Py_NewRef(Py_None);
fail:
    buffers_release(&b);
    return result;
}

static PyObject *py_pairs_reduce(PyObject *self, PyObject *args)
{
    PyObject *ogs, *opoly, *oinside, *odist, *opx, *opy, *ostart, *osx, *osy;
    PyObject *oout_dist, *oout_nearest, *oout_primary, *oout_count;
    double band;
    if (!PyArg_ParseTuple(args, "OOOOOOdOOOOOOO", &ogs, &opoly, &oinside, &odist, &opx, &opy,
                          &band, &ostart, &osx, &osy, &oout_dist, &oout_nearest, &oout_primary,
                          &oout_count))
        return NULL;
    Buffers b = {.count = 0};
    PyObject *result = NULL;
    i64 ngs, npairs, nstart, nsx;
    GET(group_start, const i64, ogs, 'i', 0, &ngs);
    GET(pair_poly, const i64, opoly, 'i', 0, &npairs);
    SIZED(inside, const uint8_t, oinside, '?', 0, npairs);
    SIZED(dist, const double, odist, 'f', 0, npairs);
    SIZED(px, const double, opx, 'f', 0, npairs);
    SIZED(py, const double, opy, 'f', 0, npairs);
    GET(start, const i64, ostart, 'i', 0, &nstart);
    GET(sx, const double, osx, 'f', 0, &nsx);
    SIZED(sy, const double, osy, 'f', 0, nsx);
    const i64 groups = ngs - 1;
    SIZED(out_dist, double, oout_dist, 'f', 1, groups);
    SIZED(out_nearest, i64, oout_nearest, 'i', 1, groups);
    SIZED(out_primary, i64, oout_primary, 'i', 1, groups);
    SIZED(out_count, i64, oout_count, 'i', 1, groups);
    if (ngs < 1 || nstart < 1 || nsx % 2) {
        length_error("arrays of different lengths");
        goto fail;
    }
    int status;
    Py_BEGIN_ALLOW_THREADS;
    status = pairs_reduce(group_start, groups, pair_poly, inside, dist, px, py, npairs, band,
                          start, nstart - 1, sx, sy, nsx / 2, out_dist, out_nearest, out_primary,
                          out_count);
    Py_END_ALLOW_THREADS;
    result = status ? status_error(status) : Py_NewRef(Py_None);
fail:
    buffers_release(&b);
    return result;
}

static PyObject *py_lines_parse(PyObject *self, PyObject *args)
{
    PyObject *obuf, *ostarts, *oends, *olon, *olat, *oflags;
    long long n, delim, nfields, ilon, ilat, base;
    int check_semicolon;
    if (!PyArg_ParseTuple(args, "OLLLLLpLOOOOO", &obuf, &n, &delim, &nfields, &ilon, &ilat,
                          &check_semicolon, &base, &ostarts, &oends, &olon, &olat, &oflags))
        return NULL;
    Buffers b = {.count = 0};
    PyObject *result = NULL;
    i64 size;
    GET(buf, const uint8_t, obuf, 'u', 0, &size);
    SIZED(starts, i64, ostarts, 'i', 1, n);
    SIZED(ends, i64, oends, 'i', 1, n);
    SIZED(lon, double, olon, 'f', 1, n);
    SIZED(lat, double, olat, 'f', 1, n);
    SIZED(flags, uint8_t, oflags, 'u', 1, n);
    if (n < 0) {
        length_error("outputs of the wrong length");
        goto fail;
    }
    if (delim < 0 || delim > 255) {
        length_error("delimiter must be one byte");
        goto fail;
    }
    int code;
    Py_BEGIN_ALLOW_THREADS;
    code = lines_parse(buf, size, n, delim, nfields, ilon, ilat, check_semicolon, base, starts,
                       ends, lon, lat, flags);
    Py_END_ALLOW_THREADS;
    result = PyLong_FromLong(code);
fail:
    buffers_release(&b);
    return result;
}

static PyObject *py_lines_write(PyObject *self, PyObject *args)
{
    PyObject *obuf, *ostarts, *oends, *oflags, *oprimary, *ostatus, *oprefix_bytes, *oprefix_off;
    PyObject *odistance, *olon, *olat, *oremark, *osuffix_bytes, *osuffix_off, *oslow_rows;
    PyObject *oslow_bytes, *oslow_off, *oout;
    long long delim, nstatus;
    if (!PyArg_ParseTuple(args, "OLOOOOOLOOOOOOOOOOOO", &obuf, &delim, &ostarts, &oends, &oflags,
                          &oprimary,
                          &ostatus, &nstatus, &oprefix_bytes, &oprefix_off, &odistance, &olon,
                          &olat, &oremark, &osuffix_bytes, &osuffix_off, &oslow_rows,
                          &oslow_bytes, &oslow_off, &oout))
        return NULL;
    Buffers b = {.count = 0};
    PyObject *result = NULL;
    i64 size, n, npb, npo, nsb, nso, nslow, nslb, nout;
    GET(buf, const uint8_t, obuf, 'u', 0, &size);
    GET(starts, const i64, ostarts, 'i', 0, &n);
    SIZED(ends, const i64, oends, 'i', 0, n);
    SIZED(flags, const uint8_t, oflags, 'u', 0, n);
    SIZED(primary, const int32_t, oprimary, 'i', 0, n);
    SIZED(status, const int8_t, ostatus, 'i', 0, n);
    GET(prefix_bytes, const uint8_t, oprefix_bytes, 'u', 0, &npb);
    GET(prefix_off, const i64, oprefix_off, 'i', 0, &npo);
    SIZED(distance, const double, odistance, 'f', 0, n);
    SIZED(lon, const double, olon, 'f', 0, n);
    SIZED(lat, const double, olat, 'f', 0, n);
    SIZED(remark, const int8_t, oremark, 'i', 0, n);
    GET(suffix_bytes, const uint8_t, osuffix_bytes, 'u', 0, &nsb);
    GET(suffix_off, const i64, osuffix_off, 'i', 0, &nso);
    GET(slow_rows, const i64, oslow_rows, 'i', 0, &nslow);
    GET(slow_bytes, const uint8_t, oslow_bytes, 'u', 0, &nslb);
    SIZED(slow_off, const i64, oslow_off, 'i', 0, nslow + 1);
    GET(out, uint8_t, oout, 'u', 1, &nout);
    if (npo < 1 || nso < 1 || nstatus < 1 || delim < 0 || delim > 255) {
        length_error("row arrays of different lengths");
        goto fail;
    }
    int code;
    i64 written = 0;
    Py_BEGIN_ALLOW_THREADS;
    code = lines_write(buf, size, delim, n, starts, ends, flags, primary, status, nstatus,
                       prefix_bytes, npb, prefix_off, npo - 1, distance, lon, lat, remark,
                       suffix_bytes, nsb, suffix_off, nso - 1, slow_rows, nslow, slow_bytes, nslb,
                       slow_off, out, nout, &written);
    Py_END_ALLOW_THREADS;
    result = code ? status_error(code) : PyLong_FromLongLong(written);
fail:
    buffers_release(&b);
    return result;
}

static PyObject *py_cell_candidates(PyObject *self, PyObject *args)
{
    PyObject *occx, *occy, *ocx, *obox, *ocell_start, *ocell_item;
    double radius, half_width;
    int fill;
    if (!PyArg_ParseTuple(args, "OOdOOdOOp", &occx, &occy, &radius, &ocx, &obox, &half_width,
                          &ocell_start, &ocell_item, &fill))
        return NULL;
    Buffers b = {.count = 0};
    PyObject *result = NULL;
    i64 ncells, m, nitem;
    GET(ccx, const double, occx, 'f', 0, &ncells);
    SIZED(ccy, const double, occy, 'f', 0, ncells);
    GET(cx, const double, ocx, 'f', 0, &m);
    SIZED(box, const double, obox, 'f', 0, 4 * m);
    SIZED(cell_start, i64, ocell_start, 'i', !fill, ncells + 1);
    GET(cell_item, i64, ocell_item, 'i', 1, &nitem);
    int status;
    Py_BEGIN_ALLOW_THREADS;
    status = cell_candidates(ccx, ccy, ncells, radius, cx, box, m, half_width, cell_start,
                             cell_item, nitem, fill);
    Py_END_ALLOW_THREADS;
    result = status ? status_error(status) : Py_NewRef(Py_None);
fail:
    buffers_release(&b);
    return result;
}

static PyObject *py_nearest_boundary(PyObject *self, PyObject *args)
{
    PyObject *opx, *opy, *ocell_start, *ocell_item, *ocx, *obox, *ofirst, *olast, *opoly;
    PyObject *osx, *osy, *oout_d, *oout_p;
    double gx0, gy0, size, half_width;
    long long nx, ny;
    if (!PyArg_ParseTuple(args, "OOdddLLOOOOOOOdOOOO", &opx, &opy, &gx0, &gy0, &size, &nx, &ny,
                          &ocell_start, &ocell_item, &ocx, &obox, &ofirst, &olast, &opoly,
                          &half_width, &osx, &osy, &oout_d, &oout_p))
        return NULL;
    Buffers b = {.count = 0};
    PyObject *result = NULL;
    i64 n, nstart, nitem, m, nsx;
    GET(px, const double, opx, 'f', 0, &n);
    SIZED(py, const double, opy, 'f', 0, n);
    GET(cell_start, const i64, ocell_start, 'i', 0, &nstart);
    GET(cell_item, const i64, ocell_item, 'i', 0, &nitem);
    GET(cx, const double, ocx, 'f', 0, &m);
    SIZED(box, const double, obox, 'f', 0, 4 * m);
    SIZED(first, const i64, ofirst, 'i', 0, m);
    SIZED(last, const i64, olast, 'i', 0, m);
    SIZED(poly, const i64, opoly, 'i', 0, m);
    GET(sx, const double, osx, 'f', 0, &nsx);
    SIZED(sy, const double, osy, 'f', 0, nsx);
    SIZED(out_d, double, oout_d, 'f', 1, n);
    SIZED(out_p, i64, oout_p, 'i', 1, n);
    if (nsx % 2 || nx < 0 || ny < 0 || (ny > 0 && nx > (INT64_MAX - 1) / ny) ||
        nstart != nx * ny + 1 || !(size > 0.0)) {
        length_error("arrays of different lengths");
        goto fail;
    }
    int status;
    Py_BEGIN_ALLOW_THREADS;
    status = nearest_boundary(px, py, n, gx0, gy0, size, nx, ny, cell_start, cell_item, nitem,
                              cx, box, first, last, poly, m, half_width, sx, sy, nsx / 2, out_d,
                              out_p);
    Py_END_ALLOW_THREADS;
    result = status ? status_error(status) : Py_NewRef(Py_None);
fail:
    buffers_release(&b);
    return result;
}

/* The grid of distances.c has nx × ny cells: nx, ny positive and their product an array size. */
static int grid_ok(long long nx, long long ny, double size)
{
    return nx > 0 && ny > 0 && nx <= (INT64_MAX - 1) / ny && size > 0.0 && isfinite(size);
}

static PyObject *py_cell_segments(PyObject *self, PyObject *args)
{
    PyObject *occx, *occy, *ocell_start, *ocell_item, *obox, *ofirst, *olast, *osx, *osy;
    PyObject *oseg_start, *oseg_id, *oseg_low;
    double radius;
    int fill;
    if (!PyArg_ParseTuple(args, "OOdOOOOOOOOOOp", &occx, &occy, &radius, &ocell_start,
                          &ocell_item, &obox, &ofirst, &olast, &osx, &osy, &oseg_start, &oseg_id,
                          &oseg_low, &fill))
        return NULL;
    Buffers b = {.count = 0};
    PyObject *result = NULL;
    i64 ncells, nitem, m, nsx, nlist;
    GET(ccx, const double, occx, 'f', 0, &ncells);
    SIZED(ccy, const double, occy, 'f', 0, ncells);
    SIZED(cell_start, const i64, ocell_start, 'i', 0, ncells + 1);
    GET(cell_item, const i64, ocell_item, 'i', 0, &nitem);
    GET(first, const i64, ofirst, 'i', 0, &m);
    SIZED(box, const double, obox, 'f', 0, 4 * m);
    SIZED(last, const i64, olast, 'i', 0, m);
    GET(sx, const double, osx, 'f', 0, &nsx);
    SIZED(sy, const double, osy, 'f', 0, nsx);
    SIZED(seg_start, i64, oseg_start, 'i', 1, ncells + 1);
    GET(seg_id, int32_t, oseg_id, 'i', 1, &nlist);
    SIZED(seg_low, float, oseg_low, 's', 1, nlist);
    if (nsx % 2 || nsx / 2 > INT32_MAX || !(radius >= 0.0)) {
        length_error("arrays of different lengths");
        goto fail;
    }
    int status;
    Py_BEGIN_ALLOW_THREADS;
    status = cell_segments(ccx, ccy, ncells, radius, cell_start, cell_item, nitem, box, first,
                           last, m, sx, sy, nsx / 2, seg_start, seg_id, seg_low, nlist, fill);
    Py_END_ALLOW_THREADS;
    result = status ? status_error(status) : Py_NewRef(Py_None);
fail:
    buffers_release(&b);
    return result;
}

static PyObject *py_nearest_segment(PyObject *self, PyObject *args)
{
    PyObject *opx, *opy, *oseg_start, *oseg_id, *oseg_low, *oowner, *osx, *osy;
    PyObject *oout_d, *oout_p, *odone;
    double gx0, gy0, size;
    long long nx, ny, npoly;
    if (!PyArg_ParseTuple(args, "OOdddLLOOOOOOLOOO", &opx, &opy, &gx0, &gy0, &size, &nx, &ny,
                          &oseg_start, &oseg_id, &oseg_low, &oowner, &osx, &osy, &npoly,
                          &oout_d, &oout_p, &odone))
        return NULL;
    Buffers b = {.count = 0};
    PyObject *result = NULL;
    i64 n, nstart, nlist, nsx;
    GET(px, const double, opx, 'f', 0, &n);
    SIZED(py, const double, opy, 'f', 0, n);
    GET(seg_start, const i64, oseg_start, 'i', 0, &nstart);
    GET(seg_id, const int32_t, oseg_id, 'i', 0, &nlist);
    SIZED(seg_low, const float, oseg_low, 's', 0, nlist);
    GET(sx, const double, osx, 'f', 0, &nsx);
    SIZED(sy, const double, osy, 'f', 0, nsx);
    SIZED(owner, const int32_t, oowner, 'i', 0, nsx / 2);
    SIZED(out_d, double, oout_d, 'f', 1, n);
    SIZED(out_p, i64, oout_p, 'i', 1, n);
    SIZED(done, uint8_t, odone, '?', 1, n);
    if (nsx % 2 || npoly < 0) {
        length_error("arrays of different lengths");
        goto fail;
    }
    if (!grid_ok(nx, ny, size) || nstart != nx * ny + 1) {
        length_error("corrupt georef index: distance grid of the wrong shape");
        goto fail;
    }
    int status;
    Py_BEGIN_ALLOW_THREADS;
    status = nearest_segment(px, py, n, gx0, gy0, size, nx, ny, seg_start, seg_id, seg_low,
                             nlist, owner, sx, sy, nsx / 2, npoly, out_d, out_p, done);
    Py_END_ALLOW_THREADS;
    result = status ? status_error(status) : Py_NewRef(Py_None);
fail:
    buffers_release(&b);
    return result;
}

/* lambert93_forward and lambert93_inverse: (a, b) → (out_a, out_b), four float64 arrays. */
static PyObject *projection(PyObject *args, void (*project)(const double *, const double *, i64,
                                                            double *, double *))
{
    PyObject *olon, *olat, *oout_x, *oout_y;
    if (!PyArg_ParseTuple(args, "OOOO", &olon, &olat, &oout_x, &oout_y))
        return NULL;
    Buffers b = {.count = 0};
    PyObject *result = NULL;
    i64 n;
    GET(lon, const double, olon, 'f', 0, &n);
    SIZED(lat, const double, olat, 'f', 0, n);
    SIZED(out_x, double, oout_x, 'f', 1, n);
    SIZED(out_y, double, oout_y, 'f', 1, n);
    Py_BEGIN_ALLOW_THREADS;
    project(lon, lat, n, out_x, out_y);
    Py_END_ALLOW_THREADS;
    result = Py_NewRef(Py_None);
fail:
    buffers_release(&b);
    return result;
}

static PyObject *py_lambert93_forward(PyObject *self, PyObject *args)
{
    return projection(args, lambert93_forward);
}

static PyObject *py_lambert93_inverse(PyObject *self, PyObject *args)
{
    return projection(args, lambert93_inverse);
}

#define METHOD(name, doc) {#name, py_##name, METH_VARARGS, doc}

static PyMethodDef methods[] = {
    METHOD(grid_lookup, "grid_lookup(lon, lat, x0, y0, inv, shift1, shift2, l0, l1, l2, npoly, "
                        "ncand, out) -> number of boundary points"),
    METHOD(status_finalize, "status_finalize(lon, lat, primary, distance, tolerance, out)"),
    METHOD(pair_distance_near, "pair_distance_near(px, py, lo, hi, cell_seg, sx, sy, out)"),
    METHOD(pairs_reduce, "pairs_reduce(group_start, pair_poly, inside, dist, px, py, band, "
                         "start, sx, sy, out_dist, out_nearest, out_primary, out_count)"),
    METHOD(lines_parse, "lines_parse(buf, n, delim, nfields, ilon, ilat, check_semicolon, "
                        "base, starts, ends, lon, lat, flags) -> 0, or 1: the block needs "
                        "the generic path"),
    METHOD(lines_write, "lines_write(buf, delim, starts, ends, flags, primary, status, nstatus, "
                        "prefix_bytes, prefix_off, distance, lon, lat, remark, suffix_bytes, "
                        "suffix_off, slow_rows, slow_bytes, slow_off, out) -> bytes written"),
    METHOD(cell_candidates, "cell_candidates(ccx, ccy, radius, cx, box, half_width, "
                            "cell_start, cell_item, fill)"),
    METHOD(nearest_boundary, "nearest_boundary(px, py, gx0, gy0, size, nx, ny, cell_start, "
                             "cell_item, cx, box, first, last, poly, half_width, sx, sy, "
                             "out_d, out_p)"),
    METHOD(cell_segments, "cell_segments(ccx, ccy, radius, cell_start, cell_item, box, first, "
                          "last, sx, sy, seg_start, seg_id, seg_low, fill)"),
    METHOD(nearest_segment, "nearest_segment(px, py, gx0, gy0, size, nx, ny, seg_start, "
                            "seg_id, seg_low, owner, sx, sy, npoly, out_d, out_p, done)"),
    METHOD(lambert93_forward, "lambert93_forward(lon, lat, out_x, out_y)"),
    METHOD(lambert93_inverse, "lambert93_inverse(x, y, out_lon, out_lat)"),
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_georef",
    "Compiled loops of the georef engine and of the CSV fast path (see georef.h).", -1, methods,
};

PyMODINIT_FUNC PyInit__georef(void) { return PyModule_Create(&module); }
