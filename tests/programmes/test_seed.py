"""The press kit's programmes and measures: right figures, nothing invented, re-runnable."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from quartiers.programmes.choices import DispositifKind, Scope
from quartiers.programmes.models import Measure, Programme
from quartiers.programmes.seed import seed_programmes_demo
from quartiers.programmes.selectors import measure_row
from quartiers.programmes.status import Status

pytestmark = pytest.mark.django_db

EQ2030_TARGETS = {
    "eq2030-citeslab": 200,
    "eq2030-citeslab-detectes": 70_000,
    "eq2030-citeslab-quartiers": 1_100,
    "eq2030-bus": 40,
    "eq2030-bus-detectes": 60_000,
    "eq2030-bus-quartiers": 1_300,
    "eq2030-carrefours": 40,
    "eq2030-carrefours-personnes": 80_000,
    "eq2030-accompagnements": 50_000,
    "eq2030-prets-honneur": 30_000,
    "eq2030-projets-innovants": 1_000,
    "eq2030-flash-tpe": 3_000,
    "eq2030-flash-montant": 150,
    "eq2030-fonds-commerces": 200,
    "eq2030-fast-track": 2_500,
}


def test_seed_creates_the_press_kit_programmes_and_measures():
    summary = seed_programmes_demo()
    assert (summary.added, summary.changed, summary.unchanged) == (37, 0, 0)
    assert Programme.objects.count() == 10
    assert Measure.objects.count() == 27
    assert Measure.objects.filter(programme__code="entrepreneuriat-quartiers-2030").count() == 15


def test_seed_is_idempotent():
    seed_programmes_demo()
    again = seed_programmes_demo()
    assert (again.added, again.changed, again.unchanged) == (0, 0, 37)
    assert Measure.objects.count() == 27


def test_entrepreneuriat_quartiers_2030_targets_are_national_for_end_2027():
    seed_programmes_demo()
    for code, target in EQ2030_TARGETS.items():
        measure = Measure.objects.get(code=code)
        assert measure.target_value == Decimal(target), code
        assert measure.deadline == date(2027, 12, 31)
        assert measure.scope == Scope.NATIONAL
        assert measure.baseline_value is None  # the press kit gives no starting point
    assert Measure.objects.get(code="eq2030-flash-montant").unit == "M€"


def test_dispositif_counts_are_stored_as_declared_totals():
    seed_programmes_demo()
    declared = dict(
        Programme.objects.exclude(declared_total=None).values_list(
            "dispositif_kind", "declared_total"
        )
    )
    assert declared == {
        DispositifKind.PRE: 34,
        DispositifKind.EDUCATIONAL_CITY: 15,
        DispositifKind.HEALTH_MEDIATOR: 24,
    }
    assert (
        Programme.objects.get(dispositif_kind=DispositifKind.HEALTH_WORKSHOP).declared_total is None
    )


def test_creche_target_is_five_percent_above_an_unknown_baseline():
    seed_programmes_demo()
    creches = Measure.objects.get(code="places-creches")
    assert creches.target_change == Decimal(5)
    assert creches.baseline_value is None and creches.target_effective is None
    row = measure_row(measure=creches, today=date(2026, 1, 1))
    assert row.result.status == Status.NO_DATA
    creches.baseline_value, creches.baseline_date = Decimal(2000), date(2024, 1, 1)
    assert creches.target_effective == Decimal(2100)


def test_fonds_vert_figures_of_2023_are_baselines_without_target():
    seed_programmes_demo()
    renovation = Measure.objects.get(code="fonds-vert-renovation")
    schools = Measure.objects.get(code="fonds-vert-renovation-ecoles")
    assert (renovation.baseline_value, schools.baseline_value) == (Decimal(118), Decimal(12))
    assert renovation.baseline_date == date(2023, 12, 31)
    assert renovation.target_value is None
    share = Measure.objects.get(code="fonds-vert-part-qpv")
    assert share.target_value == Decimal(15) and share.unit == "%"
    assert share.departement.insee_code == "59"


def test_health_mediator_coverage_targets_all_qpv_by_2030():
    seed_programmes_demo()
    coverage = Measure.objects.get(code="couverture-mediateurs-sante")
    assert coverage.target_value == Decimal(100)
    assert coverage.deadline == date(2030, 12, 31)
    assert coverage.coverage_kind == DispositifKind.HEALTH_MEDIATOR
    assert "24 médiateurs-santé sont actifs" in coverage.source_text


def test_cancer_screening_truck_is_due_in_autumn_2024_by_three_bodies():
    seed_programmes_demo()
    truck = Measure.objects.get(code="camion-depistage")
    assert truck.deadline == date(2024, 12, 20) and truck.deadline_label == "automne 2024"
    assert truck.responsible_body == "Département du Nord, ARS et État"


def test_a_baseline_entered_by_an_agent_survives_a_new_seed():
    seed_programmes_demo()
    Measure.objects.filter(code="places-creches").update(
        baseline_value=Decimal(2000), baseline_date=date(2024, 1, 1)
    )
    seed_programmes_demo()
    assert Measure.objects.get(code="places-creches").baseline_value == Decimal(2000)


def test_measures_without_figures_in_the_press_kit_have_no_target():
    seed_programmes_demo()
    for code in (
        "aides-permis",
        "vehicules-prix-modique",
        "immersions-entreprise",
        "maisons-sport-sante",
        "micro-fermes-jardins",
        "energie-familles",
    ):
        measure = Measure.objects.get(code=code)
        assert measure.target_value is None and measure.baseline_value is None, code
        assert measure.deadline is None


def test_seed_summary_reads_like_an_import_summary_for_demo_setup():
    summary = seed_programmes_demo()
    assert summary.removed == 0 and summary.warnings == []
    assert str(summary).startswith("Programmes et mesures du dossier de presse — ajoutés : 37")


def test_a_contract_measure_must_name_its_contract():
    from django.core.exceptions import ValidationError

    seed_programmes_demo()
    measure = Measure.objects.get(code="eq2030-citeslab")
    measure.scope = Scope.CONTRACT
    with pytest.raises(ValidationError, match="doit nommer ce contrat"):
        measure.full_clean()
