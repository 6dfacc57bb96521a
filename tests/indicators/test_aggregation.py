"""Aggregation of QPV values: only where valid, with the reason otherwise."""

from __future__ import annotations

from decimal import Decimal

import pytest

from quartiers.geography.models import QPV
from quartiers.indicators.aggregation import (
    NONE,
    RATIO,
    SUM,
    WEIGHTED,
    indicator_aggregate,
    territory_aggregate,
    territory_qpv_codes,
)
from quartiers.indicators.models import Indicator, IndicatorValue

pytestmark = pytest.mark.django_db

PORTE_DU_HAINAUT, VALENCIENNES = "200042190", "245901160"


def _indicator(code: str) -> Indicator:
    return Indicator.objects.select_related("numerator", "denominator").get(code=code)


def test_employment_rate_is_not_aggregated_and_says_why(nord_indicators):
    result = territory_aggregate(
        indicator=_indicator("taux_emploi"), kind="epci", code=VALENCIENNES
    )
    assert result.method == NONE and result.value is None
    assert result.reason == (
        "dénominateur (population de 15 à 64 ans) inconnu : agrégation impossible"
    )
    assert result.note == result.reason


def test_poverty_rate_and_youth_index_are_not_aggregated_either(nord_indicators):
    for code in ("taux_pauvrete_60", "indice_jeunesse"):
        result = territory_aggregate(indicator=_indicator(code), kind="departement", code="59")
        assert result.value is None and "agrégation impossible" in result.reason


def test_social_housing_rate_is_recomputed_from_its_parts(nord_indicators):
    # Hand computation from the file: QN05901M 494 / 589.6, QN05902M 424 / 550.1,
    # QN05903M 864 / 846.5 (logements sociaux / ménages).
    result = indicator_aggregate(
        indicator=_indicator("taux_logements_sociaux"),
        qpv_codes=["QN05901M", "QN05902M", "QN05903M"],
    )
    assert result.method == RATIO
    assert result.numerator_total == 494 + 424 + 864
    assert result.denominator_total == Decimal("589.6") + Decimal("550.1") + Decimal("846.5")
    assert round(result.value, 4) == round(Decimal(1782) / Decimal("1986.2") * 100, 4)
    assert round(result.value, 2) == Decimal("89.72")
    # Not the mean of the three published rates (83.79, 77.08, 102.07 → 87.65).
    assert round(result.value, 2) != round((Decimal("83.79") + Decimal("77.08") + 102) / 3, 2)


def test_ratio_leaves_out_qpv_whose_parts_are_secret(nord_indicators):
    # QN05974M has no household count (secret): it is left out of both sums.
    result = indicator_aggregate(
        indicator=_indicator("taux_logements_sociaux"), qpv_codes=["QN05901M", "QN05974M"]
    )
    assert result.used_codes == ["QN05901M"] and result.suppressed_codes == ["QN05974M"]
    assert round(result.value, 2) == Decimal("83.79")
    assert result.partial and "calculé sur 1 QPV sur 2" in result.note


def test_household_share_is_weighted_by_households(nord_indicators):
    result = indicator_aggregate(
        indicator=_indicator("part_menages_1_personne"), qpv_codes=["QN05901M", "QN05902M"]
    )
    assert result.method == WEIGHTED
    expected = (Decimal("34.5") * Decimal("589.6") + Decimal("31.8") * Decimal("550.1")) / (
        Decimal("589.6") + Decimal("550.1")
    )
    assert round(result.value, 6) == round(expected, 6)


def test_counts_add_up_over_the_departement(nord_indicators):
    result = territory_aggregate(
        indicator=_indicator("population_municipale"), kind="departement", code="59"
    )
    assert result.method == SUM and result.value == 432_926 and result.qpv_count == 94
    assert not result.lower_bound and result.note == ""


def test_a_count_with_secret_qpv_is_a_lower_bound(nord_indicators):
    result = territory_aggregate(
        indicator=_indicator("nombre_menages"), kind="departement", code="59"
    )
    assert result.lower_bound and len(result.suppressed_codes) == 2
    assert "valeur minimale : 2 QPV sous secret statistique" in result.note
    known = IndicatorValue.objects.filter(indicator__code="nombre_menages", suppressed=False)
    assert result.value == sum(v.value for v in known)


def test_a_count_with_every_qpv_secret_is_refused(nord_indicators):
    secret = IndicatorValue.objects.filter(indicator__code="nombre_menages", suppressed=True)
    codes = list(secret.values_list("territory_code", flat=True))
    result = indicator_aggregate(indicator=_indicator("nombre_menages"), qpv_codes=codes)
    assert result.value is None and "aucune valeur connue" in result.reason


def test_qpv_shared_by_two_epci_count_whole_in_each(nord_indicators):
    shared = set(territory_qpv_codes(kind="epci", code=PORTE_DU_HAINAUT)) & set(
        territory_qpv_codes(kind="epci", code=VALENCIENNES)
    )
    assert shared == {"QN05920M", "QN05921M", "QN05922M", "QN05930M"}
    population = _indicator("population_municipale")
    epci_total = sum(
        territory_aggregate(indicator=population, kind="epci", code=siren).value
        for siren in {s for q in QPV.objects.all() for s in q.epci_sirens}
    )
    shared_population = indicator_aggregate(indicator=population, qpv_codes=shared).value
    assert epci_total == 432_926 + shared_population


def test_arrondissement_totals_cover_every_qpv(nord_indicators):
    population = _indicator("population_municipale")
    codes = set()
    for arrondissement in ("591", "592", "593", "594", "595", "596"):
        codes |= set(territory_qpv_codes(kind="arrondissement", code=arrondissement))
        territory_aggregate(indicator=population, kind="arrondissement", code=arrondissement)
    assert len(codes) == 94


def test_contract_scope_needs_its_qpv_list(nord_indicators):
    with pytest.raises(ValueError, match="passez la liste de ses QPV"):
        territory_qpv_codes(kind="contract", code="CN05911M")
