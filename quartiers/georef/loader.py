"""The georef index of a generation, built from the registry once per process and cached
(in memory, and on disk under GEOREF_INDEX_CACHE_DIR for the next processes: index_cache.py).

The cache is dropped for a generation when the registry sends ``geography_changed`` (an import
changed its QPV; connected in ``GeorefConfig.ready``), so the next lookup rebuilds it.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np
import numpy.typing as npt
import shapely
from django.conf import settings

from quartiers.geography.models import QPV, Generation
from quartiers.georef import index_cache
from quartiers.georef.contours import WGS84
from quartiers.georef.engine import Distances, LocateResult, locate
from quartiers.georef.index import GeorefIndex, index_build

logger = logging.getLogger(__name__)


class GeorefError(ValueError):
    """A French message for the user (unknown generation…)."""


_lock = threading.Lock()
_cache: dict[tuple[int, float], GeorefIndex] = {}


def index_get(*, generation: int | None = None) -> GeorefIndex:
    """The index of ``generation`` (default settings.QPV_GENERATION), built on first use."""
    generation = settings.QPV_GENERATION if generation is None else int(generation)
    tolerance = float(settings.GEOREF_BOUNDARY_TOLERANCE_M)
    key = (generation, tolerance)
    index = _cache.get(key)
    if index is not None:
        return index
    with _lock:
        index = _cache.get(key)
        if index is None:
            index = _index_from_registry(generation=generation, band_m=tolerance)
            _cache[key] = index
    return index


def cache_clear(*, generation: int | None = None) -> None:
    """Forget the cached index of one generation (all when None)."""
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
) -> LocateResult:
    """Locate points (WGS84 lon/lat, or Lambert-93 x/y with ``crs="EPSG:2154"``) in the QPV of
    a generation. ``lon``/``lat`` hold x/y when the CRS is Lambert-93."""
    index = index_get(generation=generation)
    return locate(
        index,
        np.atleast_1d(np.asarray(lon, dtype=np.float64)),
        np.atleast_1d(np.asarray(lat, dtype=np.float64)),
        crs=crs,
        distances=distances,
        tolerance_m=float(settings.GEOREF_BOUNDARY_TOLERANCE_M),
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
    try:
        index_cache.index_save(index, path)
    except OSError as exc:
        logger.warning("georef: index cache %s not written (%s)", path, exc)
    return index
