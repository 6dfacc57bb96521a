"""The client keeps to the service's limits, tested on a local BAN-protocol server that
misbehaves on purpose (HTTP 429 with Retry-After, 502, 413) and counts what it receives."""

from __future__ import annotations

import socket
import time

import pytest

from quartiers.georef.geocoder import AddressQuery, GeocoderClient, GeocoderConfig, GeocoderError
from quartiers.georef.geocoder.client import csv_chunks
from quartiers.georef.geocoder.ratelimit import TokenBucket


def _client(url: str, **options: object) -> GeocoderClient:
    defaults: dict[str, object] = {
        "base_url": url,
        "rate_per_s": 1_000.0,
        "max_attempts": 4,
        "backoff_base_s": 0.05,
        "backoff_max_s": 0.2,
        "timeout_s": 5.0,
    }
    return GeocoderClient(GeocoderConfig(**{**defaults, **options}))


def _busiest_second(times: list[float]) -> int:
    return max(sum(1 for t in times if t0 <= t < t0 + 1.0) for t0 in times)


def test_the_rate_limiter_never_exceeds_its_rate_in_any_second(flaky_server, monkeypatch):
    # When each request leaves the client: the limiter's own guarantee, exact whatever the load.
    sent: list[float] = []
    acquire = TokenBucket.acquire

    def recorded_acquire(bucket: TokenBucket) -> float:
        waited = acquire(bucket)
        sent.append(time.monotonic())
        return waited

    monkeypatch.setattr(TokenBucket, "acquire", recorded_acquire)
    rate = 20
    with _client(flaky_server.url, rate_per_s=rate, max_concurrency=4) as client:
        queries = [AddressQuery(f"{n} rue de Paris Lille") for n in range(45)]
        start = time.monotonic()
        results = [r for page in client.geocode_single(queries) for r in page]
        elapsed = time.monotonic() - start
    assert len(results) == 45 and all(r.found for r in results)
    # 45 requests spaced by 1/20 s: at least 44/20 = 2.2 s.
    assert elapsed >= 44 / rate - 0.05
    assert len(sent) == 45
    assert _busiest_second(sent) <= rate + 1  # the bucket's burst is 1
    # What the server saw: the same, give or take the scheduling of 4 threads on a busy machine
    # (a request delayed on its way arrives next to the following one).
    assert _busiest_second(flaky_server.times) <= rate + 4


def test_a_token_bucket_spaces_requests_by_one_over_the_rate():
    bucket = TokenBucket(rate=50, burst=1)
    start = time.monotonic()
    for _ in range(26):
        bucket.acquire()
    assert time.monotonic() - start >= 25 / 50 - 0.02


def test_a_429_is_retried_after_the_delay_the_server_asks(flaky_server):
    flaky_server.script = [(429, {"Retry-After": "1"})]
    with _client(flaky_server.url) as client:
        result = client.search(AddressQuery("2 rue Saint Bernard Lille"))
    assert result.found and result.citycode == "59350"
    assert flaky_server.count == 2
    assert flaky_server.times[1] - flaky_server.times[0] >= 0.95


def test_a_429_with_an_http_date_is_honoured_too(flaky_server):
    when = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 2))
    flaky_server.script = [(429, {"Retry-After": when})]
    with _client(flaky_server.url) as client:
        assert client.search(AddressQuery("2 rue Saint Bernard Lille")).found
    assert flaky_server.times[1] - flaky_server.times[0] >= 0.5


def test_intermittent_502_and_503_are_retried_with_backoff(flaky_server):
    flaky_server.script = [(502, {}), (503, {}), (504, {})]
    with _client(flaky_server.url) as client:
        results = client.search_csv([AddressQuery("2 rue Saint Bernard Lille")])
    assert results[0].found
    assert flaky_server.count == 4
    assert flaky_server.paths == ["/search/csv/"] * 4


def test_a_service_that_keeps_failing_gives_a_french_error_after_bounded_attempts(flaky_server):
    flaky_server.script = [(502, {})] * 10
    with _client(flaky_server.url, max_attempts=3) as client, pytest.raises(GeocoderError) as error:
        client.search(AddressQuery("2 rue Saint Bernard Lille"))
    assert "après 3 tentatives" in str(error.value)
    assert flaky_server.count == 3


def test_a_client_error_is_not_retried(flaky_server):
    flaky_server.script = [(400, {})]
    with _client(flaky_server.url) as client, pytest.raises(GeocoderError, match="HTTP 400"):
        client.search(AddressQuery("2 rue Saint Bernard Lille"))
    assert flaky_server.count == 1


def test_a_batch_too_large_for_the_service_is_split_in_two(flaky_server):
    flaky_server.script = [(413, {})]
    queries = [AddressQuery(f"{n} rue de Paris Lille") for n in range(10)]
    with _client(flaky_server.url) as client:
        results = client.search_csv(queries)
    assert len(results) == 10 and all(r.found for r in results)
    assert flaky_server.count == 3  # refused, then two halves


def test_an_unreachable_service_fails_with_a_french_message_after_retries():
    # A port nobody listens on (reserved then closed): connection refused at every attempt.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    message = "ne répond pas correctement après 2 tentatives"
    with (
        _client(f"http://127.0.0.1:{port}", max_attempts=2) as client,
        pytest.raises(GeocoderError, match=message),
    ):
        client.search(AddressQuery("2 rue Saint Bernard Lille"))


def test_batches_are_chunked_by_rows_and_by_bytes():
    queries = [AddressQuery(f"{n} rue de la Paix-Nimègue 59400 Cambrai") for n in range(1_000)]
    by_rows = list(csv_chunks(queries, max_rows=300, max_bytes=10_000_000))
    assert [len(c) for c in by_rows] == [300, 300, 300, 100]
    by_bytes = list(csv_chunks(queries, max_rows=5_000, max_bytes=4_000))
    assert sum(len(c) for c in by_bytes) == 1_000
    assert all(len("".join(q.text for q in c)) < 4_000 for c in by_bytes)
    assert [q for c in by_bytes for q in c] == queries


def test_batches_run_concurrently_and_come_back_in_order(flaky_server):
    queries = [AddressQuery(f"{n} rue de Paris Lille") for n in range(50)]
    with _client(flaky_server.url, batch_max_rows=7, max_concurrency=3) as client:
        pages = list(client.geocode_batch(queries))
    assert [len(page) for page in pages] == [7] * 7 + [1]
    assert flaky_server.count == 8
    labels = [r.label for page in pages for r in page]
    assert labels == [q.text for q in queries]


def test_django_settings_configure_the_client(settings):
    settings.GEOCODER_URL = "http://127.0.0.1:7878/"
    settings.GEOCODER_BATCH_MAX_ROWS = 123
    settings.GEOCODER_RATE_PER_S = 10.0
    config = GeocoderConfig.from_settings(max_concurrency=2)
    assert config.service == "http://127.0.0.1:7878"
    assert (config.batch_max_rows, config.rate_per_s, config.max_concurrency) == (123, 10.0, 2)


def test_the_default_service_is_the_geoplateforme_kept_under_its_50_requests_a_second():
    config = GeocoderConfig()
    assert config.base_url == "https://data.geopf.fr/geocodage"
    assert config.dialect == "geoplateforme"
    # A margin under the service's 50/s: 4 threads' scheduling may bunch a few requests.
    assert config.rate_per_s == 45.0
