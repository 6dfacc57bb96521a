"""Aggregation of QPV values to a set of QPV (contract, EPCI, arrondissement, département).

Only where it is valid:
- a count that adds up (`additive`) is summed; QPV under statistical secrecy make the result a
  lower bound (« au moins »), and every QPV under secrecy refuses it;
- a rate whose numerator and denominator are both additive counts of the catalogue is
  recomputed as Σ numerator / Σ denominator × scale, on the QPV where both parts are known;
- a rate whose denominator is an additive count (population, households) is averaged with that
  count as weight, on the QPV where both are known;
- anything else is not aggregated, with a French reason.

A QPV that lies in two EPCI (4 in the Nord: Porte du Hainaut / Valenciennes Métropole) counts
whole in each EPCI: values are not split by commune in the sources. EPCI totals therefore add
up to more than the département total, which counts each QPV once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q

from quartiers.geography.models import QPV
from quartiers.indicators.models import (
    Indicator,
    IndicatorKind,
    IndicatorValue,
    TerritoryKind,
)

SUM, RATIO, WEIGHTED, NONE = "sum", "ratio", "weighted", "none"
_YEAR = re.compile(r"(19|20)\d{2}")


@dataclass(frozen=True)
class Aggregate:
    indicator: Indicator
    period: str | None
    method: str
    value: Decimal | None = None
    qpv_count: int = 0
    used_codes: list[str] = field(default_factory=list)
    suppressed_codes: list[str] = field(default_factory=list)
    missing_codes: list[str] = field(default_factory=list)
    numerator_total: Decimal | None = None
    denominator_total: Decimal | None = None
    lower_bound: bool = False
    reason: str = ""
    sources: list[str] = field(default_factory=list)
    vintages: list[str] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        return self.value is not None and len(self.used_codes) < self.qpv_count

    @property
    def note(self) -> str:
        """French caveat shown next to the figure."""
        if self.value is None:
            return self.reason
        left_out = self.qpv_count - len(self.used_codes)
        if self.lower_bound:
            return (
                f"valeur minimale : {len(self.suppressed_codes)} QPV sous secret "
                "statistique non compté(s)"
            )
        if left_out:
            return (
                f"calculé sur {len(self.used_codes)} QPV sur {self.qpv_count} "
                f"({left_out} sous secret statistique ou sans valeur)"
            )
        return ""


def aggregation_method(*, indicator: Indicator) -> tuple[str, str]:
    """(method, French reason when it is `none`)."""
    if indicator.kind == IndicatorKind.COUNT:
        if indicator.additive:
            return SUM, ""
        return NONE, "effectif non additionnable : agrégation impossible"
    numerator, denominator = indicator.numerator, indicator.denominator
    if denominator is not None and denominator.kind == IndicatorKind.COUNT and denominator.additive:
        if numerator is None:
            return WEIGHTED, ""
        if numerator.kind == IndicatorKind.COUNT and numerator.additive:
            return RATIO, ""
    if indicator.denominator_label:
        return NONE, f"dénominateur ({indicator.denominator_label}) inconnu : agrégation impossible"
    return NONE, "ni effectif additionnable ni dénominateur connu : agrégation impossible"


def period_latest(periods: Iterable[str]) -> str | None:
    """The most recent dated period; an undated one only when it is the only kind."""
    periods = set(periods)
    dated = [p for p in periods if _YEAR.search(p)]
    if dated:
        return max(dated, key=lambda p: (_YEAR.search(p).group(0), p))  # type: ignore[union-attr]
    return min(periods) if periods else None


@dataclass(frozen=True, slots=True)
class PeerValue:
    """The fields of an IndicatorValue that tables, ranks and « hors QPV » read: built from
    plain rows, not model instances (a département table has one per QPV and indicator)."""

    territory_code: str
    period: str
    value: Decimal | None
    suppressed: bool
    source: str
    vintage: str


# Indicator id → its QPV values for a set of QPV codes (`qpv_values_load`).
QpvValues = dict[int, list[IndicatorValue]]


def qpv_values_load(*, indicators: Iterable[Indicator | None], codes: Iterable[str]) -> QpvValues:
    """The QPV values of several indicators (and of their parts) for one set of QPV, in one
    query: pages that aggregate many indicators over the same QPV pass it to
    `indicator_aggregate` instead of querying per indicator."""
    wanted = {i.pk for i in indicators if i is not None}
    loaded: QpvValues = {pk: [] for pk in wanted}
    rows = IndicatorValue.objects.filter(
        indicator_id__in=sorted(wanted),
        territory_kind=TerritoryKind.QPV,
        territory_code__in=sorted(set(codes)),
    )
    for row in rows:
        loaded[row.indicator_id].append(row)
    return loaded


def qpv_values_latest(
    *, indicators: list[Indicator], codes: Iterable[str]
) -> tuple[dict[int, str], QpvValues]:
    """For aggregates of several indicators over one set of QPV at their latest period: (id →
    latest period, the values of each indicator and of its parts at that period), in two
    queries. Pass them to `indicator_aggregate(period=…, preloaded=…)`."""
    codes = sorted(set(codes))
    found = latest_periods(indicators=indicators, codes=codes)
    wanted = Q(pk__in=[])
    loaded: QpvValues = {}
    for indicator in indicators:
        for part in (indicator, indicator.numerator, indicator.denominator):
            if part is not None:
                loaded[part.pk] = []
                if indicator.pk in found:
                    wanted |= Q(indicator_id=part.pk, period=found[indicator.pk])
    rows = IndicatorValue.objects.filter(
        wanted, territory_kind=TerritoryKind.QPV, territory_code__in=codes
    )
    for row in rows:
        loaded[row.indicator_id].append(row)
    return found, loaded


def latest_periods(*, indicators: Iterable[Indicator], codes: Iterable[str]) -> dict[int, str]:
    """Indicator id → its latest period with a QPV value among `codes` (`period_latest`), in
    one query; indicators without such a value are left out."""
    rows = (
        IndicatorValue.objects.filter(
            indicator__in=list(indicators),
            territory_kind=TerritoryKind.QPV,
            territory_code__in=sorted(set(codes)),
        )
        .values_list("indicator_id", "period")
        .distinct()
    )
    periods: dict[int, set[str]] = {}
    for indicator_id, period in rows:
        periods.setdefault(indicator_id, set()).add(period)
    latest = {pk: period_latest(found) for pk, found in periods.items()}
    return {pk: period for pk, period in latest.items() if period is not None}


def _values(
    indicator: Indicator | None,
    codes: list[str],
    period: str | None,
    preloaded: QpvValues | None = None,
) -> dict[str, IndicatorValue]:
    if indicator is None:
        return {}
    if preloaded is not None and indicator.pk in preloaded:
        wanted = set(codes)
        return {
            row.territory_code: row
            for row in preloaded[indicator.pk]
            if row.territory_code in wanted and (period is None or row.period == period)
        }
    rows = IndicatorValue.objects.filter(
        indicator=indicator, territory_kind=TerritoryKind.QPV, territory_code__in=codes
    )
    if period is not None:
        rows = rows.filter(period=period)
    return {row.territory_code: row for row in rows}


def indicator_aggregate(
    *,
    indicator: Indicator,
    qpv_codes: Iterable[str],
    period: str | None = None,
    preloaded: QpvValues | None = None,
) -> Aggregate:
    """`preloaded`: the values of `qpv_values_load` for these QPV (else queried here)."""
    codes = sorted(set(qpv_codes))
    method, reason = aggregation_method(indicator=indicator)
    if period is None:
        if preloaded is not None and indicator.pk in preloaded:
            wanted = set(codes)
            periods = [r.period for r in preloaded[indicator.pk] if r.territory_code in wanted]
        else:
            periods = IndicatorValue.objects.filter(
                indicator=indicator, territory_kind=TerritoryKind.QPV, territory_code__in=codes
            ).values_list("period", flat=True)
        period = period_latest(periods)
    base = {"indicator": indicator, "period": period, "method": method, "qpv_count": len(codes)}
    if method == NONE:
        return Aggregate(**base, reason=reason)
    own = _values(indicator, codes, period, preloaded)
    if method == SUM:
        return _sum(base, codes, own)
    part = indicator.numerator if method == RATIO else indicator
    return _ratio(
        base,
        codes,
        part_values=_values(part, codes, period, preloaded),
        weights=_values(indicator.denominator, codes, period, preloaded),
        method=method,
        scale=indicator.scale,
        provenance=list(own.values()),
    )


def _provenance(rows: Iterable[IndicatorValue]) -> dict[str, list[str]]:
    rows = list(rows)
    return {
        "sources": sorted({r.source for r in rows}),
        "vintages": sorted({r.vintage for r in rows}),
    }


def _sum(base: dict, codes: list[str], own: dict[str, IndicatorValue]) -> Aggregate:
    used = [c for c in codes if c in own and not own[c].suppressed]
    suppressed = [c for c in codes if c in own and own[c].suppressed]
    missing = [c for c in codes if c not in own]
    common = {
        "used_codes": used,
        "suppressed_codes": suppressed,
        "missing_codes": missing,
        **_provenance(own.values()),
    }
    if not used:
        return Aggregate(
            **base,
            **common,
            reason="aucune valeur connue (secret statistique "
            "ou valeur absente) : agrégation impossible",
        )
    total = sum((own[c].value for c in used), Decimal(0))
    return Aggregate(**base, **common, value=total, lower_bound=bool(suppressed or missing))


def _ratio(
    base: dict,
    codes: list[str],
    *,
    part_values: dict[str, IndicatorValue],
    weights: dict[str, IndicatorValue],
    method: str,
    scale: Decimal,
    provenance: list[IndicatorValue],
) -> Aggregate:
    def known(rows: dict[str, IndicatorValue], code: str) -> bool:
        return code in rows and not rows[code].suppressed

    used = [c for c in codes if known(part_values, c) and known(weights, c)]
    suppressed = [
        c
        for c in codes
        if c not in used
        and (
            (c in part_values and part_values[c].suppressed)
            or (c in weights and weights[c].suppressed)
        )
    ]
    missing = [c for c in codes if c not in used and c not in suppressed]
    rows = provenance + [part_values[c] for c in used] + [weights[c] for c in used]
    common = {
        "used_codes": used,
        "suppressed_codes": suppressed,
        "missing_codes": missing,
        **_provenance(rows),
    }
    denominator = sum((weights[c].value for c in used), Decimal(0))
    if not used or denominator == 0:
        return Aggregate(
            **base,
            **common,
            reason="numérateur ou dénominateur inconnu pour tous les QPV : agrégation impossible",
        )
    if method == RATIO:
        numerator = sum((part_values[c].value for c in used), Decimal(0))
        value = numerator / denominator * scale
    else:  # weighted mean of the rates, weight = denominator count
        numerator = sum((part_values[c].value * weights[c].value / scale for c in used), Decimal(0))
        value = numerator / denominator * scale
    return Aggregate(
        **base, **common, value=value, numerator_total=numerator, denominator_total=denominator
    )


def territory_qpv_codes(*, kind: str, code: str, generation: int | None = None) -> list[str]:
    """QPV of a registry territory. Contracts come with the contracts app: pass their codes."""
    generation = generation or settings.QPV_GENERATION
    qpvs = QPV.objects.of_generation(generation)
    if kind == TerritoryKind.QPV:
        qpvs = qpvs.filter(code=code)
    elif kind == TerritoryKind.EPCI:
        qpvs = qpvs.filter(epcis__siren=code)
    elif kind == TerritoryKind.DEPARTEMENT:
        qpvs = qpvs.filter(departement_code=code)
    elif kind == TerritoryKind.ARRONDISSEMENT:
        qpvs = qpvs.filter(communes__arrondissement__insee_code=code)
    elif kind == TerritoryKind.COMMUNE:
        qpvs = qpvs.filter(communes__insee_code=code)
    else:
        raise ValueError(
            f"Type de territoire « {kind} » : passez la liste de ses QPV à indicator_aggregate."
        )
    return sorted(set(qpvs.values_list("code", flat=True)))


def territory_aggregate(
    *, indicator: Indicator, kind: str, code: str, period: str | None = None
) -> Aggregate:
    codes = territory_qpv_codes(kind=kind, code=code)
    return indicator_aggregate(indicator=indicator, qpv_codes=codes, period=period)
