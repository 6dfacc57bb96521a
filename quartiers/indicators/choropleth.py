"""Choropleth of one indicator over the QPV: 5 quantile classes, secret cells apart.

Classes rule (documented in docs/indicators.md and on the page):
- only the QPV with a known value are classed (secret statistique and missing values are
  drawn apart, never as 0);
- the 6 class limits are the 0, 20, 40, 60, 80 and 100 % quantiles of those values, computed
  by linear interpolation between the sorted values (numpy's « linear » method, Excel's
  QUANTILE.INC);
- class 1 holds the values from the minimum to the first limit inclusive, class k > 1 those
  above limit k-1 up to limit k inclusive; equal limits (many ties) are merged, so there may be
  fewer than 5 classes.
Quantiles put about the same number of QPV in each class: with 94 QPV, ~19 per class.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from quartiers.geography.mapdata import COORDINATE_DECIMALS, DEFAULT_TOLERANCE, qpv_features
from quartiers.indicators.models import SECRET_LABEL, Indicator
from quartiers.indicators.selectors import QpvValueRow, departement_qpvs, indicator_qpv_table
from quartiers.shared.formatting import value_fr

CLASS_COUNT = 5


def class_limits(*, values: list[Decimal], count: int = CLASS_COUNT) -> list[Decimal]:
    """The count + 1 quantile limits of `values` (duplicates merged); [] without values."""
    ordered = sorted(values)
    if not ordered:
        return []
    last = len(ordered) - 1
    limits: list[Decimal] = []
    for i in range(count + 1):
        position = Decimal(last * i) / count
        low = int(position)
        fraction = position - low
        limit = ordered[low]
        if fraction and low < last:
            limit += (ordered[low + 1] - ordered[low]) * fraction
        if not limits or limit != limits[-1]:
            limits.append(limit)
    if len(limits) == 1:  # every value equal: one class
        limits.append(limits[0])
    return limits


def class_of(*, value: Decimal | None, limits: list[Decimal]) -> int | None:
    """1-based class of `value` (None for no value or no limits)."""
    if value is None or len(limits) < 2:
        return None
    return min(bisect.bisect_left(limits[1:], value) + 1, len(limits) - 1)


@dataclass(frozen=True)
class LegendClass:
    number: int
    low: Decimal
    high: Decimal
    count: int
    label: str


@dataclass(frozen=True)
class Choropleth:
    indicator: Indicator
    rows: list[QpvValueRow]
    limits: list[Decimal]
    classes: dict[str, int | None]  # QPV code → class
    legend: list[LegendClass]
    secret_count: int
    missing_count: int

    @property
    def ranked_count(self) -> int:
        return sum(1 for r in self.rows if r.value is not None)

    @property
    def table(self) -> list[tuple[QpvValueRow, int | None]]:
        return [(row, self.classes.get(row.code)) for row in self.rows]


def choropleth_compute(*, indicator: Indicator) -> Choropleth:
    rows = indicator_qpv_table(indicator=indicator, qpvs=departement_qpvs())
    limits = class_limits(values=[r.value for r in rows if r.value is not None])
    classes = {r.code: class_of(value=r.value, limits=limits) for r in rows}
    legend = []
    for number in range(1, len(limits)):
        low, high = limits[number - 1], limits[number]
        unit = indicator.unit if indicator.unit == "%" else ""
        opening = "de" if number == 1 else "plus de"
        legend.append(
            LegendClass(
                number=number,
                low=low,
                high=high,
                count=sum(1 for c in classes.values() if c == number),
                label=f"{opening} {value_fr(low, unit=unit, max_decimals=1)} "
                f"à {value_fr(high, unit=unit, max_decimals=1)}",
            )
        )
    return Choropleth(
        indicator=indicator,
        rows=rows,
        limits=limits,
        classes=classes,
        legend=legend,
        secret_count=sum(1 for r in rows if r.suppressed),
        missing_count=sum(1 for r in rows if r.value is None and not r.suppressed),
    )


def choropleth_document(*, choropleth: Choropleth) -> dict[str, object]:
    """GeoJSON of the département's QPV (simplified outlines) with the values joined."""
    indicator = choropleth.indicator
    qpvs = departement_qpvs(contours=True)
    by_code = {r.code: r for r in choropleth.rows}
    features = qpv_features(
        qpvs=[qpvs[code] for code in sorted(qpvs)],
        tolerance=DEFAULT_TOLERANCE,
        decimals=COORDINATE_DECIMALS,
    )
    ranked = choropleth.ranked_count
    for feature in features:
        properties = feature["properties"]
        row = by_code[properties["code"]]
        properties.update(
            {
                "indicator": indicator.code,
                "value": None if row.value is None else float(row.value),
                "value_label": value_fr(row.value, unit=indicator.unit, suppressed=row.suppressed),
                "suppressed": row.suppressed,
                "class": choropleth.classes.get(row.code),
                "rank": row.rank,
                "ranked_count": ranked,
                "source": row.source,
                "vintage": row.vintage,
            }
        )
    return {
        "type": "FeatureCollection",
        "name": f"indicateur-{indicator.code}",
        "indicator": {
            "code": indicator.code,
            "label": indicator.label,
            "unit": indicator.unit,
            "url": reverse("indicators:indicator_detail", args=[indicator.code]),
        },
        "generation": settings.QPV_GENERATION,
        "classes": [
            {"number": c.number, "low": float(c.low), "high": float(c.high), "label": c.label}
            for c in choropleth.legend
        ],
        "secret_label": SECRET_LABEL,
        "features": features,
    }
