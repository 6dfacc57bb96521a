"""Read-side queries: indicator tables, ranks, and the core set of one QPV."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from quartiers.geography.models import QPV
from quartiers.indicators.aggregation import period_latest
from quartiers.indicators.models import Indicator, IndicatorValue, TerritoryKind

DEFAULT_DEPARTEMENT = "59"


def departement_code() -> str:
    return getattr(settings, "KEY_FIGURES_DEPARTEMENT", DEFAULT_DEPARTEMENT)


def departement_qpvs(*, code: str | None = None) -> dict[str, QPV]:
    """The département's QPV of the current generation, by code."""
    qpvs = QPV.objects.of_generation(settings.QPV_GENERATION).filter(
        departement_code=code or departement_code()
    )
    return {q.code: q for q in qpvs.prefetch_related("communes")}


@dataclass(frozen=True)
class QpvValueRow:
    code: str
    name: str
    communes: str
    value: Decimal | None
    suppressed: bool
    source: str
    vintage: str
    period: str
    rank: int | None = None  # 1 = highest value; None under secrecy or without value


def ranks_assign(rows: list[QpvValueRow]) -> list[QpvValueRow]:
    """Sort by value, highest first (secret and missing last); competition ranking (1, 2, 2, 4)."""
    known = sorted((r for r in rows if r.value is not None), key=lambda r: (-r.value, r.code))
    others = sorted((r for r in rows if r.value is None), key=lambda r: r.code)
    ranked: list[QpvValueRow] = []
    for position, row in enumerate(known, start=1):
        previous = ranked[-1] if ranked else None
        rank = previous.rank if previous and previous.value == row.value else position
        ranked.append(_with_rank(row, rank))
    return ranked + others


def _with_rank(row: QpvValueRow, rank: int | None) -> QpvValueRow:
    return QpvValueRow(**{**row.__dict__, "rank": rank})


def indicator_qpv_table(
    *, indicator: Indicator, qpvs: dict[str, QPV], period: str | None = None
) -> list[QpvValueRow]:
    """One row per QPV of `qpvs` (a QPV without any value is listed as « sans valeur »)."""
    values = IndicatorValue.objects.filter(
        indicator=indicator, territory_kind=TerritoryKind.QPV, territory_code__in=list(qpvs)
    )
    period = period or period_latest(values.values_list("period", flat=True))
    by_code = {v.territory_code: v for v in values.filter(period=period)}
    rows = []
    for code, qpv in qpvs.items():
        value = by_code.get(code)
        rows.append(
            QpvValueRow(
                code=code,
                name=qpv.name,
                communes=", ".join(c.name for c in qpv.communes.all()),
                value=value.value if value else None,
                suppressed=bool(value and value.suppressed),
                source=value.source if value else "",
                vintage=value.vintage if value else "",
                period=value.period if value else "",
            )
        )
    return ranks_assign(rows)


@dataclass(frozen=True)
class Comparison:
    label: str  # e.g. « Commune de Douai »
    value: Decimal | None
    suppressed: bool
    source: str
    vintage: str
    period: str


@dataclass(frozen=True)
class QpvCoreIndicator:
    indicator: Indicator
    value: Decimal | None
    suppressed: bool
    rank: int | None
    ranked_count: int  # QPV of the département with a known value
    source: str
    vintage: str
    period: str
    comparisons: list[Comparison] = field(default_factory=list)

    @property
    def has_value(self) -> bool:
        return self.value is not None or self.suppressed


def qpv_core_indicators(*, qpv: QPV) -> list[QpvCoreIndicator]:
    """The core set for one QPV: value, rank among the département's QPV, reference values."""
    peers = departement_qpvs(code=qpv.departement_code) or {qpv.code: qpv}
    peers.setdefault(qpv.code, qpv)
    references = _references(qpv)
    result = []
    for indicator in Indicator.objects.filter(core_set=True):
        table = indicator_qpv_table(indicator=indicator, qpvs=peers)
        own = next(r for r in table if r.code == qpv.code)
        result.append(
            QpvCoreIndicator(
                indicator=indicator,
                value=own.value,
                suppressed=own.suppressed,
                rank=own.rank,
                ranked_count=sum(1 for r in table if r.value is not None),
                source=own.source,
                vintage=own.vintage,
                period=own.period,
                comparisons=reference_comparisons(indicator=indicator, refs=references),
            )
        )
    return result


def _references(qpv: QPV) -> list[tuple[str, str, str]]:
    """(kind, code, French label) of the territories a QPV is compared with."""
    refs = [
        (TerritoryKind.COMMUNE.value, c.insee_code, f"Commune : {c.name}")
        for c in qpv.communes.all()
    ]
    refs += [(TerritoryKind.EPCI.value, e.siren, f"EPCI : {e.name}") for e in qpv.epcis.all()]
    refs.append((TerritoryKind.DEPARTEMENT.value, qpv.departement_code, "Département"))
    refs.append((TerritoryKind.FRANCE.value, "FR", "France"))
    return refs


def reference_comparisons(
    *, indicator: Indicator, refs: list[tuple[str, str, str]]
) -> list[Comparison]:
    """The latest value of `indicator` for each (kind, code, label) territory that has one."""
    out = []
    for kind, code, label in refs:
        rows = list(
            IndicatorValue.objects.filter(
                indicator=indicator, territory_kind=kind, territory_code=code
            )
        )
        if not rows:
            continue
        latest = period_latest(r.period for r in rows)
        row = next(r for r in rows if r.period == latest)
        out.append(
            Comparison(
                label=label,
                value=row.value,
                suppressed=row.suppressed,
                source=row.source,
                vintage=row.vintage,
                period=row.period,
            )
        )
    return out
