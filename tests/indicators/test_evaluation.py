"""Time series and Insee's consecutive-vintage rule, on hand-made values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from quartiers.indicators.catalogue import catalogue_sync
from quartiers.indicators.evaluation import (
    CONSECUTIVE_RULE,
    evolution_compute,
    indicator_series,
    series_evolutions,
)
from quartiers.indicators.models import IndicatorValue

pytestmark = pytest.mark.django_db


@pytest.fixture
def employment():
    indicator = catalogue_sync()["taux_emploi"]
    for kind, code in (("qpv", "QN05901M"), ("commune", "59028")):
        for year, value, suppressed in (
            (2019, "44.0", False),
            (2020, "45.0", False),
            (2024, "48.4", False),
            (2025, None, True),
        ):
            IndicatorValue.objects.create(
                indicator=indicator,
                territory_kind=kind,
                territory_code=code,
                period=str(year),
                vintage=f"RP {year}",
                source="Insee (valeurs de test)",
                value=Decimal(value) if value else None,
                suppressed=suppressed,
            )
    return indicator


def test_series_is_ordered_by_vintage(employment):
    series = indicator_series(indicator=employment, territory_kind="qpv", territory_code="QN05901M")
    assert [p.year for p in series] == [2019, 2020, 2024, 2025]


def test_no_evolution_between_consecutive_vintages_in_a_qpv(employment):
    series = indicator_series(indicator=employment, territory_kind="qpv", territory_code="QN05901M")
    evolution = evolution_compute(territory_kind="qpv", start=series[0], end=series[1])
    assert evolution.absolute is None and evolution.relative_percent is None
    assert evolution.explanation == CONSECUTIVE_RULE
    assert "millésimes consécutifs" in evolution.explanation


def test_evolution_between_distant_vintages_in_a_qpv_is_computed(employment):
    series = indicator_series(indicator=employment, territory_kind="qpv", territory_code="QN05901M")
    evolution = evolution_compute(territory_kind="qpv", start=series[1], end=series[2])
    assert evolution.absolute == Decimal("3.4")
    assert round(evolution.relative_percent, 2) == Decimal("7.56")
    assert evolution.explanation == ""


def test_consecutive_vintages_are_compared_at_commune_level(employment):
    series = indicator_series(
        indicator=employment, territory_kind="commune", territory_code="59028"
    )
    evolution = evolution_compute(territory_kind="commune", start=series[0], end=series[1])
    assert evolution.absolute == Decimal("1")


def test_no_evolution_from_or_to_a_secret_value(employment):
    series = indicator_series(indicator=employment, territory_kind="qpv", territory_code="QN05901M")
    evolutions = series_evolutions(territory_kind="qpv", series=series)
    assert [e.absolute for e in evolutions] == [None, Decimal("3.4"), None]
    assert "secret statistique" in evolutions[2].explanation


def test_undocumented_vintage_gives_no_evolution(nord_indicators):
    from quartiers.indicators.models import Indicator

    indicator = Indicator.objects.get(code="population_municipale")
    (point,) = indicator_series(
        indicator=indicator, territory_kind="qpv", territory_code="QN05901M"
    )
    other = IndicatorValue.objects.create(
        indicator=indicator,
        territory_kind="qpv",
        territory_code="QN05901M",
        period="2030",
        vintage="RP 2030",
        source="test",
        value=Decimal(1400),
    )
    series = indicator_series(indicator=indicator, territory_kind="qpv", territory_code="QN05901M")
    assert series[0].period == other.period and series[1] == point
    evolution = evolution_compute(territory_kind="qpv", start=point, end=series[0])
    assert evolution.explanation == "Évolution non calculée : millésime non documenté."
