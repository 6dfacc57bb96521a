"""Status of a measure on dated cases (pure computation, no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from quartiers.programmes.status import (
    Point,
    Status,
    Trajectory,
    expected_value,
    measure_status_compute,
)

D = Decimal
# 200 CitésLab by 31/12/2027, starting from a (hypothetical, test-only) 100 on 01/01/2024.
CITESLAB = Trajectory(
    baseline=Point(date(2024, 1, 1), D(100)), target=D(200), deadline=date(2027, 12, 31)
)


def status(trajectory: Trajectory, *points: tuple[date, int | str], today: date) -> Status:
    observations = [Point(on, D(value)) for on, value in points]
    return measure_status_compute(
        trajectory=trajectory, observations=observations, today=today
    ).status


def test_expected_value_is_linear_between_baseline_and_deadline():
    start = Point(date(2024, 1, 1), D(100))
    halfway = date(2024, 1, 1) + (date(2027, 12, 31) - date(2024, 1, 1)) / 2
    value = expected_value(start=start, target=D(200), deadline=date(2027, 12, 31), on=halfway)
    assert value == D(150)
    before = expected_value(
        start=start, target=D(200), deadline=date(2027, 12, 31), on=date(2023, 6, 1)
    )
    assert before == D(100)


def test_value_on_the_line_is_on_track():
    # 01/01/2026 is 731 of 1460 days: 150.07 expected; 150 is within 10 % of the 100 to go.
    assert status(CITESLAB, (date(2026, 1, 1), 150), today=date(2026, 2, 1)) == Status.ON_TRACK


def test_value_just_inside_the_tolerance_is_on_track():
    # expected 150.07, allowance 10 → 140.1 is on track, 140 is at risk
    assert status(CITESLAB, (date(2026, 1, 1), "140.1"), today=date(2026, 2, 1)) == Status.ON_TRACK
    assert status(CITESLAB, (date(2026, 1, 1), 140), today=date(2026, 2, 1)) == Status.AT_RISK


def test_value_well_below_the_line_is_at_risk():
    result = measure_status_compute(
        trajectory=CITESLAB,
        observations=[Point(date(2024, 6, 1), D(105)), Point(date(2026, 1, 1), D(120))],
        today=date(2026, 2, 1),
    )
    assert result.status == Status.AT_RISK
    assert result.observed == Point(date(2026, 1, 1), D(120))  # the latest entry counts
    assert result.expected.quantize(D("0.01")) == D("150.07")
    assert result.label == "À risque"


def test_target_met_before_the_deadline_is_reached():
    assert status(CITESLAB, (date(2025, 3, 1), 201), today=date(2025, 4, 1)) == Status.REACHED


def test_target_met_after_the_deadline_is_still_reached():
    assert status(CITESLAB, (date(2028, 2, 1), 200), today=date(2028, 3, 1)) == Status.REACHED


def test_deadline_passed_without_reaching_the_target_is_late():
    # on track when last measured, but the deadline has now passed
    assert status(CITESLAB, (date(2027, 6, 1), 190), today=date(2028, 1, 1)) == Status.LATE


def test_cancer_screening_truck_not_in_place_after_autumn_2024_is_late():
    truck = Trajectory(
        baseline=Point(date(2024, 3, 1), D(0)), target=D(1), deadline=date(2024, 12, 20)
    )
    assert status(truck, (date(2024, 11, 1), 0), today=date(2025, 1, 15)) == Status.LATE
    assert status(truck, (date(2024, 11, 1), 1), today=date(2025, 1, 15)) == Status.REACHED


def test_decreasing_target_uses_the_opposite_direction():
    # patients without a GP: from 1 000 (01/01/2024) down to 600 by 01/01/2028
    fewer = Trajectory(
        baseline=Point(date(2024, 1, 1), D(1000)),
        target=D(600),
        deadline=date(2028, 1, 1),
        decreasing=True,
    )
    # 01/01/2026: 800 expected (731 of 1461 days: 799.86), allowance 40
    assert status(fewer, (date(2026, 1, 1), 820), today=date(2026, 1, 2)) == Status.ON_TRACK
    assert status(fewer, (date(2026, 1, 1), 850), today=date(2026, 1, 2)) == Status.AT_RISK
    assert status(fewer, (date(2026, 1, 1), 590), today=date(2026, 1, 2)) == Status.REACHED
    assert status(fewer, (date(2027, 6, 1), 700), today=date(2028, 2, 1)) == Status.LATE


def test_relative_target_plus_five_percent_of_the_baseline():
    # « Augmenter de 5 % le nombre de places en crèches d'ici 2027 »: 2 000 → 2 100
    creches = Trajectory(
        baseline=Point(date(2024, 1, 1), D(2000)),
        target=D(2000) * D("1.05"),
        deadline=date(2027, 12, 31),
    )
    assert status(creches, (date(2026, 1, 1), 2050), today=date(2026, 1, 2)) == Status.ON_TRACK
    assert status(creches, (date(2026, 1, 1), 2030), today=date(2026, 1, 2)) == Status.AT_RISK
    assert status(creches, (date(2027, 1, 1), 2100), today=date(2027, 1, 2)) == Status.REACHED


def test_threshold_target_is_checked_at_every_value():
    fonds_vert = Trajectory(baseline=None, target=D(15), deadline=None, threshold=True)
    assert status(fonds_vert, (date(2024, 12, 31), "16.2"), today=date(2025, 3, 1)) == (
        Status.REACHED
    )
    assert status(fonds_vert, (date(2024, 12, 31), "12.5"), today=date(2025, 3, 1)) == (
        Status.AT_RISK
    )


@pytest.mark.parametrize(
    ("trajectory", "points", "reason"),
    [
        (
            Trajectory(baseline=None, target=None, deadline=None),
            [(date(2025, 1, 1), 3)],
            "objectif chiffré non renseigné",
        ),
        (CITESLAB, [], "aucune valeur constatée"),
        (
            Trajectory(baseline=None, target=D(200), deadline=date(2027, 12, 31)),
            [(date(2025, 1, 1), 50)],
            "trajectoire non calculable : valeur de départ non renseignée",
        ),
        (
            Trajectory(baseline=None, target=D(200), deadline=None),
            [(date(2025, 1, 1), 50)],
            "échéance non renseignée",
        ),
    ],
)
def test_missing_figures_give_no_data_with_the_reason(trajectory, points, reason):
    result = measure_status_compute(
        trajectory=trajectory,
        observations=[Point(on, D(v)) for on, v in points],
        today=date(2025, 6, 1),
    )
    assert result.status == Status.NO_DATA
    assert result.reason == reason
    assert result.label == "Données insuffisantes"


def test_without_baseline_the_first_entry_starts_the_trajectory():
    no_baseline = Trajectory(baseline=None, target=D(200), deadline=date(2027, 12, 31))
    result = measure_status_compute(
        trajectory=no_baseline,
        observations=[Point(date(2024, 12, 31), D(100)), Point(date(2026, 6, 30), D(110))],
        today=date(2026, 7, 1),
    )
    assert result.start == Point(date(2024, 12, 31), D(100))
    assert result.status == Status.AT_RISK  # 150 expected at mid-course, 110 observed


def test_no_data_is_given_even_after_the_deadline_when_nothing_was_measured():
    assert status(CITESLAB, today=date(2030, 1, 1)) == Status.NO_DATA
