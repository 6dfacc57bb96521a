"""Time series per indicator and territory, and evolutions between two vintages.

Insee's rule is enforced here, not left to the page: below the commune (QPV), no evolution is
computed between two consecutive vintages. Census-based figures of consecutive vintages share
most of their survey years (five annual surveys per vintage), so their difference is mostly
sampling noise at that scale.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from quartiers.indicators.models import (
    INFRA_COMMUNAL_KINDS,
    SECRET_LABEL,
    Indicator,
    IndicatorValue,
)

_YEAR = re.compile(r"(?:19|20)\d{2}")
CONSECUTIVE_RULE = (
    "Évolution non calculée : à l'échelle infracommunale (QPV), l'Insee proscrit la "
    "comparaison de deux millésimes consécutifs (ils reposent en grande partie sur les mêmes "
    "enquêtes annuelles de recensement)."
)

# Legal populations (« population légale N ») come from five-year census cycles: Insee advises
# comparing two of them only five years apart or more, whatever the territory.
LEGAL_POPULATION = "population légale"
LEGAL_POPULATION_GAP = 5


def legal_population_rule(gap: int) -> str:
    return (
        "Évolution non calculée : l'Insee recommande de ne comparer deux populations légales "
        f"qu'à au moins {LEGAL_POPULATION_GAP} ans d'écart (le recensement couvre toutes les "
        f"communes en cinq ans) ; les millésimes disponibles ne sont distants que de {gap} an"
        f"{'s' if gap > 1 else ''}."
    )


@dataclass(frozen=True)
class SeriesPoint:
    period: str
    vintage: str
    value: Decimal | None
    suppressed: bool
    source: str

    @property
    def year(self) -> int | None:
        """Vintage year when the vintage is dated, else the period's year."""
        for text in (self.vintage, self.period):
            match = _YEAR.search(text)
            if match:
                return int(match.group(0))
        return None


@dataclass(frozen=True)
class Evolution:
    start: SeriesPoint
    end: SeriesPoint
    absolute: Decimal | None
    relative_percent: Decimal | None
    explanation: str = ""


def indicator_series(
    *, indicator: Indicator, territory_kind: str, territory_code: str
) -> list[SeriesPoint]:
    rows = IndicatorValue.objects.filter(
        indicator=indicator, territory_kind=territory_kind, territory_code=territory_code
    )
    return series_points(rows)


def series_points(rows: Iterable[IndicatorValue]) -> list[SeriesPoint]:
    """The series of one indicator and territory from its values (already loaded), oldest
    first."""
    points = [
        SeriesPoint(
            period=r.period,
            vintage=r.vintage,
            value=r.value,
            suppressed=r.suppressed,
            source=r.source,
        )
        for r in rows
    ]
    return sorted(points, key=lambda p: (p.year is None, p.year or 0, p.period))


def evolution_compute(*, territory_kind: str, start: SeriesPoint, end: SeriesPoint) -> Evolution:
    """Evolution from `start` to `end`, or None values with a French explanation."""

    def refused(text: str) -> Evolution:
        return Evolution(
            start=start, end=end, absolute=None, relative_percent=None, explanation=text
        )

    if start.suppressed or end.suppressed or start.value is None or end.value is None:
        return refused(f"Évolution non calculée : une des deux valeurs est sous {SECRET_LABEL}.")
    if start.year is None or end.year is None:
        return refused("Évolution non calculée : millésime non documenté.")
    if start.year == end.year:
        return refused("Évolution non calculée : même millésime.")
    if territory_kind in INFRA_COMMUNAL_KINDS and abs(end.year - start.year) == 1:
        return refused(CONSECUTIVE_RULE)
    legal = all(p.vintage.startswith(LEGAL_POPULATION) for p in (start, end))
    if legal and abs(end.year - start.year) < LEGAL_POPULATION_GAP:
        return refused(legal_population_rule(abs(end.year - start.year)))
    absolute = end.value - start.value
    relative = None if start.value == 0 else absolute / start.value * 100
    return Evolution(start=start, end=end, absolute=absolute, relative_percent=relative)


def series_evolutions(*, territory_kind: str, series: list[SeriesPoint]) -> list[Evolution]:
    """Evolution between each point and the next one of the series."""
    return [
        evolution_compute(territory_kind=territory_kind, start=a, end=b)
        for a, b in itertools.pairwise(series)
    ]
