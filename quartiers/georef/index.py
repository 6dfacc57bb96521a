"""The georef spatial index: a sparse three-level grid over WGS84 lon/lat.

Fine cells are squares of ``1 / cells_per_degree`` degrees (default 1/2048°, about 34 m × 54 m in
the Nord). Each fine cell carries a leaf code:

* ``0``: no contour and no contour boundary within ``band_m`` metres of the cell → outside;
* ``p + 1``: the cell is inside polygon ``p`` only, and no boundary lies within ``band_m`` metres;
* ``-(k + 1)``: a "boundary" cell, row ``k`` of a candidate list (CSR): the polygons whose boundary
  passes within ``band_m`` metres of the cell, plus those containing it. Points there get shapely's
  exact test and an exact distance.

Why the lookup is exact: a cell is only answered from the table when no boundary passes within a
margin (≥ ``band_m`` metres, and far more than floating-point rounding) of it, so the whole
(expanded) cell is on one side of every boundary and shares the answer of its centre, which is
tested with shapely when the index is built. Cells are grouped in blocks of ``b2 × b2`` (tiles)
and tiles in blocks of ``b1 × b1`` (one-degree squares by default); empty blocks cost nothing,
so the same structure serves the Nord and France with its overseas territories.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from quartiers.georef.contours import Segments, contour_prepare, metric_crs_for, segments_extract

# Metres per degree, lower bounds: latitude (at the equator, GRS80) and longitude at the equator
# (semi-major axis): margins computed with them are never too small.
_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON_EQ = 111_319.49
# Covers the scale error of Lambert-93 (< 0.3 %) and of UTM (< 0.04 %) with room to spare.
_MARGIN_SAFETY = 1.05
# Absolute extra margin in degrees (about 0.1 mm), far above floating-point rounding.
_MARGIN_EPS_DEG = 1e-9


@dataclass(eq=False)
class GeorefIndex:
    """Everything needed to locate points against the contours of one generation."""

    generation: int
    codes: np.ndarray  # (npoly,) str, sorted: polygon index order is code order
    geoms: np.ndarray  # (npoly,) prepared shapely MultiPolygons, WGS84
    crs: np.ndarray  # (npoly,) metric CRS of each polygon ("EPSG:2154", UTM…)
    crs_names: tuple[str, ...]  # the distinct CRS
    crs_code: np.ndarray  # (npoly,) int: position of crs[p] in crs_names
    segments: Segments
    band_m: float
    x0: float
    y0: float
    cells_per_degree: int
    shift1: int  # log2(b1)
    shift2: int  # log2(b2)
    l0: np.ndarray
    l1: np.ndarray
    l2: np.ndarray
    cand_start: np.ndarray  # (ncomplex + 1,) int64
    cand_poly: np.ndarray  # int32
    # Segments of candidate cand_poly[k] within the margin of its cell:
    # cell_seg[cand_seg_lo[k]:cand_seg_hi[k]] (empty when the polygon only contains the cell).
    cand_seg_lo: np.ndarray  # int64, like cand_poly
    cand_seg_hi: np.ndarray  # int64
    cell_seg: np.ndarray  # int64 indices into segments
    build_seconds: float = 0.0
    _sweeps: dict = field(default_factory=dict, repr=False)  # metric CRS → sweep arrays (lazy)

    @property
    def nbytes(self) -> int:
        """Bytes held by the lookup arrays and segments (the shapely contours not included)."""
        arrays = [self.l0, self.l1, self.l2, self.cand_start, self.cand_poly, self.cell_seg]
        arrays += [self.cand_seg_lo, self.cand_seg_hi]
        arrays += [self.segments.lon, self.segments.lat, self.segments.x, self.segments.y]
        return sum(a.nbytes for a in arrays)

    def __len__(self) -> int:
        return len(self.codes)


def index_build(
    contours: Sequence[tuple[str, BaseGeometry]],
    *,
    generation: int,
    band_m: float = 10.0,
    cells_per_degree: int = 2048,
    b1: int = 64,
    b2: int = 32,
) -> GeorefIndex:
    """Build the index for one generation from (code, WGS84 (Multi)Polygon) pairs.

    ``b1`` and ``b2`` must be powers of two (the lookup shifts and masks); with the defaults a
    fine cell is 1/2048° and a level-1 block one degree.
    """
    started = time.perf_counter()
    if b1 & (b1 - 1) or b2 & (b2 - 1):
        raise ValueError("b1 and b2 must be powers of two")
    if band_m < 0:
        raise ValueError("band_m must be >= 0")
    if not contours:
        raise ValueError("no contour to index")
    codes, geoms = contours_ordered(contours)
    centroids = shapely.centroid(geoms)
    crs = np.array([metric_crs_for(c.x, c.y) if not c.is_empty else "EPSG:2154" for c in centroids])
    segments = segments_extract(geoms, crs.tolist())
    shapely.prepare(geoms)

    bounds = shapely.bounds(geoms)
    span_deg = b1 * b2 / cells_per_degree
    x0 = math.floor(np.nanmin(bounds[:, 0]) / span_deg - 1) * span_deg
    y0 = math.floor(np.nanmin(bounds[:, 1]) / span_deg - 1) * span_deg
    nx0 = math.ceil((np.nanmax(bounds[:, 2]) - x0) / span_deg) + 1
    ny0 = math.ceil((np.nanmax(bounds[:, 3]) - y0) / span_deg) + 1
    ny = ny0 * b1 * b2  # fine cells along y; cell key = ix * ny + iy

    margin_lon, margin_lat = _margins(bounds, band_m)
    grid = _Grid(x0=x0, y0=y0, inv=cells_per_degree, ny=ny)
    seg_keys, seg_ids = _boundary_segments(segments, grid, margin_lon, margin_lat)
    boundary_keys, boundary_poly = _boundary_cells(seg_keys, seg_ids, segments.start)
    inside_keys, inside_poly = _inside_cells(
        geoms, bounds, boundary_keys, boundary_poly, grid, margin_lon, margin_lat
    )
    leaf_keys, leaf_codes, cand_start, cand_poly = _leaves(
        boundary_keys, boundary_poly, inside_keys, inside_poly
    )
    l0, l1, l2 = _blocks(leaf_keys, leaf_codes, ny, (nx0, ny0), b1, b2)
    cand_key = np.repeat(leaf_keys[leaf_codes < 0], np.diff(cand_start))
    cell_seg, cand_seg_lo, cand_seg_hi = _cell_segments(
        seg_keys, seg_ids, cand_key, cand_poly, segments.start
    )
    return GeorefIndex(
        generation=generation,
        codes=codes,
        geoms=geoms,
        crs=crs,
        crs_names=tuple(np.unique(crs).tolist()),
        crs_code=np.unique(crs, return_inverse=True)[1],
        segments=segments,
        band_m=float(band_m),
        x0=x0,
        y0=y0,
        cells_per_degree=cells_per_degree,
        shift1=b1.bit_length() - 1,
        shift2=b2.bit_length() - 1,
        l0=l0,
        l1=l1,
        l2=l2,
        cand_start=cand_start,
        cand_poly=cand_poly,
        cand_seg_lo=cand_seg_lo,
        cand_seg_hi=cand_seg_hi,
        cell_seg=cell_seg,
        build_seconds=time.perf_counter() - started,
    )


def contours_ordered(
    contours: Sequence[tuple[str, BaseGeometry]],
) -> tuple[np.ndarray, np.ndarray]:
    """Codes and valid polygonal contours in code order (the index's polygon order)."""
    ordered = sorted(contours, key=lambda item: item[0])
    codes = np.array([code for code, _ in ordered])
    if len(set(codes.tolist())) != len(codes):
        raise ValueError("duplicate QPV codes")
    return codes, np.array([contour_prepare(geom) for _, geom in ordered], dtype=object)


def _margins(bounds: np.ndarray, band_m: float) -> tuple[np.ndarray, float]:
    """The band in degrees of longitude (per polygon, at its highest latitude) and latitude,
    never smaller than the band in metres measured in Lambert-93 or UTM."""
    max_abs_lat = np.maximum(np.abs(bounds[:, 1]), np.abs(bounds[:, 3]))
    metres = max(band_m, 0.0) * _MARGIN_SAFETY
    margin_lat = metres / _M_PER_DEG_LAT + _MARGIN_EPS_DEG
    cos_lat = np.cos(np.radians(np.minimum(np.nan_to_num(max_abs_lat) + 0.01, 89.0)))
    return metres / (_M_PER_DEG_LON_EQ * cos_lat) + _MARGIN_EPS_DEG, margin_lat


def _boundary_cells(
    seg_keys: np.ndarray, seg_ids: np.ndarray, start: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(cell key, polygon) pairs of the boundary cells, unique, sorted by polygon then cell."""
    seg_poly = np.repeat(np.arange(len(start) - 1), np.diff(start))[seg_ids]
    nkey = np.int64(seg_keys.max() + 1) if len(seg_keys) else np.int64(1)
    combined = np.unique(seg_poly * nkey + seg_keys)
    return combined % nkey, (combined // nkey).astype(np.int32)


@dataclass(frozen=True)
class _Grid:
    x0: float
    y0: float
    inv: int  # fine cells per degree
    ny: int

    def cell_floor(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (
            np.floor((lon - self.x0) * self.inv).astype(np.int64),
            np.floor((lat - self.y0) * self.inv).astype(np.int64),
        )


def _boundary_segments(
    seg: Segments, grid: _Grid, margin_lon: np.ndarray, margin_lat: float
) -> tuple[np.ndarray, np.ndarray]:
    """(cell key, segment) of every cell within the margin of a boundary segment, unique.

    Each segment is cut into pieces no longer than a cell; the cells met by the bounding box of
    each piece, widened by the margin, are marked: a superset of the cells within the margin.
    """
    nseg = len(seg.lon)
    seg_poly = np.repeat(np.arange(len(seg.start) - 1), np.diff(seg.start))
    dlon = seg.lon[:, 1] - seg.lon[:, 0]
    dlat = seg.lat[:, 1] - seg.lat[:, 0]
    pieces = np.maximum(1, np.ceil(np.maximum(np.abs(dlon), np.abs(dlat)) * grid.inv)).astype(
        np.int64
    )
    piece_seg = np.repeat(np.arange(nseg), pieces)
    k = np.arange(len(piece_seg)) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    t0 = k / pieces[piece_seg]
    t1 = (k + 1) / pieces[piece_seg]
    lon_a = seg.lon[piece_seg, 0] + t0 * dlon[piece_seg]
    lon_b = seg.lon[piece_seg, 0] + t1 * dlon[piece_seg]
    lat_a = seg.lat[piece_seg, 0] + t0 * dlat[piece_seg]
    lat_b = seg.lat[piece_seg, 0] + t1 * dlat[piece_seg]
    mlon = margin_lon[seg_poly[piece_seg]]
    ix_lo, iy_lo = grid.cell_floor(
        np.minimum(lon_a, lon_b) - mlon, np.minimum(lat_a, lat_b) - margin_lat
    )
    ix_hi, iy_hi = grid.cell_floor(
        np.maximum(lon_a, lon_b) + mlon, np.maximum(lat_a, lat_b) + margin_lat
    )
    width = ix_hi - ix_lo + 1
    height = iy_hi - iy_lo + 1
    count = width * height
    rec_piece = np.repeat(np.arange(len(piece_seg)), count)
    j = np.arange(len(rec_piece)) - np.repeat(np.cumsum(count) - count, count)
    ix = ix_lo[rec_piece] + j // height[rec_piece]
    iy = iy_lo[rec_piece] + j % height[rec_piece]
    seg_id = piece_seg[rec_piece]
    key = ix * grid.ny + iy
    combined = np.unique(key * nseg + seg_id)  # sorted by cell, then segment (so polygon)
    return combined // nseg, combined % nseg


def _cell_segments(
    seg_keys: np.ndarray,
    seg_ids: np.ndarray,
    cand_key: np.ndarray,
    cand_poly: np.ndarray,
    start: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each candidate (cell, polygon), the range of its segments near that cell."""
    nseg = np.int64(start[-1])
    combined = seg_keys * nseg + seg_ids  # already sorted (see _boundary_segments)
    lo = np.searchsorted(combined, cand_key * nseg + start[cand_poly])
    hi = np.searchsorted(combined, cand_key * nseg + start[cand_poly.astype(np.int64) + 1])
    return seg_ids.astype(np.int64), lo.astype(np.int64), hi.astype(np.int64)


def _inside_cells(
    geoms: np.ndarray,
    bounds: np.ndarray,
    boundary_keys: np.ndarray,
    boundary_poly: np.ndarray,
    grid: _Grid,
    margin_lon: np.ndarray,
    margin_lat: float,
) -> tuple[np.ndarray, np.ndarray]:
    """(cell key, polygon) of the non-boundary cells lying inside each polygon.

    In each row of a polygon's window, a run of consecutive non-boundary cells lies on one side
    of the polygon's boundary: one shapely test (the run's first cell centre) answers the run.
    """
    keys_out: list[np.ndarray] = []
    poly_out: list[np.ndarray] = []
    starts = np.searchsorted(boundary_poly, np.arange(len(geoms) + 1))
    for p, geom in enumerate(geoms):
        if geom.is_empty:
            continue
        ix_lo, iy_lo = grid.cell_floor(
            np.array([bounds[p, 0] - margin_lon[p]]), np.array([bounds[p, 1] - margin_lat])
        )
        ix_hi, iy_hi = grid.cell_floor(
            np.array([bounds[p, 2] + margin_lon[p]]), np.array([bounds[p, 3] + margin_lat])
        )
        ix_lo, iy_lo, ix_hi, iy_hi = ix_lo[0] - 1, iy_lo[0] - 1, ix_hi[0] + 1, iy_hi[0] + 1
        width, height = ix_hi - ix_lo + 1, iy_hi - iy_lo + 1
        keys = boundary_keys[starts[p] : starts[p + 1]]
        blocked = np.zeros((height, width), dtype=bool)  # rows: y, columns: x
        bx = keys // grid.ny - ix_lo
        by = keys % grid.ny - iy_lo
        ok = (bx >= 0) & (bx < width) & (by >= 0) & (by < height)
        blocked[by[ok], bx[ok]] = True
        run_start = ~blocked
        run_start[:, 1:] &= blocked[:, :-1]
        flat_start = run_start.ravel()
        run_id = np.cumsum(flat_start) - 1
        rep = np.flatnonzero(flat_start)
        rep_x = grid.x0 + (ix_lo + rep % width + 0.5) / grid.inv
        rep_y = grid.y0 + (iy_lo + rep // width + 0.5) / grid.inv
        run_inside = shapely.intersects_xy(geom, rep_x, rep_y)
        cells = np.flatnonzero(~blocked.ravel() & run_inside[np.maximum(run_id, 0)])
        if len(cells):
            keys_out.append((ix_lo + cells % width) * grid.ny + iy_lo + cells // width)
            poly_out.append(np.full(len(cells), p, dtype=np.int32))
    if not keys_out:
        return np.empty(0, np.int64), np.empty(0, np.int32)
    return np.concatenate(keys_out), np.concatenate(poly_out)


def _leaves(
    boundary_keys: np.ndarray,
    boundary_poly: np.ndarray,
    inside_keys: np.ndarray,
    inside_poly: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Leaf code of every cell met by a contour, and the candidate lists of boundary cells."""
    keys = np.concatenate([boundary_keys, inside_keys])
    poly = np.concatenate([boundary_poly, inside_poly])
    is_boundary = np.concatenate(
        [np.ones(len(boundary_keys), bool), np.zeros(len(inside_keys), bool)]
    )
    order = np.lexsort((poly, keys))
    keys, poly, is_boundary = keys[order], poly[order], is_boundary[order]
    leaf_keys, first, count = np.unique(keys, return_index=True, return_counts=True)
    n_boundary = np.add.reduceat(is_boundary.astype(np.int64), first) if len(first) else first
    simple = (n_boundary == 0) & (count == 1)
    codes = np.empty(len(leaf_keys), dtype=np.int32)
    codes[simple] = poly[first[simple]] + 1
    complex_cells = np.flatnonzero(~simple)
    codes[complex_cells] = -(np.arange(len(complex_cells), dtype=np.int32) + 1)
    lengths = count[complex_cells]
    cand_start = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    take = np.repeat(first[complex_cells], lengths) + (
        np.arange(cand_start[-1]) - np.repeat(cand_start[:-1], lengths)
    )
    return leaf_keys, codes, cand_start, poly[take].astype(np.int32)


def _blocks(
    leaf_keys: np.ndarray,
    leaf_codes: np.ndarray,
    ny: int,
    shape0: tuple[int, int],
    b1: int,
    b2: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pack leaf codes into level-2 tiles (b2 × b2), level-1 blocks (b1 × b1) and level 0."""
    ix = leaf_keys // ny
    iy = leaf_keys % ny
    tx, ty = ix // b2, iy // b2
    nty = ny // b2
    tiles, tile_of = np.unique(tx * nty + ty, return_inverse=True)
    l2 = np.zeros((len(tiles), b2, b2), dtype=np.int32)
    l2[tile_of, ix % b2, iy % b2] = leaf_codes
    ttx, tty = tiles // nty, tiles % nty
    ny1 = nty // b1
    blocks, block_of = np.unique((ttx // b1) * ny1 + tty // b1, return_inverse=True)
    l1 = np.full((len(blocks), b1, b1), -1, dtype=np.int32)
    l1[block_of, ttx % b1, tty % b1] = np.arange(len(tiles), dtype=np.int32)
    l0 = np.full(shape0, -1, dtype=np.int32)
    l0[blocks // ny1, blocks % ny1] = np.arange(len(blocks), dtype=np.int32)
    return l0, l1, l2
