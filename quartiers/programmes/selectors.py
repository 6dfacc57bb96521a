"""Read side: measures with their status and latest value, dispositifs with filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from quartiers.geography.models import QPV, Commune
from quartiers.programmes.choices import Direction, TargetMode
from quartiers.programmes.coverage import Coverage, coverage_compute
from quartiers.programmes.models import Dispositif, Measure, Programme
from quartiers.programmes.status import (
    Point,
    StatusResult,
    Trajectory,
    expected_value,
    measure_status_compute,
    trajectory_start,
)


@dataclass(frozen=True)
class MeasureRow:
    measure: Measure
    target: Decimal | None
    observations: list[Point]
    result: StatusResult
    coverage: Coverage | None
    expected_today: Decimal | None

    @property
    def latest(self) -> Point | None:
        return max(self.observations, key=lambda p: p.on) if self.observations else None


def measure_trajectory(*, measure: Measure) -> Trajectory:
    baseline = None
    if measure.baseline_value is not None and measure.baseline_date is not None:
        baseline = Point(measure.baseline_date, measure.baseline_value)
    return Trajectory(
        baseline=baseline,
        target=measure.target_effective,
        deadline=measure.deadline,
        decreasing=measure.direction == Direction.DECREASE,
        threshold=measure.target_mode == TargetMode.THRESHOLD,
        tolerance=measure.tolerance,
    )


def measure_row(*, measure: Measure, today: date) -> MeasureRow:
    """The measure's observations (progress entries, plus today's computed coverage when the
    measure is a coverage one and some dispositifs of its kind are entered) and its status."""
    observations = [Point(e.on, e.value) for e in measure.entries.all()]
    coverage = None
    if measure.coverage_kind:
        coverage = coverage_compute(kind=measure.coverage_kind, on=today)
        if coverage.dispositif_count and coverage.share is not None:
            observations = [p for p in observations if p.on != today]
            observations.append(Point(today, coverage.share))
    trajectory = measure_trajectory(measure=measure)
    result = measure_status_compute(trajectory=trajectory, observations=observations, today=today)
    start = trajectory_start(trajectory=trajectory, observations=observations)
    expected = None
    if start and trajectory.target is not None and trajectory.deadline and not trajectory.threshold:
        expected = expected_value(
            start=start, target=trajectory.target, deadline=trajectory.deadline, on=today
        )
    return MeasureRow(
        measure,
        trajectory.target,
        sorted(observations, key=lambda p: p.on),
        result,
        coverage,
        expected,
    )


def measures_by_programme(*, today: date) -> list[tuple[Programme, list[MeasureRow]]]:
    measures = Measure.objects.select_related(
        "programme", "contract", "departement"
    ).prefetch_related("entries")
    groups: dict[int, tuple[Programme, list[MeasureRow]]] = {}
    for measure in measures:
        group = groups.setdefault(measure.programme_id, (measure.programme, []))
        group[1].append(measure_row(measure=measure, today=today))
    return list(groups.values())


def dispositif_search(
    *, kind: str = "", commune: Commune | int | None = None, qpv: QPV | int | None = None
) -> QuerySet[Dispositif]:
    dispositifs = Dispositif.objects.select_related("commune").prefetch_related("qpvs", "contracts")
    if kind:
        dispositifs = dispositifs.filter(kind=kind)
    if commune is not None:
        dispositifs = dispositifs.filter(commune=commune)
    if qpv is not None:
        dispositifs = dispositifs.filter(qpvs=qpv)
    return dispositifs.distinct()
