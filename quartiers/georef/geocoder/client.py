"""HTTP client of the geocoders: the IGN Géoplateforme (the national service) or a self-hosted
addok, each in its own protocol (protocols.py): ``GET /search`` for one address, ``POST
/search/csv`` (multipart ``data`` file + ``columns``) for many.

It keeps to the service's limits: a token bucket (requests/s), a bounded thread pool,
HTTP 429 with Retry-After honoured, 502/503/504 and network errors retried with exponential
backoff and jitter (bounded attempts), CSV batches chunked by rows and bytes, timeouts.
Results come back chunk by chunk, in input order, so a caller can checkpoint between chunks.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from email.utils import parsedate_to_datetime
from typing import TypeVar

import httpx

from quartiers.georef.geocoder.protocols import (
    DIALECTS,
    RESULT_COLUMNS,
    csv_body,
    csv_row,
    features_result,
    parse_csv_results,
)
from quartiers.georef.geocoder.ratelimit import TokenBucket
from quartiers.georef.geocoder.types import (
    AddressQuery,
    GeocoderConfig,
    GeocoderError,
    GeocodeResult,
)

T = TypeVar("T")
R = TypeVar("R")

_RETRIED_STATUSES = frozenset({429, 502, 503, 504})
__all__ = ["RESULT_COLUMNS", "GeocoderClient", "csv_body", "csv_chunks", "parse_csv_results"]


class _PayloadTooLarge(Exception):
    """HTTP 413: the caller splits the chunk in two."""


class GeocoderClient:
    """One client per job or process; thread-safe. Use as a context manager (or ``close()``)."""

    def __init__(self, config: GeocoderConfig | None = None) -> None:
        self.config = config or GeocoderConfig.from_settings()
        self.dialect = DIALECTS[self.config.dialect]  # type: ignore[index]
        self._bucket = TokenBucket(rate=self.config.rate_per_s, burst=self.config.burst)
        self._http = httpx.Client(
            base_url=self.config.service,
            timeout=self.config.timeout_s,
            headers={"User-Agent": "quartiers2030-geocoder/1"},
            limits=httpx.Limits(max_connections=max(self.config.max_concurrency, 1)),
        )
        self._lock = threading.Lock()
        self.requests_sent = 0  # HTTP requests actually sent, retries included

    def __enter__(self) -> GeocoderClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # --- one request ---------------------------------------------------------------------

    def search(self, query: AddressQuery) -> GeocodeResult:
        """The best match of one address, with the second candidate's score (``GET /search``)."""
        response = self._request(
            "GET", self.dialect.search_path, params=self.dialect.search_params(query)
        )
        return features_result(response.json().get("features") or [])

    def reverse(self, *, lon: float, lat: float) -> GeocodeResult:
        """The address nearest to a point (``GET /reverse``)."""
        params: dict[str, str] = {"lon": repr(lon), "lat": repr(lat), "limit": "1"}
        params.update(self.dialect.search_extra)
        response = self._request("GET", self.dialect.reverse_path, params=params)
        return features_result(response.json().get("features") or [])

    def search_csv(self, queries: Sequence[AddressQuery]) -> list[GeocodeResult]:
        """The best match of each address, in order, in one ``POST /search/csv/`` (a chunk too
        big for the service, HTTP 413, is split in two and sent again)."""
        if not queries:
            return []
        try:
            return self._search_csv_once(queries)
        except _PayloadTooLarge:
            if len(queries) == 1:
                raise GeocoderError(
                    "Le service de géocodage refuse une adresse trop longue (HTTP 413)."
                ) from None
            half = len(queries) // 2
            return self.search_csv(queries[:half]) + self.search_csv(queries[half:])

    def _search_csv_once(self, queries: Sequence[AddressQuery]) -> list[GeocodeResult]:
        body = csv_body(queries)
        response = self._request(
            "POST",
            self.dialect.csv_path,
            data=self.dialect.csv_form(queries),
            files={"data": ("adresses.csv", body, "text/csv")},
            timeout=self.config.batch_timeout_s,
        )
        return parse_csv_results(response.content, expected=len(queries))

    # --- many requests, chunk by chunk -----------------------------------------------------

    def geocode_single(
        self, queries: Iterable[AddressQuery], *, chunk_size: int = 100
    ) -> Iterator[list[GeocodeResult]]:
        """One ``/search/`` request per address (threads, rate-limited); results per chunk of
        ``chunk_size`` addresses, in order."""
        for chunk in chunked(queries, chunk_size):
            yield list(_ordered_map(self.search, chunk, self.config.max_concurrency))

    def geocode_batch(self, queries: Iterable[AddressQuery]) -> Iterator[list[GeocodeResult]]:
        """``/search/csv/`` requests of at most ``batch_max_rows`` rows and ``batch_max_bytes``
        bytes, up to ``max_concurrency`` in flight; results per request chunk, in order."""
        chunks = csv_chunks(
            queries, max_rows=self.config.batch_max_rows, max_bytes=self.config.batch_max_bytes
        )
        yield from _ordered_map(self.search_csv, chunks, self.config.max_concurrency)

    # --- transport -------------------------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        attempts = max(self.config.max_attempts, 1)
        problem = ""
        for attempt in range(1, attempts + 1):
            self._bucket.acquire()
            delay = self._backoff(attempt)
            try:
                response = self._http.request(method, path, **kwargs)  # type: ignore[arg-type]
            except httpx.TransportError as exc:  # timeouts, refused connections, resets
                problem = f"{type(exc).__name__}: {exc}"
            else:
                with self._lock:
                    self.requests_sent += 1
                status = response.status_code
                if status < 400:
                    return response
                if status == 413:
                    raise _PayloadTooLarge
                if status not in _RETRIED_STATUSES:
                    raise GeocoderError(
                        f"Le service de géocodage a refusé la requête (HTTP {status}) : "
                        f"{response.text[:200]}"
                    )
                problem = f"HTTP {status}"
                retry_after = _retry_after_s(response.headers.get("Retry-After"))
                if retry_after is not None:
                    delay = min(retry_after, self.config.retry_after_max_s)
            if attempt < attempts:
                time.sleep(delay)
        raise GeocoderError(
            f"Le service de géocodage ne répond pas correctement après {attempts} tentatives "
            f"({problem}). Réessayez plus tard."
        )

    def _backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(max, base × 2^(attempt-1))]."""
        ceiling = min(self.config.backoff_max_s, self.config.backoff_base_s * 2 ** (attempt - 1))
        return random.uniform(0.0, ceiling)


# --- CSV in and out (kept importable from here) -----------------------------------------------


def csv_chunks(
    queries: Iterable[AddressQuery], *, max_rows: int, max_bytes: int
) -> Iterator[list[AddressQuery]]:
    """Consecutive chunks of at most ``max_rows`` rows and (about) ``max_bytes`` bytes of CSV."""
    chunk: list[AddressQuery] = []
    size = 0
    for query in queries:
        row_bytes = len(csv_row(len(chunk), query).encode("utf-8"))
        if chunk and (len(chunk) >= max_rows or size + row_bytes > max_bytes):
            yield chunk
            chunk, size = [], 0
        chunk.append(query)
        size += row_bytes
    if chunk:
        yield chunk


def _retry_after_s(value: str | None) -> float | None:
    """Retry-After in seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


# --- ordered, bounded concurrency -------------------------------------------------------------


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _ordered_map(fn: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    """``map(fn, items)`` on ``workers`` threads, in input order, at most 2 × workers items in
    flight (bounded memory on an endless input)."""
    workers = max(int(workers), 1)
    if workers == 1:
        yield from map(fn, items)
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="geocoder") as pool:
        pending: deque[Future[R]] = deque()
        try:
            for item in items:
                pending.append(pool.submit(fn, item))
                if len(pending) >= 2 * workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
