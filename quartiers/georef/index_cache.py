"""The built index of a generation kept on disk, so that a new process (a CLI job, a worker)
loads it instead of building it again (Nord: about 0.02 s of CPU instead of 0.08 s; all of
France: instead of about 1 s).

A file holds every array of the index (numpy ``.npz``, no pickle); the contours themselves
come from the registry as always (they are read to compute the key anyway) and are prepared
again on load. The exact distances' structures (sweeps.py) built before writing are kept with
it (the loader builds Lambert-93's: Nord, 1.3 s of CPU saved per process). The key is a
hash of what the index is built from: the generation, the band, every QPV code and contour,
the source of the builders (index.py, contours.py, sweeps.py and the C loops of the sweeps)
and the versions of numpy, shapely (GEOS) and pyproj. Any change gives another key, so a stale
file is never read; files of other keys for that generation are deleted when a new one is
written. Writes are atomic (temporary file renamed); a missing, unreadable or unwritable cache only
costs the build. A file read back is checked whole (dtypes, shapes, every offset and number
within the array it points into) before any loop reads it: a corrupt file raises ValueError
(the loader then builds the index again); the compiled loops check what they read too.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import fields
from pathlib import Path

import numpy as np
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from quartiers.georef import contours as contours_module
from quartiers.georef import index as index_module
from quartiers.georef import sweeps as sweeps_module
from quartiers.georef.contours import Segments
from quartiers.georef.index import GeorefIndex, contours_ordered
from quartiers.georef.sweeps import sweep_problem, sweeps_arrays, sweeps_from_arrays

logger = logging.getLogger(__name__)

FORMAT = 2
_ARRAYS = ("codes", "crs", "crs_code", "l0", "l1", "l2", "cand_start", "cand_poly")
_ARRAYS += ("cand_seg_lo", "cand_seg_hi", "cell_seg")
_SCALARS = ("generation", "band_m", "x0", "y0", "cells_per_degree", "shift1", "shift2")
_SEGMENTS = tuple(f.name for f in fields(Segments))
_SOURCES = [Path(m.__file__) for m in (index_module, contours_module, sweeps_module)]
_SOURCES += [
    Path(sweeps_module.__file__).parent / "native" / f"{n}.c" for n in ("distances", "far")
]


def cache_key(*, generation: int, band_m: float, rows: list[tuple[str, bytes]]) -> str:
    """Hash of everything the index of these (code, WKB) rows is built from."""
    digest = hashlib.sha256()
    for source in _SOURCES:
        digest.update(source.read_bytes() if source.exists() else b"")
    versions = (FORMAT, np.__version__, shapely.__version__, shapely.geos_version_string)
    digest.update(repr((versions, pyproj.__version__, generation, float(band_m))).encode())
    for code, wkb in sorted(rows):
        digest.update(f"{code}\0{len(wkb)}\0".encode())
        digest.update(wkb)
    return digest.hexdigest()[:24]


def cache_path(folder: Path, *, generation: int, key: str) -> Path:
    return folder / f"index-{generation}-{key}.npz"


def index_save(index: GeorefIndex, path: Path) -> None:
    """Write the index's arrays to ``path`` atomically, and delete the generation's other
    files."""
    arrays = {name: getattr(index, name) for name in _ARRAYS}
    arrays |= {f"segments_{name}": getattr(index.segments, name) for name in _SEGMENTS}
    arrays |= {name: np.asarray(getattr(index, name)) for name in _SCALARS}
    arrays["crs_names"] = np.array(index.crs_names)
    arrays |= sweeps_arrays(index)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as handle:
            np.savez(handle, **arrays)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    for other in path.parent.glob(f"index-{index.generation}-*.npz"):
        if other != path:
            other.unlink(missing_ok=True)


def index_load(path: Path, *, contours: list[tuple[str, BaseGeometry]]) -> GeorefIndex:
    """The index saved at ``path``, with ``contours`` (the ones its key was computed from)
    prepared as index_build prepares them. Raises FileNotFoundError, or ValueError when the
    file does not match them."""
    codes, geoms = contours_ordered(contours)
    shapely.prepare(geoms)
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in _ARRAYS}
        segments = Segments(**{name: data[f"segments_{name}"] for name in _SEGMENTS})
        scalars = {name: data[name].item() for name in _SCALARS}
        crs_names = tuple(data["crs_names"].tolist())
        sweeps = sweeps_from_arrays(data)
    if arrays["codes"].tolist() != codes.tolist():
        raise ValueError(f"{path.name}: QPV codes differ from the registry's")
    index = GeorefIndex(geoms=geoms, segments=segments, crs_names=crs_names, **arrays, **scalars)
    index._sweeps.update(sweeps)
    problem = index_problem(index)
    if problem:
        raise ValueError(f"{path.name}: corrupt index ({problem})")
    return index


def index_problem(index: GeorefIndex) -> str | None:
    """What is wrong in ``index``'s arrays (None when nothing): every value a loop uses as an
    offset or a number of a row must lie within the array it points into."""
    npoly = len(index.codes)
    seg = index.segments
    nseg = len(seg.x)
    ncand = len(index.cand_start) - 1
    if not (0 <= index.shift1 <= 12 and 0 <= index.shift2 <= 12):
        return "grid shifts"
    b1, b2 = 1 << index.shift1, 1 << index.shift2
    shapes = [
        (index.l0, np.int32, 2, None),
        (index.l1, np.int32, 3, (b1, b1)),
        (index.l2, np.int32, 3, (b2, b2)),
        *((a, np.float64, 2, (2,)) for a in (seg.lon, seg.lat, seg.x, seg.y)),
    ]
    for array, dtype, ndim, tail in shapes:
        if array.dtype != dtype or array.ndim != ndim or (tail and array.shape[1:] != tail):
            return "array shapes"
    if not len(seg.lon) == len(seg.lat) == len(seg.y) == nseg or len(index.crs) != npoly:
        return "array lengths"
    checks = [
        ("l0", index.l0, -1, len(index.l1) - 1),
        ("l1", index.l1, -1, len(index.l2) - 1),
        ("l2", index.l2, -ncand, npoly),
        ("cand_poly", index.cand_poly, 0, npoly - 1),
        ("cell_seg", index.cell_seg, 0, nseg - 1),
        ("part_poly", seg.part_poly, 0, npoly - 1),
        ("crs_code", index.crs_code, 0, len(index.crs_names) - 1),
    ]
    for name, values, low, high in checks:
        if values.dtype.kind not in "iu" or (
            values.size and not low <= values.min() <= values.max() <= high
        ):
            return name
    offsets = [
        ("cand_start", index.cand_start, len(index.cand_poly)),
        ("start", seg.start, nseg),
        ("part_start", seg.part_start, nseg),
    ]
    for name, values, end in offsets:
        if values.dtype != np.int64 or not len(values) or values[0] != 0 or values[-1] != end:
            return name
        if (np.diff(values) < 0).any():
            return name
    if len(seg.start) != npoly + 1 or len(seg.part_start) != len(seg.part_poly) + 1:
        return "offset lengths"
    lo, hi = index.cand_seg_lo, index.cand_seg_hi
    if not len(lo) == len(hi) == len(index.cand_poly) or lo.dtype != hi.dtype != np.int64:
        return "cand_seg"
    if len(lo) and (lo.min() < 0 or (hi < lo).any() or hi.max() > len(index.cell_seg)):
        return "cand_seg"
    for sweep in index._sweeps.values():
        problem = sweep_problem(sweep, nseg=nseg, npoly=npoly)
        if problem:
            return problem
    return None
