"""Locate points against the QPV contours of one generation (vectorised, exact).

Rules (see docs/georef.md):

* **Edge rule**: a point exactly on a contour's boundary is *in* that QPV (shapely ``covers`` /
  ``intersects_xy`` semantics); its distance is 0, so it is always "uncertain".
* **Overlaps**: every QPV containing the point is returned; the *primary* one is the QPV the
  point is most deeply inside (largest distance to that QPV's own boundary), ties broken by the
  smallest code.
* **Distance**: metres to the nearest QPV boundary (whether the point is inside or outside),
  in Lambert-93 in metropolitan France and in the local UTM zone overseas. With
  ``distances="band"`` it is exact for every point within ``index.band_m`` of a boundary and NaN
  (meaning "farther than band_m") elsewhere; ``distances="exact"`` computes it for every point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import shapely

from quartiers.georef import native
from quartiers.georef.contours import LAMBERT93, WGS84, transformer
from quartiers.georef.distances import far_distances_fill, lonlat_from_lambert93, metric_projected
from quartiers.georef.index import GeorefIndex

STATUS_OUT = 0
STATUS_IN = 1
STATUS_UNCERTAIN = 2
STATUS_INVALID = 3  # non-finite coordinates (or not convertible from Lambert-93)
STATUS_LABELS = {
    STATUS_OUT: "hors QPV",
    STATUS_IN: "en QPV",
    STATUS_UNCERTAIN: "incertain",
    STATUS_INVALID: "position invalide",
}
# Geocoder match types that do not locate a house (BAN/addok "type").
IMPRECISE_MATCH_TYPES = frozenset({"street", "municipality", "locality"})

Distances = Literal["band", "exact"]
DEFAULT_CHUNK = 262_144  # points per chunk: bounded memory, cache-friendly


@dataclass(frozen=True)
class LocateResult:
    """Per-point answers; polygon indices refer to ``codes`` (-1: none)."""

    generation: int
    codes: np.ndarray  # (npoly,) QPV codes of the index
    primary: np.ndarray  # (n,) int32: primary containing QPV or -1
    status: np.ndarray  # (n,) int8: STATUS_*
    distance_m: np.ndarray  # (n,) float64: metres to the nearest QPV boundary (NaN: unknown)
    nearest: np.ndarray  # (n,) int32: QPV whose boundary is nearest, -1 when not computed
    member_point: np.ndarray  # (m,) int64: points inside 2 QPV or more, one row per QPV…
    member_poly: np.ndarray  # (m,) int32: …and that QPV (primary included)
    tolerance_m: float

    def __len__(self) -> int:
        return len(self.primary)

    def primary_codes(self) -> np.ndarray:
        """Object array of the primary QPV code of each point (None outside)."""
        out = np.full(len(self.primary), None, dtype=object)
        inside = self.primary >= 0
        out[inside] = self.codes[self.primary[inside]]
        return out

    def containing(self, i: int) -> list[str]:
        """Every QPV code containing point i, primary first."""
        if self.primary[i] < 0:
            return []
        rows = self.member_poly[self.member_point == i]
        others = sorted(self.codes[p] for p in rows if p != self.primary[i])
        return [str(self.codes[self.primary[i]]), *others]


def locate(
    index: GeorefIndex,
    x: np.ndarray,
    y: np.ndarray,
    *,
    crs: str = WGS84,
    distances: Distances = "band",
    tolerance_m: float | None = None,
    chunk: int = DEFAULT_CHUNK,
    lonlat: tuple[np.ndarray, np.ndarray] | None = None,
) -> LocateResult:
    """Locate points given as WGS84 lon/lat (default) or Lambert-93 x/y (``crs="EPSG:2154"``).
    ``lonlat``: the WGS84 lon/lat of Lambert-93 points when the caller has them already."""
    tolerance = index.band_m if tolerance_m is None else float(tolerance_m)
    if tolerance > index.band_m and distances != "exact":
        raise ValueError("tolerance_m larger than the index band: use distances='exact'")
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    lon, lat = _as_lonlat(x, y, crs) if lonlat is None or crs != LAMBERT93 else lonlat
    lon = np.ascontiguousarray(lon, dtype=np.float64)
    lat = np.ascontiguousarray(lat, dtype=np.float64)
    if lon.shape != x.shape or lat.shape != x.shape:
        raise ValueError("lonlat must have the shape of x and y")
    n = len(lon)
    primary = np.empty(n, dtype=np.int32)
    distance = np.full(n, np.nan)
    nearest = np.full(n, -1, dtype=np.int32)
    members_pt: list[np.ndarray] = []
    members_poly: list[np.ndarray] = []
    for begin in range(0, max(n, 1), chunk):
        end = min(n, begin + chunk)
        pt, poly = _locate_chunk(index, lon, lat, begin, end, primary, distance, nearest)
        members_pt.append(pt)
        members_poly.append(poly)
    if distances == "exact":
        todo = np.isnan(distance) & np.isfinite(lon) & np.isfinite(lat)
        l93 = (x, y) if crs == LAMBERT93 else None  # not projected back and forth
        far_distances_fill(index, lon, lat, todo, distance, nearest, l93=l93)
    status = np.empty(n, dtype=np.int8)
    native.loops().status_finalize(lon, lat, primary, distance, tolerance, status)
    return LocateResult(
        generation=index.generation,
        codes=index.codes,
        primary=primary,
        status=status,
        distance_m=distance,
        nearest=nearest,
        member_point=np.concatenate(members_pt),
        member_poly=np.concatenate(members_poly),
        tolerance_m=tolerance,
    )


def status_with_geocoding(
    *,
    status: np.ndarray,
    score: np.ndarray | None = None,
    match_type: np.ndarray | None = None,
    min_score: float = 0.8,
) -> np.ndarray:
    """Downgrade in/out to "uncertain" for unreliable geocoding (score < min_score, or a match on
    a street, municipality or locality rather than a house number). Invalid stays invalid."""
    status = np.asarray(status, dtype=np.int8).copy()
    doubtful = np.zeros(len(status), dtype=bool)
    if score is not None:
        score = np.asarray(score, dtype=np.float64)
        doubtful |= ~(score >= min_score)  # a missing (NaN) score is doubtful too
    if match_type is not None:
        doubtful |= np.isin(np.asarray(match_type, dtype=object), list(IMPRECISE_MATCH_TYPES))
    status[doubtful & (status != STATUS_INVALID)] = STATUS_UNCERTAIN
    return status


def _as_lonlat(x: np.ndarray, y: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError("x and y must be 1-D arrays of the same length")
    if crs in {WGS84, "WGS84", "CRS84", "OGC:CRS84"}:
        return x, y
    if crs != LAMBERT93:
        raise ValueError(f"unsupported CRS {crs!r}: EPSG:4326 or EPSG:2154")
    return lonlat_from_lambert93(x, y)


def _locate_chunk(
    index: GeorefIndex,
    lon: np.ndarray,
    lat: np.ndarray,
    begin: int,
    end: int,
    primary: np.ndarray,
    distance: np.ndarray,
    nearest: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Fill the chunk's answers; return its (point, polygon) memberships in overlaps."""
    loops = native.loops()
    clon, clat = lon[begin:end], lat[begin:end]
    cprimary = primary[begin:end]
    count = loops.grid_lookup(
        clon, clat, index.x0, index.y0, float(index.cells_per_degree), index.shift1,
        index.shift2, index.l0, index.l1, index.l2, len(index.codes), len(index.cand_start) - 1,
        cprimary,
    )  # fmt: skip
    if not count:
        return np.empty(0, np.int64), np.empty(0, np.int32)
    boundary = np.flatnonzero(cprimary < -1)
    rows = -cprimary[boundary].astype(np.int64) - 2
    cprimary[boundary] = -1
    lengths = index.cand_start[rows + 1] - index.cand_start[rows]
    offsets = np.repeat(index.cand_start[rows] - np.cumsum(lengths) + lengths, lengths)
    entry = offsets + np.arange(offsets.size)
    pair_poly = index.cand_poly[entry]
    pair_pt = np.repeat(boundary, lengths)
    inside = shapely.intersects_xy(index.geoms[pair_poly], clon[pair_pt], clat[pair_pt])
    px, py = _metric(index, clon, clat, boundary, lengths, pair_pt, pair_poly)
    seg = index.segments
    dist = np.empty(len(px))
    loops.pair_distance_near(
        px, py, index.cand_seg_lo[entry], index.cand_seg_hi[entry], index.cell_seg,
        seg.x, seg.y, dist,
    )  # fmt: skip
    group_start = np.concatenate([[0], np.cumsum(lengths)])
    nb = len(boundary)
    near, near_poly = np.empty(nb), np.empty(nb, dtype=np.int64)
    held, held_count = np.empty(nb, dtype=np.int64), np.empty(nb, dtype=np.int64)
    loops.pairs_reduce(
        group_start, pair_poly.astype(np.int64), inside, dist, px, py, index.band_m,
        seg.start, seg.x, seg.y, near, near_poly, held, held_count,
    )  # fmt: skip
    distance[begin + boundary] = near
    nearest[begin + boundary] = near_poly
    primary[begin + boundary] = held
    multi = inside & np.repeat(held_count >= 2, lengths)
    return (begin + pair_pt[multi]).astype(np.int64), pair_poly[multi]


def _metric(
    index: GeorefIndex,
    lon: np.ndarray,
    lat: np.ndarray,
    boundary: np.ndarray,
    lengths: np.ndarray,
    pair_pt: np.ndarray,
    pair_poly: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Pair points in the metric CRS of their polygon (Lambert-93, or UTM overseas)."""
    if len(index.crs_names) == 1:
        tx, ty = metric_projected(index.crs_names[0], lon[boundary], lat[boundary])
        where = np.repeat(np.arange(len(boundary)), lengths)
        return np.asarray(tx)[where], np.asarray(ty)[where]
    px = np.empty(len(pair_pt))
    py = np.empty(len(pair_pt))
    pair_crs = index.crs_code[pair_poly]
    for code, crs in enumerate(index.crs_names):
        mask = pair_crs == code
        if mask.any():
            tx, ty = transformer(WGS84, crs).transform(lon[pair_pt[mask]], lat[pair_pt[mask]])
            px[mask], py[mask] = tx, ty
    return px, py
