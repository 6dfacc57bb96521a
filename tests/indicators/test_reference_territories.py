"""Reference territories (communes, EPCI, département, France) beside the QPV.

Expected values are read from the source CSV files with the standard library.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from quartiers.geography.importers.national import departement_import
from quartiers.indicators.importers.reference import reference_values_import
from quartiers.indicators.models import IndicatorValue, TerritoryKind

REFERENCE = Path("indicateurs") / "reference"
NBSP = "\u00a0"


def _text(response) -> str:
    html = response.content.decode()
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


def _nord_population(data_dir: Path) -> list[dict[str, str]]:
    path = data_dir / REFERENCE / "population_municipale_nord_reference_2019_2023.csv"
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _value(kind: str, code: str, period: str, indicator: str = "population_municipale"):
    return IndicatorValue.objects.get(
        indicator__code=indicator, territory_kind=kind, territory_code=code, period=period
    )


@pytest.mark.django_db
def test_nord_reference_populations_are_the_file_values_for_every_level_and_vintage(data_dir):
    rows = _nord_population(data_dir)

    reference_values_import(data_dir=data_dir, departement="59", apply=True)

    kinds = {"commune": "commune", "epci_somme_communes": "epci", "departement": "departement"}
    checked = 0
    for row in rows:
        kind = kinds.get(row["niveau"]) or ("france" if row["niveau"] == "france" else None)
        if kind is None or not row["population_municipale"]:
            continue
        stored = _value(kind, row["code"], row["millesime_population_legale"])
        assert stored.value == Decimal(row["population_municipale"])
        checked += 1
    assert (
        checked
        == IndicatorValue.objects.filter(indicator__code="population_municipale")
        .exclude(territory_kind=TerritoryKind.QPV)
        .count()
    )
    # 59070 (Bermeries) merged in 2025: no 2023 row, never a zero.
    assert not IndicatorValue.objects.filter(territory_code="59070", period="2023").exists()


@pytest.mark.django_db
def test_filosofi_poverty_rates_are_stored_for_communes_with_secrecy_kept(data_dir):
    path = data_dir / REFERENCE / "filosofi_2021_communes_nord.csv"
    with path.open(encoding="utf-8") as handle:
        rows = {r["CODGEO"]: r["TP6021"] for r in csv.DictReader(handle, delimiter=";")}

    reference_values_import(data_dir=data_dir, departement="59", apply=True)

    stored = {
        v.territory_code: v
        for v in IndicatorValue.objects.filter(
            indicator__code="taux_pauvrete_60", territory_kind=TerritoryKind.COMMUNE
        )
    }
    assert set(stored) == set(rows)
    assert stored["59512"].value == Decimal("46.0")  # Roubaix
    secret = {code for code, raw in rows.items() if raw == "s"}
    assert {c for c, v in stored.items() if v.suppressed} == secret
    assert all(stored[c].value is None for c in secret)


@pytest.mark.django_db
def test_a_second_reference_import_changes_nothing_and_a_dry_run_writes_nothing(data_dir):
    before = IndicatorValue.objects.count()
    reference_values_import(data_dir=data_dir, departement="59", apply=False)
    assert IndicatorValue.objects.count() == before

    reference_values_import(data_dir=data_dir, departement="59", apply=True)
    again = reference_values_import(data_dir=data_dir, departement="59", apply=True)

    assert all(s.added == 0 and s.changed == 0 for s in again)


@pytest.mark.django_db
def test_another_departement_gets_its_communes_2021_2022_and_sums(data_dir):
    path = data_dir / "referentiel" / "france_cog2024" / "communes_france_cog2024.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    lyon_epci = "200046977"  # Métropole de Lyon
    expected_dep = sum(int(r["population_pkg_4_1_0"]) for r in rows if r["departement"] == "69")
    expected_epci = sum(
        int(r["population_pkg_4_0_0"]) for r in rows if r["siren_epci"] == lyon_epci
    )
    departement_import(data_dir=data_dir, departement="69", apply=True)

    reference_values_import(data_dir=data_dir, departement="69", apply=True)

    assert _value("departement", "69", "2022").value == expected_dep
    assert _value("epci", lyon_epci, "2021").value == expected_epci
    france = next(
        r
        for r in _nord_population(data_dir)
        if r["code"] == "FR" and r["millesime_population_legale"] == "2023"
    )
    assert _value("france", "FR", "2023").value == Decimal(france["population_municipale"])


def _single_commune_qpvs(data_dir: Path) -> tuple[str, list[str]]:
    """A commune with two QPV or more, each lying wholly in it (from the Nord CSV)."""
    with (data_dir / "qpv" / "qpv2024_nord_communes.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_commune: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_commune.setdefault(row["insee_com"], []).append(row)
    return next(
        (code, [r["code_qp"] for r in found])
        for code, found in sorted(by_commune.items())
        if len(found) >= 2 and all(r["nb_communes_qpv"] == "1" for r in found)
    )


@pytest.mark.django_db
def test_qpv_page_fills_comparisons_and_says_why_a_value_is_missing(
    client, data_dir, nord_indicators
):
    reference_values_import(data_dir=data_dir, departement="59", apply=True)
    commune, qpvs = _single_commune_qpvs(data_dir)
    population = {
        r["code"]: int(r["population_municipale"])
        for r in _nord_population(data_dir)
        if r["millesime_population_legale"] == "2023" and r["population_municipale"]
    }
    path = data_dir / "indicateurs" / "sigville_qpv2024_indicateurs_nord.csv"
    with path.open(encoding="utf-8") as handle:
        qpv_population = {r["codeQPV"]: int(r["popMuniQPV"]) for r in csv.DictReader(handle)}
    outside = population[commune] - sum(qpv_population[q] for q in qpvs)

    text = _text(client.get(reverse("geography:qpv_detail", args=[qpvs[0]])))

    assert f"{population[commune]:,}".replace(",", NBSP) in text
    assert "Commune hors QPV" in text and f"{outside:,}".replace(",", NBSP) in text
    assert "Département : non disponible — Filosofi 2021 n'est disponible que par commune" in text
    assert "exige le numérateur et le dénominateur" in text


@pytest.mark.django_db
def test_key_figures_fill_departement_outside_and_france_for_population(
    client, data_dir, nord_indicators
):
    reference_values_import(data_dir=data_dir, departement="59", apply=True)
    rows = _nord_population(data_dir)
    dep_2023 = int(
        next(
            r
            for r in rows
            if r["niveau"] == "departement" and r["millesime_population_legale"] == "2023"
        )["population_municipale"]
    )
    qpv_sum = 432926  # Σ popMuniQPV over the 94 Nord QPV (PROVENANCE §2)

    text = _text(client.get(reverse("indicators:key_figures")))

    assert f"{dep_2023 - qpv_sum:,}".replace(",", NBSP) in text
    assert "population légale 2023" in text
    assert "non disponible — Filosofi 2021 n'est disponible que par commune" in text


def test_legal_populations_are_compared_only_five_years_apart():
    from quartiers.indicators.evaluation import SeriesPoint, evolution_compute

    def point(year: int, value: int) -> SeriesPoint:
        return SeriesPoint(str(year), f"population légale {year}", Decimal(value), False, "Insee")

    refused = evolution_compute(
        territory_kind="commune", start=point(2019, 100), end=point(2023, 110)
    )
    allowed = evolution_compute(
        territory_kind="commune", start=point(2019, 100), end=point(2024, 110)
    )

    assert refused.absolute is None and "au moins 5 ans d'écart" in refused.explanation
    assert "4 ans" in refused.explanation
    assert allowed.absolute == 10 and allowed.relative_percent == 10


@pytest.mark.django_db
def test_key_figures_draw_the_population_series_with_a_label_per_vintage(
    client, data_dir, nord_indicators
):
    reference_values_import(data_dir=data_dir, departement="59", apply=True)
    rows = [r for r in _nord_population(data_dir) if r["niveau"] == "departement"]

    html = client.get(reverse("indicators:key_figures")).content.decode()
    svg = client.get(
        reverse(
            "indicators:key_figures_export", kwargs={"slug": "population-departement", "fmt": "svg"}
        )
    ).content.decode()

    assert 'data-testid="chart-population-departement"' in html
    assert "les millésimes disponibles ne sont distants que de 4 ans" in html
    for row in rows:  # one labelled bar per vintage, the value written beside it
        assert f"population légale {row['millesime_population_legale']}" in svg
        assert f"{int(row['population_municipale']):,}".replace(",", NBSP) in svg
    assert "url(#q-solid)" in svg  # pattern fill, not colour alone
