"""The core set of a contract and its scorecard, aggregated from the contract's QPV.

A contract's figure is the aggregation (`aggregation.indicator_aggregate`) of the values of
its QPV, only where it is valid. The 4 Nord QPV that the ANCT source links to both CN05902M
(Porte du Hainaut) and CN05904M (Valenciennes Métropole) — « rattachement incertain » — count
whole in each of the two contracts, as they do in each of their two EPCI: values are not split
in the sources and nobody knows which contract covers them. The sum of the 13 contracts
therefore exceeds the département's total by those 4 QPV; pages say so next to the figure.

Evolutions follow Insee's rule (`evaluation.evolution_compute`): a contract is a set of QPV,
so its aggregate is infra-communal too, and two consecutive vintages are never compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from quartiers.contracts.models import Contract, ContractQPV, LinkStatus
from quartiers.indicators.aggregation import (
    Aggregate,
    QpvValues,
    indicator_aggregate,
    qpv_values_load,
)
from quartiers.indicators.evaluation import (
    CONSECUTIVE_RULE,
    Evolution,
    SeriesPoint,
    evolution_compute,
    series_points,
)
from quartiers.indicators.models import Indicator, IndicatorValue, TerritoryKind
from quartiers.indicators.selectors import (
    Comparison,
    QpvValueRow,
    departement_code,
    departement_qpv_labels,
    indicators_qpv_tables,
    references_comparisons,
)

SHARED_RULE = (
    "Les QPV au rattachement incertain (rattachés par la source ANCT à deux contrats) sont "
    "comptés en entier dans chacun des deux contrats : la somme des contrats dépasse donc le "
    "total du département."
)
SINGLE_VINTAGE = "Un seul millésime disponible : pas d'évolution."


@dataclass(frozen=True)
class ContractCoreRow:
    indicator: Indicator
    aggregate: Aggregate
    comparisons: list[Comparison] = field(default_factory=list)


@dataclass(frozen=True)
class ContractCoreSet:
    contract: Contract
    qpv_codes: list[str]
    uncertain_codes: list[str]
    rows: list[ContractCoreRow]


def contract_qpv_codes(*, contract: Contract) -> tuple[list[str], list[str]]:
    """(all QPV codes of the contract, those whose link is uncertain), sorted. One light query
    (no model instances; a prefetched `qpv_links` with its own prefetches is not re-run)."""
    links = ContractQPV.objects.filter(contract=contract).values_list("qpv__code", "link_status")
    codes, uncertain = set(), set()
    for code, status in links:
        codes.add(code)
        if status == LinkStatus.UNCERTAIN:
            uncertain.add(code)
    return sorted(codes), sorted(uncertain)


def contract_references(*, contract: Contract) -> list[tuple[str, str, str]]:
    """(kind, code, French label) of the territories a contract is compared with."""
    refs = []
    if contract.carrier_commune is not None:
        commune = contract.carrier_commune
        refs.append((TerritoryKind.COMMUNE.value, commune.insee_code, f"Commune : {commune.name}"))
    epci = contract.carrier_epci or (
        contract.carrier_commune.epci if contract.carrier_commune else None
    )
    if epci is not None:
        refs.append((TerritoryKind.EPCI.value, epci.siren, f"EPCI : {epci.name}"))
    refs.append((TerritoryKind.DEPARTEMENT.value, departement_code(), "Département"))
    refs.append((TerritoryKind.FRANCE.value, "FR", "France"))
    return refs


def contract_core_indicators(*, contract: Contract) -> ContractCoreSet:
    return _core_set(contract)[0]


def _core_set(contract: Contract) -> tuple[ContractCoreSet, QpvValues]:
    """The core set and the QPV values it was computed from (every period of the core
    indicators and of their parts, for the contract's QPV): a fixed number of queries
    whatever the number of indicators and QPV."""
    codes, uncertain = contract_qpv_codes(contract=contract)
    indicators: list[Indicator] = []
    if codes:
        core = Indicator.objects.filter(core_set=True)
        indicators = list(core.select_related("numerator", "denominator"))
    parts = [p for i in indicators for p in (i, i.numerator, i.denominator)]
    values = qpv_values_load(indicators=parts, codes=codes) if indicators else {}
    comparisons = (
        references_comparisons(indicators=indicators, refs=contract_references(contract=contract))
        if indicators
        else {}
    )
    rows = [
        ContractCoreRow(
            indicator=indicator,
            aggregate=indicator_aggregate(indicator=indicator, qpv_codes=codes, preloaded=values),
            comparisons=comparisons.get(indicator.pk, []),
        )
        for indicator in indicators
    ]
    core_set = ContractCoreSet(
        contract=contract, qpv_codes=codes, uncertain_codes=uncertain, rows=rows
    )
    return core_set, values


# --- Evolutions ---------------------------------------------------------------------------


def evolution_latest(
    *, territory_kind: str, series: list[SeriesPoint]
) -> tuple[Evolution | None, str]:
    """Evolution from the best earlier vintage to the latest one, or (None, why not).

    The start is the most recent vintage at least two years before the latest one; at
    infra-communal level, when only the consecutive vintage exists, the refusal says so.
    """
    dated = [p for p in series if p.year is not None]
    if len({p.year for p in dated}) < 2:
        return None, SINGLE_VINTAGE
    end = dated[-1]
    earlier = [
        p for p in dated if p.year is not None and end.year is not None and p.year < end.year
    ]
    distant = [p for p in earlier if end.year - p.year >= 2]  # type: ignore[operator]
    start = distant[-1] if distant else earlier[-1]
    evolution = evolution_compute(territory_kind=territory_kind, start=start, end=end)
    return evolution, evolution.explanation


def contract_series(
    *, indicator: Indicator, codes: list[str], preloaded: QpvValues | None = None
) -> list[tuple[SeriesPoint, Aggregate]]:
    """The contract's aggregate at every period its QPV have values for, oldest first.
    `preloaded`: `qpv_values_load` of the indicator (and its parts) for `codes`."""
    if preloaded is not None and indicator.pk in preloaded:
        wanted = set(codes)
        periods = {r.period for r in preloaded[indicator.pk] if r.territory_code in wanted}
    else:
        periods = set(
            IndicatorValue.objects.filter(
                indicator=indicator, territory_kind=TerritoryKind.QPV, territory_code__in=codes
            ).values_list("period", flat=True)
        )
    out = []
    for period in periods:
        aggregate = indicator_aggregate(
            indicator=indicator, qpv_codes=codes, period=period, preloaded=preloaded
        )
        out.append(
            (
                SeriesPoint(
                    period=period,
                    vintage=aggregate.vintages[0] if len(aggregate.vintages) == 1 else period,
                    value=None if aggregate.lower_bound else aggregate.value,
                    suppressed=False,
                    source=", ".join(aggregate.sources),
                ),
                aggregate,
            )
        )
    return sorted(out, key=lambda pair: (pair[0].year is None, pair[0].year or 0, pair[0].period))


def contract_evolution(
    *, indicator: Indicator, codes: list[str], preloaded: QpvValues | None = None
) -> tuple[Evolution | None, str]:
    """Like `evolution_latest`, refused when the two aggregates do not cover the same QPV."""
    pairs = contract_series(indicator=indicator, codes=codes, preloaded=preloaded)
    evolution, note = evolution_latest(
        territory_kind=TerritoryKind.QPV, series=[point for point, _ in pairs]
    )
    if evolution is None or evolution.absolute is None:
        if evolution is not None and any(a.lower_bound for _, a in pairs):
            return evolution, "Évolution non calculée : QPV sous secret statistique."
        return evolution, note
    used = {p.period: a.used_codes for p, a in pairs}
    if used[evolution.start.period] != used[evolution.end.period]:
        return (
            Evolution(
                start=evolution.start,
                end=evolution.end,
                absolute=None,
                relative_percent=None,
                explanation="Évolution non calculée : les deux millésimes ne portent pas sur "
                "les mêmes QPV (secret statistique ou valeur absente).",
            ),
            "",
        )
    return evolution, ""


# --- Scorecard ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScorecardQpv:
    row: QpvValueRow
    uncertain: bool
    evolution: Evolution | None
    evolution_note: str


@dataclass(frozen=True)
class ScorecardRow:
    indicator: Indicator
    aggregate: Aggregate
    ranked_count: int
    qpvs: list[ScorecardQpv]
    evolution: Evolution | None
    evolution_note: str
    comparisons: list[Comparison] = field(default_factory=list)


@dataclass(frozen=True)
class Scorecard:
    contract: Contract
    qpv_codes: list[str]
    uncertain_codes: list[str]
    rows: list[ScorecardRow]
    consecutive_rule: str = CONSECUTIVE_RULE
    shared_rule: str = SHARED_RULE


def contract_scorecard(*, contract: Contract) -> Scorecard:
    """A fixed number of queries whatever the number of indicators, periods and QPV."""
    core, values = _core_set(contract)
    uncertain = set(core.uncertain_codes)
    tables = indicators_qpv_tables(
        indicators=[r.indicator for r in core.rows], qpvs=departement_qpv_labels()
    )
    rows = []
    for core_row in core.rows:
        indicator = core_row.indicator
        table = tables[indicator.pk]
        by_code: dict[str, list[IndicatorValue]] = {}
        for value in values.get(indicator.pk, []):
            by_code.setdefault(value.territory_code, []).append(value)
        qpvs = []
        for row in (r for r in table if r.code in core.qpv_codes):
            series = series_points(by_code.get(row.code, []))
            evolution, note = evolution_latest(territory_kind=TerritoryKind.QPV, series=series)
            qpvs.append(
                ScorecardQpv(
                    row=row,
                    uncertain=row.code in uncertain,
                    evolution=evolution,
                    evolution_note=note,
                )
            )
        evolution, note = contract_evolution(
            indicator=indicator, codes=core.qpv_codes, preloaded=values
        )
        rows.append(
            ScorecardRow(
                indicator=indicator,
                aggregate=core_row.aggregate,
                ranked_count=sum(1 for r in table if r.value is not None),
                qpvs=qpvs,
                evolution=evolution,
                evolution_note=note,
                comparisons=core_row.comparisons,
            )
        )
    return Scorecard(
        contract=contract,
        qpv_codes=core.qpv_codes,
        uncertain_codes=core.uncertain_codes,
        rows=rows,
    )
