"""The client speaks the Géoplateforme protocol (the national geocoder since January 2026),
tested against a local server of that protocol written from its OpenAPI description and backed
by the real local addok (tests/georef/geoplateforme_server.py): the geocoder-tester queries
must land within the files' tolerance, and the client must keep under the 50 requests/s the
service allows, honouring its 429 + Retry-After."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from quartiers.georef.geocoder import AddressQuery, GeocoderClient, GeocoderConfig
from quartiers.georef.geocoder.types import protocol_detect
from tests.georef.geocoder_cases import distance_m, geocoder_tester_rows
from tests.georef.geoplateforme_server import geoplateforme_start


def _client(url: str, **options: object) -> GeocoderClient:
    return GeocoderClient(GeocoderConfig(base_url=url, **options))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "setting", "expected"),
    [
        ("https://data.geopf.fr/geocodage", "auto", "geoplateforme"),
        ("http://127.0.0.1:9000/geocodage/", "auto", "geoplateforme"),
        ("http://127.0.0.1:7878", "auto", "addok"),
        ("https://geocodeur.prefecture.example", "geoplateforme", "geoplateforme"),
        ("https://data.geopf.fr/geocodage", "addok", "addok"),
    ],
)
def test_the_protocol_is_the_setting_or_guessed_from_the_url(url, setting, expected):
    assert protocol_detect(base_url=url, setting=setting) == expected


def test_tester_queries_land_within_tolerance_one_by_one_and_in_csv_batches(
    geoplateforme, data_dir: Path
):
    cases = geocoder_tester_rows(data_dir)[::7]  # about 210 queries, every source file
    queries = [AddressQuery(case.query) for case in cases]
    with _client(geoplateforme.base_url, rate_per_s=40.0) as client:
        assert client.dialect.name == "geoplateforme"
        single = [r for page in client.geocode_single(queries) for r in page]
        batch = [r for page in client.geocode_batch(queries) for r in page]
    for results, floor in ((single, 0.97), (batch, 0.95)):
        hits = sum(
            r.found and distance_m(r.lon, r.lat, c.lon, c.lat) <= c.tolerance_m
            for c, r in zip(cases, results, strict=True)
        )
        assert hits >= floor * len(cases)
    assert {"/search", "/search/csv"} <= {path for _, path, _ in geoplateforme.log}


def test_the_second_candidates_score_comes_back_from_search_and_from_csv(geoplateforme, addok_url):
    query = AddressQuery("Rue de la Gare")  # a street name of many Nord towns
    direct = httpx.get(f"{addok_url}/search/", params={"q": query.text, "limit": 2}).json()
    expected = [f["properties"]["score"] for f in direct["features"]]
    assert len(expected) == 2
    with _client(geoplateforme.base_url) as client:
        one = client.search(query)
        [batch] = client.search_csv([query])
    assert (one.score, one.score_next) == pytest.approx(tuple(expected))
    assert (batch.score, batch.score_next) == pytest.approx(tuple(expected))


def test_an_address_the_service_cannot_match_is_not_found(geoplateforme):
    with _client(geoplateforme.base_url) as client:
        assert not client.search(AddressQuery("zzzz qqqq wwww")).found
        assert [r.found for r in client.search_csv([AddressQuery("zzzz qqqq wwww")])] == [False]


def test_reverse_geocoding_gives_the_address_addok_finds_nearest(geoplateforme, addok_url):
    lon, lat = 3.04098, 50.622501  # 2 rue Saint-Bernard, Lille (indexed)
    direct = httpx.get(f"{addok_url}/reverse/", params={"lon": lon, "lat": lat}).json()
    with _client(geoplateforme.base_url) as client:
        result = client.reverse(lon=lon, lat=lat)
    assert result.label == direct["features"][0]["properties"]["label"]


def test_a_client_within_the_rate_is_never_refused(geoplateforme):
    before = len(geoplateforme.log)
    queries = [AddressQuery(f"{n} rue Saint-Bernard 59000 Lille") for n in range(1, 121)]
    with _client(geoplateforme.base_url, max_concurrency=4) as client:  # default rate: 45/s
        results = [r for page in client.geocode_single(queries) for r in page]
    assert all(r.found for r in results)
    assert geoplateforme.refused() == 0
    assert len(geoplateforme.log) - before == 120
    assert geoplateforme.max_per_second() <= 50


def test_a_client_too_fast_waits_as_told_by_429_and_still_gets_every_answer(addok_url):
    running = geoplateforme_start(addok_url=addok_url, rate=5.0, retry_after_s=1)
    try:
        queries = [AddressQuery(f"{n} rue Saint-Bernard 59000 Lille") for n in range(1, 16)]
        options = {"rate_per_s": 1_000.0, "max_concurrency": 3, "max_attempts": 10}
        with _client(running.state.base_url, **options) as client:
            results = [r for page in client.geocode_single(queries) for r in page]
        with _client(running.state.base_url, rate_per_s=4.0) as polite:
            expected = [polite.search(q) for q in queries[:3]]
    finally:
        running.stop()
    assert running.state.refused() > 0
    assert all(r.found for r in results)
    assert results[:3] == expected
    assert running.state.max_per_second() <= 5


@pytest.mark.django_db
def test_an_ambiguous_address_looked_up_alone_is_uncertain_and_says_why(geoplateforme):
    from quartiers.georef.lookup import address_locate

    with _client(geoplateforme.base_url) as client:
        answer = address_locate(q="Rue de la Gare", client=client)
    assert answer.status == "uncertain"
    assert any(reason.startswith("deuxième candidat proche") for reason in answer.reasons)
