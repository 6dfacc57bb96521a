"""Status of a measure against its trajectory: pure functions, no database.

The rule (documented in docs/programmes.md):

1. No target value → « données insuffisantes » (the source gives no figure).
2. No observed value → « données insuffisantes ».
3. The latest observed value meets the target (≥ when the value must go up, ≤ when it must go
   down) → « atteint », whatever the date.
4. Threshold targets (« au moins 15 % ») have no trajectory: not met → « à risque », or
   « en retard » once their deadline (if any) has passed.
5. Deadline passed (today > deadline) without meeting the target → « en retard ».
6. No deadline → « données insuffisantes ».
7. The trajectory is the straight line from the starting point (baseline date and value; without
   a baseline, the first observed value) to (deadline, target). With neither, or when the only
   observation is the starting point itself → « données insuffisantes ».
8. Expected value at the date of the latest observation = linear interpolation on that line.
   Shortfall = expected − observed (observed − expected for a decreasing target). More than
   `tolerance` × |target − start| short → « à risque »; otherwise « en bonne voie ».
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Status(StrEnum):
    REACHED = "reached"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    LATE = "late"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.REACHED: "Atteint",
    Status.ON_TRACK: "En bonne voie",
    Status.AT_RISK: "À risque",
    Status.LATE: "En retard",
    Status.NO_DATA: "Données insuffisantes",
}


@dataclass(frozen=True)
class Point:
    on: date
    value: Decimal


@dataclass(frozen=True)
class Trajectory:
    baseline: Point | None
    target: Decimal | None
    deadline: date | None
    decreasing: bool = False
    threshold: bool = False
    tolerance: Decimal = Decimal("0.10")


@dataclass(frozen=True)
class StatusResult:
    status: Status
    reason: str
    observed: Point | None = None
    expected: Decimal | None = None
    start: Point | None = None

    @property
    def label(self) -> str:
        return self.status.label


def _meets(value: Decimal, target: Decimal, *, decreasing: bool) -> bool:
    return value <= target if decreasing else value >= target


def expected_value(*, start: Point, target: Decimal, deadline: date, on: date) -> Decimal:
    """Value expected on `on`, on the straight line from `start` to (deadline, target)."""
    if on <= start.on:
        return start.value
    if on >= deadline or deadline <= start.on:
        return target
    fraction = Decimal((on - start.on).days) / Decimal((deadline - start.on).days)
    return start.value + (target - start.value) * fraction


def trajectory_start(*, trajectory: Trajectory, observations: Sequence[Point]) -> Point | None:
    """The baseline when known, else the first observed value when a later one exists."""
    if trajectory.baseline is not None:
        return trajectory.baseline
    if len({p.on for p in observations}) < 2:
        return None
    return min(observations, key=lambda p: p.on)


def measure_status_compute(
    *, trajectory: Trajectory, observations: Sequence[Point], today: date
) -> StatusResult:
    target = trajectory.target
    if target is None:
        return StatusResult(Status.NO_DATA, "objectif chiffré non renseigné")
    if not observations:
        return StatusResult(Status.NO_DATA, "aucune valeur constatée")
    latest = max(observations, key=lambda p: p.on)
    deadline = trajectory.deadline
    passed = deadline is not None and today > deadline
    if _meets(latest.value, target, decreasing=trajectory.decreasing):
        return StatusResult(Status.REACHED, "objectif atteint", observed=latest)
    if trajectory.threshold:
        if passed:
            return StatusResult(Status.LATE, "seuil non respecté à l'échéance", observed=latest)
        return StatusResult(Status.AT_RISK, "seuil non respecté", observed=latest)
    if deadline is None:
        return StatusResult(Status.NO_DATA, "échéance non renseignée", observed=latest)
    if passed:
        return StatusResult(
            Status.LATE, "échéance dépassée sans atteindre l'objectif", observed=latest
        )
    start = trajectory_start(trajectory=trajectory, observations=observations)
    if start is None or start.on >= latest.on:  # nothing to draw a line from
        return StatusResult(
            Status.NO_DATA,
            "trajectoire non calculable : valeur de départ non renseignée",
            observed=latest,
        )
    expected = expected_value(start=start, target=target, deadline=deadline, on=latest.on)
    shortfall = latest.value - expected if trajectory.decreasing else expected - latest.value
    allowance = trajectory.tolerance * abs(target - start.value)
    if shortfall > allowance:
        return StatusResult(
            Status.AT_RISK,
            f"en deçà de la trajectoire attendue au {latest.on:%d/%m/%Y} (dernière valeur)",
            latest,
            expected,
            start,
        )
    return StatusResult(
        Status.ON_TRACK,
        f"conforme à la trajectoire attendue au {latest.on:%d/%m/%Y} (dernière valeur)",
        latest,
        expected,
        start,
    )
