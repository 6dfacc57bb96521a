"""The geocoding cache: an address already geocoded (however it is written) is never sent to
the service again, and the cache tells nothing about who asked."""

from __future__ import annotations

import pytest

from quartiers.georef.geocoder import (
    AddressQuery,
    GeocoderClient,
    GeocoderConfig,
    address_normalize,
    addresses_geocode,
)
from quartiers.georef.models import GeocodeCache

pytestmark = pytest.mark.django_db


def _client(url: str, **options: object) -> GeocoderClient:
    return GeocoderClient(GeocoderConfig(base_url=url, rate_per_s=1_000.0, **options))


def _geocode(client: GeocoderClient, queries: list[AddressQuery], **options: object) -> list:
    return [
        r for page in addresses_geocode(queries=queries, client=client, **options) for r in page
    ]


def test_normalisation_folds_case_accents_punctuation_and_spaces():
    a = address_normalize(text="12, Rue de l'Église   59000 LILLE")
    b = address_normalize(text="12 rue de l eglise 59000 Lille")
    assert a == b == "12 rue de l eglise 59000 lille||"


def test_normalisation_keeps_the_postcode_and_insee_code_filters_apart():
    plain = address_normalize(text="47 rue Jean Jaurès")
    filtered = address_normalize(text="47 rue Jean Jaurès", postcode="59233")
    assert plain != filtered
    assert filtered.endswith("|59233|")


@pytest.mark.parametrize("mode", ["batch", "single"])
def test_a_second_geocoding_of_the_same_addresses_sends_no_request(flaky_server, mode):
    queries = [AddressQuery(f"{n} rue Nationale Lille") for n in range(30)]
    with _client(flaky_server.url, batch_max_rows=10) as client:
        first = _geocode(client, queries, mode=mode)
        sent = flaky_server.count
        second = _geocode(client, queries, mode=mode)
    assert sent == (3 if mode == "batch" else 30)
    assert flaky_server.count == sent
    assert second == first
    assert all(r.found and r.citycode == "59350" for r in second)


def test_other_spellings_of_a_cached_address_are_answered_from_the_cache(flaky_server):
    with _client(flaky_server.url) as client:
        _geocode(client, [AddressQuery("2 rue Saint-Bernard, 59000 LILLE")])
        again = _geocode(
            client,
            [
                AddressQuery("2 RUE SAINT BERNARD 59000 Lille"),
                AddressQuery("2 rue saint bernard 59000 lille"),
            ],
        )
    assert flaky_server.count == 1
    assert again[0] == again[1] and again[0].found


def test_duplicates_within_one_file_are_geocoded_once(flaky_server):
    queries = [AddressQuery("2 rue Saint Bernard Lille")] * 5 + [
        AddressQuery("1 place Rihour Lille")
    ]
    with _client(flaky_server.url) as client:
        results = _geocode(client, queries, mode="single")
    assert flaky_server.count == 2
    assert len(results) == 6


def test_addresses_not_found_are_cached_too(addok_url):
    query = AddressQuery("qsdfgh wxcvbn 59000")
    with _client(addok_url) as client:
        first = _geocode(client, [query])
        sent = client.requests_sent
        second = _geocode(client, [query])
    assert not first[0].found and second == first
    assert client.requests_sent == sent == 1


def test_cache_entries_of_two_services_never_mix(flaky_server, addok_url):
    query = AddressQuery("19 Rue Denis Cordonnier Aniche")
    with _client(flaky_server.url) as fake, _client(addok_url) as real:
        from_fake = _geocode(fake, [query])[0]
        from_real = _geocode(real, [query])[0]
    assert from_fake.citycode == "59350"  # the test server's Lille
    assert from_real.citycode == "59008"  # Aniche, from the real addok
    assert GeocodeCache.objects.filter(service=addok_url).count() == 1


def test_the_cache_keeps_no_link_to_users_files_or_jobs():
    relations = [f.name for f in GeocodeCache._meta.get_fields() if f.is_relation]
    assert relations == []


def test_results_come_back_chunk_by_chunk_in_order_for_resumable_jobs(flaky_server):
    queries = [AddressQuery(f"{n} rue de Paris Lille") for n in range(25)]
    with _client(flaky_server.url, batch_max_rows=4) as client:
        pages = list(addresses_geocode(queries=queries, client=client, chunk_size=10))
        assert [len(page) for page in pages] == [10, 10, 5]
        # A job that stored the first two chunks resumes at row 20: only 5 rows are asked for.
        sent = flaky_server.count
        resumed = list(addresses_geocode(queries=queries[20:], client=client, use_cache=False))
    assert flaky_server.count == sent + 2  # 5 rows in chunks of 4
    assert [r.label for r in resumed[0]] == [q.text for q in queries[20:]]
