"""Contract core set, scorecard and QPV ↔ contract links, on the real Nord files.

Expected figures are recomputed here by hand from the raw CSV files (not from the database),
so that the aggregation is checked against the source, not against itself.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from quartiers.contracts.models import Contract
from quartiers.geography.models import QPV
from quartiers.indicators.aggregation import indicator_aggregate
from quartiers.indicators.contract_sets import (
    contract_core_indicators,
    contract_qpv_codes,
    contract_scorecard,
)
from quartiers.indicators.evaluation import CONSECUTIVE_RULE
from quartiers.indicators.models import Indicator, IndicatorValue

pytestmark = pytest.mark.django_db
LINKS = Path("qpv") / "contrats_de_ville_2024_nord_qpv.csv"
VALUES = Path("indicateurs") / "sigville_qpv2024_indicateurs_nord.csv"
SHARED = ["QN05920M", "QN05921M", "QN05922M", "QN05930M"]


def _text(response) -> str:
    html = response.content.decode()
    text = re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))
    return text.replace("&#x27;", "'")


def _raw_qpv_values(data_dir: Path) -> dict[str, dict[str, str]]:
    """One row per QPV of the raw SIG Ville file (values repeat on each commune's row)."""
    with (data_dir / VALUES).open(encoding="utf-8") as handle:
        return {row["codeQPV"]: row for row in csv.DictReader(handle)}


def _raw_contract_qpvs(data_dir: Path, code: str) -> list[str]:
    with (data_dir / LINKS).open(encoding="utf-8") as handle:
        return sorted({r["code_qp"] for r in csv.DictReader(handle) if r["code_cv"] == code})


@pytest.fixture
def nord(nord_contracts, nord_indicators):
    return {i.code: i for i in Indicator.objects.all()}


def test_a_one_qpv_contract_has_exactly_its_qpv_figures(nord, data_dir):
    contract = Contract.objects.get(code="CN05913M")  # Ostricourt
    assert _raw_contract_qpvs(data_dir, "CN05913M") == ["QN05945M"]
    raw = _raw_qpv_values(data_dir)["QN05945M"]
    rows = {r.indicator.code: r.aggregate for r in contract_core_indicators(contract=contract).rows}
    assert rows["population_municipale"].value == Decimal(raw["popMuniQPV"]) == 2132
    assert rows["rsa_socle"].value == Decimal(raw["RSA_socle"])
    expected = (
        Decimal(raw["nombre_logements_sociaux"]) / Decimal(raw["nombre_menages"]) * Decimal(100)
    )
    assert rows["taux_logements_sociaux"].value == expected
    # The file's own rounded rate agrees to its two decimals.
    assert round(expected, 2) == Decimal(raw["taux_logements_sociaux"])


def test_a_multi_qpv_contract_adds_counts_and_recomputes_the_rate_from_its_parts(nord, data_dir):
    contract = Contract.objects.get(code="CN05909M")  # Douaisis Agglo, 9 QPV
    codes = _raw_contract_qpvs(data_dir, "CN05909M")
    assert len(codes) == 9 and contract_qpv_codes(contract=contract)[0] == codes
    raw = _raw_qpv_values(data_dir)
    rows = {r.indicator.code: r.aggregate for r in contract_core_indicators(contract=contract).rows}
    population = sum(Decimal(raw[c]["popMuniQPV"]) for c in codes)
    assert rows["population_municipale"].value == population
    assert not rows["population_municipale"].lower_bound
    both = [c for c in codes if raw[c]["nombre_logements_sociaux"] and raw[c]["nombre_menages"]]
    housing = sum(Decimal(raw[c]["nombre_logements_sociaux"]) for c in both)
    households = sum(Decimal(raw[c]["nombre_menages"]) for c in both)
    rate = rows["taux_logements_sociaux"]
    assert rate.method == "ratio"
    assert rate.value == housing / households * 100
    assert rate.numerator_total == housing and rate.denominator_total == households
    # Not the mean of the QPV rates: the rate is recomputed from its parts.
    mean = sum(Decimal(raw[c]["taux_logements_sociaux"]) for c in both) / len(both)
    assert abs(rate.value - mean) > Decimal("0.1")


def test_the_four_shared_qpv_count_whole_in_both_contracts(nord, data_dir):
    population = nord["population_municipale"]
    hainaut, valenciennes = (Contract.objects.get(code=c) for c in ("CN05902M", "CN05904M"))
    for contract in (hainaut, valenciennes):
        codes, uncertain = contract_qpv_codes(contract=contract)
        assert uncertain == SHARED and set(SHARED) <= set(codes)
    raw = _raw_qpv_values(data_dir)
    shared_population = sum(Decimal(raw[c]["popMuniQPV"]) for c in SHARED)
    total = sum(
        indicator_aggregate(indicator=population, qpv_codes=contract_qpv_codes(contract=c)[0]).value
        for c in Contract.objects.filter(generation=2024)
    )
    departement = sum(Decimal(row["popMuniQPV"]) for row in raw.values())
    assert departement == 432926
    assert total == departement + shared_population


def test_the_contract_page_shows_its_core_set_and_refuses_non_additive_rates(client, nord):
    response = client.get(reverse("contracts:contract_detail", args=["CN05902M"]))
    assert response.status_code == 200
    text = _text(response)
    assert "Socle d'indicateurs clés du contrat" in text
    assert "Taux d'emploi non calculé : dénominateur (population de 15 à 64 ans) inconnu" in text
    assert "Indice de jeunesse non calculé" in text
    assert "rattachement incertain 4 QPV (QN05920M, QN05921M, QN05922M, QN05930M)" in text
    assert "comptés en entier dans chacun des deux contrats" in text
    assert "SIG Ville (ANCT) — compilation tierce ; millésime non documenté" in text
    assert reverse("indicators:contract_scorecard", args=["CN05902M"]) in response.content.decode()


def test_the_contract_page_compares_with_imported_reference_values(client, nord):
    IndicatorValue.objects.create(
        indicator=nord["taux_logements_sociaux"],
        territory_kind="departement",
        territory_code="59",
        period="2022",
        value=Decimal("22.5"),
        source="RPLS (valeur de test)",
        vintage="2022",
    )
    text = _text(client.get(reverse("contracts:contract_detail", args=["CN05913M"])))
    assert "Département : 22,5\u00a0% (RPLS (valeur de test), 2022)" in text


def test_a_qpv_page_lists_its_contracts_and_flags_uncertain_links(client, nord):
    text = _text(client.get(reverse("geography:qpv_detail", args=["QN05920M"])))
    assert "CA de la Porte du Hainaut (CN05902M) rattachement incertain" in text
    assert "CA Valenciennes Métropole (CN05904M) rattachement incertain" in text
    text = _text(client.get(reverse("geography:qpv_detail", args=["QN05945M"])))
    assert "Ostricourt (CN05913M) — tableau de bord" in text
    assert "rattachement incertain" not in text


def _contract_with_a_secret_cell() -> tuple[Contract, str, str]:
    secret = IndicatorValue.objects.filter(
        territory_kind="qpv", suppressed=True, indicator__core_set=True
    ).order_by("territory_code")
    for value in secret:
        contract = Contract.objects.filter(qpv_links__qpv__code=value.territory_code).first()
        if contract is not None:
            return contract, value.territory_code, value.indicator.code
    raise AssertionError("aucun QPV sous secret statistique dans le socle")


def test_the_scorecard_page_ranks_each_qpv_and_shows_secret_cells(client, nord):
    contract, secret_code, indicator_code = _contract_with_a_secret_cell()
    response = client.get(reverse("indicators:contract_scorecard", args=[contract.code]))
    assert response.status_code == 200
    text = _text(response)
    assert "secret statistique" in text
    assert CONSECUTIVE_RULE in text
    scorecard = contract_scorecard(contract=contract)
    row = next(r for r in scorecard.rows if r.indicator.code == indicator_code)
    assert len(row.qpvs) == len(scorecard.qpv_codes)
    secret = next(item for item in row.qpvs if item.row.code == secret_code)
    assert secret.row.suppressed and secret.row.rank is None and secret.row.value is None
    ranks = [item.row.rank for item in row.qpvs if item.row.rank is not None]
    assert ranks == sorted(ranks) and all(1 <= r <= row.ranked_count for r in ranks)


def test_the_scorecard_csv_has_the_contract_line_and_one_line_per_qpv(client, nord):
    contract, secret_code, indicator_code = _contract_with_a_secret_cell()
    response = client.get(reverse("indicators:contract_scorecard_export", args=[contract.code]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    qpv_count = contract.qpv_links.count()
    core = Indicator.objects.filter(core_set=True).count()
    assert len(rows) == core * (1 + qpv_count)
    assert sum(1 for r in rows if r["territoire"] == "contrat") == core
    secret = next(
        r for r in rows if r["code"] == secret_code and r["code_indicateur"] == indicator_code
    )
    assert secret["valeur"] == "secret statistique" and secret["secret_statistique"] == "oui"
    assert secret["rang_parmi_les_qpv_du_département"] == ""
    employment = next(
        r for r in rows if r["territoire"] == "contrat" and r["code_indicateur"] == "taux_emploi"
    )
    assert employment["valeur"] == "" and "agrégation impossible" in employment["remarque"]


def _population_at(code: str, indicator: Indicator, year: int, value: str) -> None:
    IndicatorValue.objects.create(
        indicator=indicator,
        territory_kind="qpv",
        territory_code=code,
        period=str(year),
        vintage=f"RP {year}",
        value=Decimal(value),
        source="Insee (valeurs de test)",
    )


def test_the_scorecard_refuses_consecutive_vintages_and_uses_a_distant_one(client, nord):
    population = nord["population_municipale"]
    contract = Contract.objects.get(code="CN05913M")
    _population_at("QN05945M", population, 2019, "2000")
    _population_at("QN05945M", population, 2020, "2100")
    row = contract_scorecard(contract=contract).rows[0]
    assert row.indicator == population
    assert row.evolution.absolute is None and row.evolution_note == CONSECUTIVE_RULE
    assert row.qpvs[0].evolution_note == CONSECUTIVE_RULE
    _population_at("QN05945M", population, 2017, "1900")
    row = contract_scorecard(contract=contract).rows[0]
    assert row.evolution.start.period == "2017" and row.evolution.end.period == "2020"
    assert row.evolution.absolute == 200
    assert row.qpvs[0].evolution.absolute == 200
    text = _text(client.get(reverse("indicators:contract_scorecard", args=["CN05913M"])))
    assert "+200 habitants (2017 → 2020)" in text


def test_a_contract_without_qpv_says_so(client, nord):
    contract = Contract.objects.create(
        code="CV999",
        generation=2015,
        name="Contrat sans QPV",
        carrier_kind="EPCI",
        carrier_code="1",
    )
    assert contract_core_indicators(contract=contract).rows == []
    text = _text(client.get(reverse("indicators:contract_scorecard", args=["CV999"])))
    assert "Aucun QPV rattaché à ce contrat" in text
    assert QPV.objects.filter(contract_links__contract=contract).count() == 0


def test_the_scorecard_chart_sets_the_contract_beside_all_qpv_as_svg_and_csv(client, nord):
    contract = Contract.objects.get(code="CN05913M")
    rate = contract_core_indicators(contract=contract).rows
    housing = next(r.aggregate for r in rate if r.indicator.code == "taux_logements_sociaux")
    page = client.get(reverse("indicators:contract_scorecard", args=["CN05913M"]))
    assert 'data-testid="chart-contrat-CN05913M"' in page.content.decode()
    assert "js/chart-png.js" in page.content.decode()
    svg = client.get(reverse("indicators:contract_chart_export", args=["CN05913M", "svg"]))
    assert svg["Content-Type"].startswith("image/svg+xml")
    root = ET.fromstring(svg.content)  # noqa: S314 - our own SVG
    texts = " ".join(t for t in root.itertext())
    assert f"{round(housing.value, 1)}".replace(".", ",") + "\u00a0%" in texts
    assert "Taux d'emploi — contrat" in texts and "non agrégeable" in texts
    data = client.get(reverse("indicators:contract_chart_export", args=["CN05913M", "csv"]))
    rows = list(csv.reader(io.StringIO(data.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["libellé", "série", "valeur", "unité", "remarque"]
    assert {r[1] for r in rows[1:-1]} == {"QPV du contrat", "Ensemble des QPV du département"}
