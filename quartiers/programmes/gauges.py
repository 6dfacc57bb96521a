"""Gauges and charts built from measure rows and coverages (SVG in svg.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from quartiers.programmes.choices import Direction, DispositifKind, TargetMode
from quartiers.programmes.coverage import Coverage
from quartiers.programmes.selectors import MeasureRow, measure_trajectory
from quartiers.programmes.status import trajectory_start
from quartiers.programmes.svg import Gauge, TrajectoryChart, gauge_svg, value_unit


def _fraction(value: Decimal, start: Decimal, target: Decimal) -> float | None:
    if target == start:
        return None
    return float((value - start) / (target - start))


def measure_gauge(*, row: MeasureRow, compact: bool = False) -> str | None:
    """The latest value on the way from the start (baseline, else 0) to the target, with the
    value expected today marked; None when there is no target or no value."""
    measure, latest, target = row.measure, row.latest, row.target
    if latest is None or target is None:
        return None
    start = measure.baseline_value
    if start is None:
        if measure.direction == Direction.DECREASE:
            return None
        start = Decimal(0)
    fraction = _fraction(latest.value, start, target)
    if fraction is None:
        return None
    marker = None
    if row.expected_today is not None:
        marker = _fraction(row.expected_today, start, target)
    deadline = f" ({measure.deadline_label})" if measure.deadline_label and not compact else ""
    if measure.target_mode == TargetMode.THRESHOLD:
        start_label = value_unit(start, measure.unit)
    elif measure.baseline_value is not None:
        start_label = f"départ : {value_unit(start, measure.unit)}"
    else:
        start_label = (
            value_unit(start, measure.unit)
            if compact
            else (f"{value_unit(start, measure.unit)} (départ non renseigné)")
        )
    return gauge_svg(
        Gauge(
            slug=f"gauge-{measure.code}",
            title=f"Avancement : {measure.label}",
            fraction=fraction,
            value_label=f"{value_unit(latest.value, measure.unit)} au {latest.on:%d/%m/%Y}",
            start_label=start_label,
            target_label=f"{value_unit(target, measure.unit)}{deadline}",
            marker=marker,
            marker_label=(
                f"attendu aujourd'hui : {value_unit(row.expected_today, measure.unit)}"
                if row.expected_today is not None
                else ""
            ),
        ),
        compact=compact,
    )


def coverage_gauge(
    *, coverage: Coverage, target_label: str = "100\u00a0%", slug: str = "", compact: bool = False
) -> str:
    share = coverage.share
    counts = f"{coverage.covered} QPV sur {coverage.total}"
    if compact:
        value_label = f"{value_unit(share, '%')} ({counts})"
    else:
        value_label = (
            f"{value_unit(share, '%')} des QPV couverts ({counts}) au {coverage.on:%d/%m/%Y}"
        )
    return gauge_svg(
        Gauge(
            slug=slug or f"coverage-{coverage.kind}",
            title=f"QPV couverts : {DispositifKind(coverage.kind).label}",
            fraction=None if share is None else float(share / 100),
            value_label=value_label,
            start_label="0\u00a0%",
            target_label=target_label,
        ),
        compact=compact,
    )


def measure_chart(*, row: MeasureRow, today: date) -> TrajectoryChart | None:
    measure = row.measure
    trajectory = measure_trajectory(measure=measure)
    if row.target is None and not row.observations:
        return None
    return TrajectoryChart(
        slug=f"trajectory-{measure.code}",
        title=f"Trajectoire : {measure.label}",
        unit=measure.unit,
        start=trajectory_start(trajectory=trajectory, observations=row.observations),
        target=row.target,
        deadline=measure.deadline,
        observations=row.observations,
        today=today,
        threshold=trajectory.threshold,
    )
