"""Geocode many addresses through the cache: what is known is never asked again."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Literal

from quartiers.georef.geocoder.cache import cache_get_many, cache_put_many
from quartiers.georef.geocoder.client import GeocoderClient, chunked
from quartiers.georef.geocoder.types import AddressQuery, GeocodeResult

Mode = Literal["batch", "single"]


def addresses_geocode(
    *,
    queries: Iterable[AddressQuery],
    client: GeocoderClient,
    mode: Mode = "batch",
    use_cache: bool = True,
    chunk_size: int | None = None,
) -> Iterator[list[GeocodeResult]]:
    """Results chunk by chunk (``chunk_size`` addresses, default one CSV request per worker),
    in input order: a job stores each chunk and resumes after the last one stored.

    Per chunk, the cache answers what it knows, each distinct missing address is geocoded once
    (``/search/csv/`` in ``batch`` mode, ``/search/`` in ``single`` mode) and stored."""
    config = client.config
    size = chunk_size or config.batch_max_rows * max(config.max_concurrency, 1)
    for chunk in chunked(queries, size):
        yield _chunk_geocode(chunk, client=client, mode=mode, use_cache=use_cache)


def _chunk_geocode(
    chunk: list[AddressQuery], *, client: GeocoderClient, mode: Mode, use_cache: bool
) -> list[GeocodeResult]:
    service = client.config.service
    keys = [query.key for query in chunk]
    known = cache_get_many(service=service, keys=keys) if use_cache else {}
    missing: dict[str, AddressQuery] = {}
    for key, query in zip(keys, chunk, strict=True):
        if key not in known and key not in missing:
            missing[key] = query
    if missing:
        asked = list(missing.values())
        pages = client.geocode_batch(asked) if mode == "batch" else client.geocode_single(asked)
        answers = [result for page in pages for result in page]
        fresh = dict(zip(missing, answers, strict=True))
        if use_cache:
            cache_put_many(service=service, results=fresh)
        known = {**known, **fresh}
    return [known[key] for key in keys]
