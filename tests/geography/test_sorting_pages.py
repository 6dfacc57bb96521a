"""The QPV list sorted on the server (`?tri=`), checked against the source file: the page
shows the QPV in the order of the populations read from the SIG Ville CSV."""

from __future__ import annotations

import csv
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
