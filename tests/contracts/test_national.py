"""Contracts of any département from the national ANCT files; the 2015 generation is history.

Expected values are read from the source files with the standard library (csv, json).
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from django.urls import reverse

from quartiers.contracts.choices import ContractStatus, LinkStatus
from quartiers.contracts.models import Contract, ContractQPV
from quartiers.contracts.national import contracts_import_departement
from quartiers.geography.importers.national import departement_import

NATIONAL = Path("contrats_nationaux")
LEGACY = re.compile(r"^CV\d{3}$")


def _features(data_dir: Path, name: str) -> list[dict]:
    document = json.loads((data_dir / NATIONAL / name).read_text(encoding="utf-8"))
    return [f["properties"] for f in document["features"]]


def expected(data_dir: Path, code: str) -> dict:
    """Contracts 2024 (new codes), their links to the département's QPV, the shared QPV."""
    path = data_dir / NATIONAL / "contrats_de_ville_2024_x_qpv2024_france_derived.csv"
    with path.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if not LEGACY.match(r["code_cv"])]
    contracts_by_qpv: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        contracts_by_qpv[row["code_qp"]].add(row["code_cv"])
    links = {(r["code_cv"], r["code_qp"]) for r in rows if r["insee_dep_qp"] == code}
    own = {
        p["code_cv"]
        for p in _features(data_dir, "geom_cv_ctr_2024_national_anct_civille2.geojson")
        if p["insee_dep"] == code and not LEGACY.match(p["code_cv"])
    }
    shared = {q for _, q in links if len(contracts_by_qpv[q]) > 1}
    old = {
        p["code_cv"]
        for p in _features(data_dir, "geom_cv_ctr_2015_national_anct_civille.geojson")
        if p["insee_dep"] == code
    }
    return {"contracts": own | {c for c, _ in links}, "links": links, "shared": shared, "old": old}


@pytest.fixture
def setup_departement(db, data_dir):
    def run(code: str) -> None:
        departement_import(data_dir=data_dir, departement=code, apply=True)
        contracts_import_departement(data_dir=data_dir, departement=code, apply=True)

    return run


@pytest.mark.parametrize("code", ["69", "13", "974"])
def test_contracts_of_a_departement_are_the_national_rows_with_their_qpv(
    data_dir, setup_departement, code
):
    oracle = expected(data_dir, code)

    setup_departement(code)

    assert (
        set(Contract.objects.filter(generation=2024).values_list("code", flat=True))
        >= (oracle["contracts"])
    )
    links = ContractQPV.objects.filter(qpv__departement_code=code)
    assert set(links.values_list("contract__code", "qpv__code")) == oracle["links"]
    uncertain = links.filter(link_status=LinkStatus.UNCERTAIN)
    assert set(uncertain.values_list("qpv__code", flat=True)) == oracle["shared"]
    old = Contract.objects.filter(code__in=oracle["old"])
    assert set(old.values_list("generation", flat=True)) == {2015}
    assert old.count() == len(oracle["old"])


def test_overseas_legacy_cv_codes_stay_2015_history_not_2024_contracts(data_dir, setup_departement):
    setup_departement("974")

    assert not Contract.objects.filter(generation=2024, code__startswith="CV").exists()
    assert Contract.objects.get(code="CV393").generation == 2015  # Saint-Denis, 2015–2023


@pytest.mark.parametrize("code", ["69", "974"])
def test_every_2015_contract_is_shown_ended_never_in_preparation(
    client, data_dir, setup_departement, code
):
    setup_departement(code)

    statuses = set(Contract.objects.filter(generation=2015).values_list("status", flat=True))
    assert statuses == {ContractStatus.ENDED}
    html = client.get(reverse("contracts:contract_list") + "?generation=2015").content.decode()
    assert "Terminé" in html
    assert "En préparation" not in html
    some = Contract.objects.filter(generation=2015).first()
    detail = client.get(reverse("contracts:contract_detail", args=[some.code])).content.decode()
    assert "non signé" not in detail and "Terminé" in detail


def test_the_nord_2015_contracts_are_ended_too(data_dir, contracts):
    assert set(Contract.objects.filter(generation=2015).values_list("status", flat=True)) == {
        ContractStatus.ENDED
    }
    assert Contract.objects.filter(generation=2015).count() == 13


def test_shared_qpv_are_listed_as_an_inference_on_the_contract_list(
    client, data_dir, setup_departement
):
    oracle = expected(data_dir, "974")
    setup_departement("974")

    html = client.get(reverse("contracts:contract_list")).content.decode()

    assert 'data-testid="inference-callout"' in html
    assert "pas une correspondance officielle" in html
    for qpv in oracle["shared"]:
        assert qpv in html


def test_a_second_contract_import_changes_nothing(data_dir, setup_departement):
    setup_departement("13")

    summaries = contracts_import_departement(data_dir=data_dir, departement="13", apply=True)

    assert all(not (s.added or s.changed or s.removed) for s in summaries)
