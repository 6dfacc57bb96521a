"""The QPV list sorted on the server (`?tri=`), checked against the source file: the page
shows the QPV in the order of the populations read from the SIG Ville CSV."""

from __future__ import annotations

import csv
import json
import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def populations(data_dir) -> dict[str, int]:
    path = data_dir / "indicateurs" / "sigville_qpv2024_indicateurs_nord.csv"
    with path.open() as f:
        return {r["codeQPV"]: int(float(r["popMuniQPV"])) for r in csv.DictReader(f)}


def _codes(html: str) -> list[str]:
    body = html.split('data-testid="qpv-table"', 1)[1]
    return re.findall(r'<th scope="row"><a href="/qpv/(QN\w+)/', body)


def test_the_qpv_list_sorts_by_population_on_the_server_across_pages(client, populations):
    expected = sorted(populations.values(), reverse=True)
    first = client.get("/qpv/?tri=-population").content.decode()
    second = client.get("/qpv/?tri=-population&page=2").content.decode()
    codes = _codes(first) + _codes(second)
    assert len(codes) == len(populations) == 94
    assert [populations[c] for c in codes] == expected
    assert re.search(r'<th scope="col" class="q-num" aria-sort="descending"', first)
    assert first.count("aria-sort=") == 1

    ascending = _codes(client.get("/qpv/?tri=population").content.decode())
    assert [populations[c] for c in ascending] == sorted(populations.values())[:50]


def test_the_qpv_list_keeps_its_filters_in_the_sort_links(client):
    html = client.get("/qpv/?npnru=national&tri=nom").content.decode()
    assert 'href="?npnru=national&amp;tri=-nom#qpv-table"' in html
    assert 'href="?npnru=national&amp;tri=population#qpv-table"' in html


def test_the_commune_list_sorts_by_qpv_count_counted_from_the_source_file(client, data_dir):
    with (data_dir / "qpv" / "qpv2024_nord_communes.csv").open() as f:
        rows = list(csv.DictReader(f))
    qpvs: dict[str, set[str]] = {}
    for row in rows:
        qpvs.setdefault(row["insee_com"], set()).add(row["code_qp"])
    counts = {commune: len(codes) for commune, codes in qpvs.items()}
    html = client.get("/communes/?tri=-qpv").content.decode()
    body = html.split('data-testid="commune-table"', 1)[1]
    codes = re.findall(r'<th scope="row">(\d{5})</th>', body)
    assert [counts[c] for c in codes] == sorted(counts.values(), reverse=True)[: len(codes)]
    assert len(codes) == min(50, len(counts))


def _sirens(html: str) -> list[str]:
    body = html.split('data-testid="epci-table"', 1)[1]
    return re.findall(r'<th scope="row">(\d{9})</th>', body)


def test_the_epci_list_sorts_by_population_as_the_source_file_gives_it(client, data_dir):
    with (data_dir / "referentiel" / "epci_nord_2024.json").open() as f:
        population = {e["code"]: e["populationMunicipale"] for e in json.load(f)}
    descending = _sirens(client.get("/epci/?toutes=on&tri=-population").content.decode())
    assert len(descending) == len(population) == 17
    assert [population[s] for s in descending] == sorted(population.values(), reverse=True)
    html = client.get("/epci/?toutes=on&tri=population").content.decode()
    assert [population[s] for s in _sirens(html)] == sorted(population.values())
    assert html.count("aria-sort=") == 1
    assert re.search(r'class="q-num" aria-sort="ascending" data-sort-key="population"', html)
    # The other parameters (the filter) stay in the headers' links.
    assert 'href="?toutes=on&amp;tri=-population#epci-table"' in html
    assert 'href="?toutes=on&amp;tri=nom#epci-table"' in html


def test_the_epci_list_sorts_by_name_and_ignores_an_unknown_order(client, data_dir):
    with (data_dir / "referentiel" / "epci_nord_2024.json").open() as f:
        names = {e["code"]: e["nom"] for e in json.load(f)}
    ascending = _sirens(client.get("/epci/?toutes=on&tri=nom").content.decode())
    descending = _sirens(client.get("/epci/?toutes=on&tri=-nom").content.decode())
    # Checked by hand: the accents of the Nord's EPCI names (« Pévèle », « Métropole »,
    # « Caudrésis ») fall where the case-insensitive code-point order puts them too.
    assert [names[s] for s in ascending] == sorted(names.values(), key=str.casefold)
    assert descending == ascending[::-1]
    unknown = client.get("/epci/?toutes=on&tri=inconnu")
    assert unknown.status_code == 200
    assert _sirens(unknown.content.decode()) == ascending  # the default order, by name
