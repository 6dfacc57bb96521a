"""The geocoding cache: bulk get/put of answers by normalised address (GeocodeCache)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from quartiers.georef.geocoder.types import GeocodeResult
from quartiers.georef.models import GeocodeCache

# SQLite allows 32,766 parameters per query; stay well below for every backend.
_BATCH = 900


def cache_key(*, service: str, key: str) -> str:
    return hashlib.sha256(f"{service}\n{key}".encode()).hexdigest()


def cache_get_many(*, service: str, keys: Iterable[str]) -> dict[str, GeocodeResult]:
    """The cached answers of ``keys`` (normalised addresses) that are known."""
    by_hash = {cache_key(service=service, key=key): key for key in set(keys)}
    hashes = list(by_hash)
    found: dict[str, GeocodeResult] = {}
    for start in range(0, len(hashes), _BATCH):
        rows = GeocodeCache.objects.filter(key__in=hashes[start : start + _BATCH])
        for row in rows:
            found[by_hash[row.key]] = _result(row)
    return found


def cache_put_many(*, service: str, results: Mapping[str, GeocodeResult]) -> int:
    """Store answers (found or not) by normalised address; existing keys are left as they are.
    Returns the number of rows offered."""
    rows = [
        GeocodeCache(
            key=cache_key(service=service, key=key),
            service=service[:200],
            found=result.found,
            label=(result.label or "")[:300],
            score=result.score,
            score_next=result.score_next,
            result_type=(result.type or "")[:20],
            citycode=(result.citycode or "")[:5],
            postcode=(result.postcode or "")[:5],
            lon=result.lon,
            lat=result.lat,
        )
        for key, result in results.items()
    ]
    GeocodeCache.objects.bulk_create(rows, batch_size=_BATCH, ignore_conflicts=True)
    return len(rows)


def _result(row: GeocodeCache) -> GeocodeResult:
    if not row.found:
        return GeocodeResult()
    return GeocodeResult(
        label=row.label or None,
        score=row.score,
        score_next=row.score_next,
        type=row.result_type or None,
        citycode=row.citycode or None,
        postcode=row.postcode or None,
        lon=row.lon,
        lat=row.lat,
    )
