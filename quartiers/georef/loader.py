"""The georef index of a generation, built from the registry once per process and cached
(in memory, and on disk under GEOREF_INDEX_CACHE_DIR for the next processes: index_cache.py).

Every process (gunicorn workers, huey workers, commands) must answer with the new contours
after an import made by any of them. Each generation has a **shared version**: a random token
in the "page_versions" store (files under CACHE_DIR, or Redis: the store of the public pages'
data version), renewed when the registry sends ``geography_changed`` (an import committed a
change to the generation's QPV; connected in ``GeorefConfig.ready``). A cached index remembers
the token it was built under; a lookup compares it with the shared one at most once every
GEOREF_INDEX_CHECK_SECONDS (1 s) per process and rebuilds the index when it changed (from the
disk cache when another process already built it). A missing token (emptied store) is replaced
by a new one: the indexes are rebuilt, never kept stale.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt
import shapely
from django.conf import settings
from django.core.cache import caches

from quartiers.geography.models import QPV, Generation
from quartiers.georef import index_cache
from quartiers.georef.contours import WGS84
from quartiers.georef.engine import Distances, LocateResult, locate
from quartiers.georef.index import GeorefIndex, index_build
from quartiers.georef.sweeps import sweeps_build

logger = logging.getLogger(__name__)


class GeorefError(ValueError):
    """A French message for the user (unknown generation…)."""


_lock = threading.Lock()
# (generation, band) → (index, the shared version it was built under, monotonic time of the
# last check of that version).
_cache: dict[tuple[int, float], tuple[GeorefIndex, str, float]] = {}


def _version_key(generation: int) -> str:
    return f"georef-index:version:{generation}"


def index_version_current(*, generation: int) -> str:
    """The shared version of ``generation``'s contours (created on first use)."""
    store = caches["page_versions"]
    token = store.get(_version_key(generation))
    if token is None:
        store.add(_version_key(generation), secrets.token_hex(8), timeout=None)
        token = store.get(_version_key(generation))
    return str(token)


def index_version_renew(*, generation: int | None) -> None:
    """The contours of ``generation`` (every one when None) changed: every process rebuilds."""
    generations = [generation] if generation is not None else [int(g) for g in Generation.values]
    try:
        for value in generations:
            caches["page_versions"].set(_version_key(value), secrets.token_hex(8), timeout=None)
    except Exception:  # never fail the import that committed: the other processes keep theirs
        logger.exception("georef: shared index version not renewed")


def _check_seconds() -> float:
    return float(getattr(settings, "GEOREF_INDEX_CHECK_SECONDS", 1.0))


def index_get(*, generation: int | None = None) -> GeorefIndex:
    """The index of ``generation`` (default settings.QPV_GENERATION), built on first use and
    again when another process changed the generation's contours."""
    generation = settings.QPV_GENERATION if generation is None else int(generation)
    tolerance = float(settings.GEOREF_BOUNDARY_TOLERANCE_M)
    key = (generation, tolerance)
    cached = _cache.get(key)
    now = time.monotonic()
    if cached is not None and now - cached[2] < _check_seconds():
        return cached[0]
    try:
        version = index_version_current(generation=generation)
    except Exception:  # the shared store is down: keep answering with what this process has
        logger.exception("georef: shared index version unreadable")
        version = cached[1] if cached is not None else ""
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached[1] == version:
            _cache[key] = (cached[0], version, now)
            return cached[0]
        index = _index_from_registry(generation=generation, band_m=tolerance)
        _cache[key] = (index, version, now)
    return index


def cache_clear(*, generation: int | None = None) -> None:
    """Forget this process's cached index of one generation (all when None)."""
    with _lock:
        for key in list(_cache):
            if generation is None or key[0] == generation:
                del _cache[key]


def points_locate(
    *,
    lon: npt.ArrayLike,
    lat: npt.ArrayLike,
    generation: int | None = None,
    crs: str = WGS84,
    distances: Distances = "exact",
    lonlat: tuple[np.ndarray, np.ndarray] | None = None,
) -> LocateResult:
    """Locate points (WGS84 lon/lat, or Lambert-93 x/y with ``crs="EPSG:2154"``) in the QPV of
    a generation. ``lon``/``lat`` hold x/y when the CRS is Lambert-93; ``lonlat`` then may give
    their WGS84 lon/lat, already computed."""
    index = index_get(generation=generation)
    return locate(
        index,
        np.atleast_1d(np.asarray(lon, dtype=np.float64)),
        np.atleast_1d(np.asarray(lat, dtype=np.float64)),
        crs=crs,
        distances=distances,
        tolerance_m=float(settings.GEOREF_BOUNDARY_TOLERANCE_M),
        lonlat=lonlat,
    )


def _index_from_registry(*, generation: int, band_m: float) -> GeorefIndex:
    rows = [
        (code, bytes(wkb))
        for code, wkb in QPV.objects.of_generation(generation).values_list("code", "contour_wkb")
    ]
    if not rows:
        known = ", ".join(str(value) for value in Generation.values)
        raise GeorefError(
            f"Géographie prioritaire {generation} inconnue : aucun QPV de cette génération "
            f"n'est enregistré (générations prévues : {known})."
        )
    contours = [(code, shapely.from_wkb(wkb)) for code, wkb in rows]
    folder = settings.GEOREF_INDEX_CACHE_DIR
    if not folder:
        return index_build(contours, generation=generation, band_m=band_m)
    key = index_cache.cache_key(generation=generation, band_m=band_m, rows=rows)
    path = index_cache.cache_path(Path(folder), generation=generation, key=key)
    try:
        return index_cache.index_load(path, contours=contours)
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError) as exc:
        logger.warning("georef: index cache %s unreadable (%s), rebuilt", path, exc)
    index = index_build(contours, generation=generation, band_m=band_m)
    sweeps_build(index)  # the exact distances' structure (Lambert-93), kept on disk with it
    try:
        index_cache.index_save(index, path)
    except OSError as exc:
        logger.warning("georef: index cache %s not written (%s)", path, exc)
    return index
