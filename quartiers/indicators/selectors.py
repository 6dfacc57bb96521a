"""Read-side queries: indicator tables, ranks, and the core set of one QPV."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, Q

from quartiers.geography.models import QPV, Commune
from quartiers.indicators.aggregation import PeerValue, latest_periods, period_latest
from quartiers.indicators.models import Indicator, IndicatorValue, TerritoryKind
from quartiers.indicators.references import Outside, commune_outside, reference_gap_reason

DEFAULT_DEPARTEMENT = "59"


def departement_code() -> str:
    """KEY_FIGURES_DEPARTEMENT if set, else the département the app is set up for."""
    return getattr(
        settings, "KEY_FIGURES_DEPARTEMENT", getattr(settings, "DEPARTEMENT", DEFAULT_DEPARTEMENT)
    )


def departement_qpvs(*, code: str | None = None, contours: bool = False) -> dict[str, QPV]:
    """The département's QPV of the current generation, by code, with their communes (names
    for the tables). The outlines are loaded only with `contours` (maps): they weigh far
    more than the rest of the rows."""
    qpvs = QPV.objects.of_generation(settings.QPV_GENERATION).filter(
        departement_code=code or departement_code()
    )
    if not contours:
        qpvs = qpvs.defer("contour_wkb")
    communes = Prefetch("communes", queryset=Commune.objects.defer("contour_wkb"))
    return {q.code: q for q in qpvs.prefetch_related(communes)}


@dataclass(frozen=True, slots=True)
class QpvLabel:
    """What a table shows of a QPV besides its code."""

    name: str
    communes: str  # the names of its communes, « , »-joined


def departement_qpv_labels(*, code: str | None = None) -> dict[str, QpvLabel]:
    """`departement_qpvs()` as the tables show it (name, commune names), in two light queries:
    no model instances."""
    qpvs = QPV.objects.of_generation(settings.QPV_GENERATION).filter(
        departement_code=code or departement_code()
    )
    rows = list(qpvs.values_list("pk", "code", "name"))
    names: dict[int, list[str]] = {pk: [] for pk, _code, _name in rows}
    links = QPV.communes.through.objects.filter(qpv_id__in=list(names))
    for qpv_id, commune in links.order_by("commune__name").values_list("qpv_id", "commune__name"):
        names[qpv_id].append(commune)
    return {code: QpvLabel(name, ", ".join(names[pk])) for pk, code, name in rows}


def _qpv_labels(qpvs: dict[str, QPV]) -> dict[str, QpvLabel]:
    return {
        code: QpvLabel(qpv.name, ", ".join(c.name for c in qpv.communes.all()))
        for code, qpv in qpvs.items()
    }


def departement_qpv_codes() -> list[str]:
    """The codes of `departement_qpvs()`, in one light query."""
    qpvs = QPV.objects.of_generation(settings.QPV_GENERATION)
    return list(qpvs.filter(departement_code=departement_code()).values_list("code", flat=True))


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


def ranks_assign(values: dict[str, Decimal | None]) -> list[tuple[str, int | None]]:
    """(code, rank) sorted by value, highest first (secret and missing last, by code);
    competition ranking (1, 2, 2, 4)."""
    known = sorted(
        ((c, v) for c, v in values.items() if v is not None), key=lambda cv: (-cv[1], cv[0])
    )
    others = sorted(c for c, v in values.items() if v is None)
    ranked: list[tuple[str, int | None]] = []
    previous: tuple[Decimal, int | None] | None = None
    for position, (code, value) in enumerate(known, start=1):
        rank = previous[1] if previous and previous[0] == value else position
        ranked.append((code, rank))
        previous = (value, rank)
    return ranked + [(code, None) for code in others]


def indicator_qpv_table(
    *, indicator: Indicator, qpvs: dict[str, QPV], period: str | None = None
) -> list[QpvValueRow]:
    """One row per QPV of `qpvs` (a QPV without any value is listed as « sans valeur »)."""
    values = IndicatorValue.objects.filter(
        indicator=indicator, territory_kind=TerritoryKind.QPV, territory_code__in=list(qpvs)
    )
    period = period or period_latest(values.values_list("period", flat=True))
    by_code = {v.territory_code: v for v in values.filter(period=period)}
    return _table_rows(_qpv_labels(qpvs), by_code)


def indicators_qpv_tables(
    *, indicators: list[Indicator], qpvs: dict[str, QpvLabel]
) -> dict[int, list[QpvValueRow]]:
    """`indicator_qpv_table` (latest period) of several indicators in two queries: indicator
    id → its rows. `qpvs`: `departement_qpv_labels()` (or another set of QPV)."""
    latest = latest_periods(indicators=indicators, codes=set(qpvs))
    values = _peer_values(latest=latest, codes=set(qpvs))
    return {i.pk: _table_rows(qpvs, values.get(i.pk, {})) for i in indicators}


def _table_rows(
    qpvs: dict[str, QpvLabel], by_code: dict[str, IndicatorValue] | dict[str, PeerValue]
) -> list[QpvValueRow]:
    values = {code: by_code[code].value if code in by_code else None for code in qpvs}
    rows = []
    for code, rank in ranks_assign(values):
        value = by_code.get(code)
        rows.append(
            QpvValueRow(
                code=code,
                name=qpvs[code].name,
                communes=qpvs[code].communes,
                value=value.value if value else None,
                suppressed=bool(value and value.suppressed),
                source=value.source if value else "",
                vintage=value.vintage if value else "",
                period=value.period if value else "",
                rank=rank,
            )
        )
    return rows


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
    gaps: list[tuple[str, str]] = field(default_factory=list)  # (territory, why no value)
    outside: list[Outside] = field(default_factory=list)  # « commune hors QPV »

    @property
    def has_value(self) -> bool:
        return self.value is not None or self.suppressed


def qpv_core_indicators(*, qpv: QPV) -> list[QpvCoreIndicator]:
    """The core set for one QPV: value, rank among the département's QPV, reference values.

    A fixed number of queries whatever the size of the core set (the QPV page is one of the
    most visited): the periods, the values of the latest period of every core indicator for
    every peer QPV, and the reference territories' values, each in one query.
    """
    peers = set(
        QPV.objects.of_generation(settings.QPV_GENERATION)
        .filter(departement_code=qpv.departement_code)
        .values_list("code", flat=True)
    )
    peers.add(qpv.code)
    indicators = list(Indicator.objects.filter(core_set=True))
    if not indicators:
        return []
    latest = latest_periods(indicators=indicators, codes=peers)
    values = _peer_values(latest=latest, codes=peers)
    refs = _references(qpv)
    comparisons = _comparisons(indicators=indicators, refs=refs)
    communes = _commune_values(indicators=indicators, qpv=qpv)
    by_commune = _qpvs_by_commune(qpv=qpv)
    result = []
    for indicator in indicators:
        table = values.get(indicator.pk, {})
        own = table.get(qpv.code)
        known = [row.value for row in table.values() if row.value is not None]
        rank = None
        if own is not None and own.value is not None:
            # Competition ranking (1, 2, 2, 4): 1 + the number of strictly higher values.
            rank = 1 + sum(1 for v in known if v > own.value)
        result.append(
            QpvCoreIndicator(
                indicator=indicator,
                value=own.value if own else None,
                suppressed=bool(own and own.suppressed),
                rank=rank,
                ranked_count=len(known),
                source=own.source if own else "",
                vintage=own.vintage if own else "",
                period=own.period if own else "",
                comparisons=comparisons.get(indicator.pk, []),
                gaps=_gaps(indicator, refs, comparisons.get(indicator.pk, [])),
                outside=commune_outside(
                    indicator=indicator,
                    qpv=qpv,
                    commune_values=communes.get(indicator.pk, {}),
                    qpv_values=table,
                    qpvs_by_commune=by_commune,
                ),
            )
        )
    return result


def _gaps(
    indicator: Indicator, refs: list[tuple[str, str, str]], found: list[Comparison]
) -> list[tuple[str, str]]:
    shown = {c.label for c in found}
    return [
        (label, reference_gap_reason(indicator=indicator, kind=kind))
        for kind, _code, label in refs
        if label not in shown
    ]


def _commune_values(
    *, indicators: list[Indicator], qpv: QPV
) -> dict[int, dict[str, IndicatorValue]]:
    """Indicator id → commune code → its latest value, for the QPV's communes."""
    rows = IndicatorValue.objects.filter(
        indicator__in=indicators,
        territory_kind=TerritoryKind.COMMUNE,
        territory_code__in=[c.insee_code for c in qpv.communes.all()],
    )
    grouped: dict[int, dict[str, list[IndicatorValue]]] = {}
    for row in rows:
        grouped.setdefault(row.indicator_id, {}).setdefault(row.territory_code, []).append(row)
    return {
        pk: {code: _latest_row(found) for code, found in by_code.items()}
        for pk, by_code in grouped.items()
    }


def _latest_row(rows: list[IndicatorValue]) -> IndicatorValue:
    latest = period_latest(r.period for r in rows)
    return next(r for r in rows if r.period == latest)


def _qpvs_by_commune(*, qpv: QPV) -> dict[str, list[QPV]]:
    """Commune code → the QPV (current generation) lying at least partly in it."""
    codes = [c.insee_code for c in qpv.communes.all()]
    found: dict[str, list[QPV]] = {}
    for other in (
        QPV.objects.of_generation(qpv.generation).filter(communes__insee_code__in=codes).distinct()
    ):
        for code in other.commune_codes:
            if code in codes:
                found.setdefault(code, []).append(other)
    return found


def _peer_values(*, latest: dict[int, str], codes: set[str]) -> dict[int, dict[str, PeerValue]]:
    """Indicator id → QPV code → its value of the indicator's latest period."""
    if not latest:
        return {}
    by_period = Q()
    for indicator_id, period in latest.items():
        by_period |= Q(indicator_id=indicator_id, period=period)
    rows = IndicatorValue.objects.filter(
        by_period, territory_kind=TerritoryKind.QPV, territory_code__in=sorted(codes)
    ).values_list(
        "indicator_id", "territory_code", "period", "value", "suppressed", "source", "vintage"
    )
    values: dict[int, dict[str, PeerValue]] = {}
    for indicator_id, code, period, amount, suppressed, source, vintage in rows:
        values.setdefault(indicator_id, {})[code] = PeerValue(
            territory_code=code,
            period=period,
            value=amount,
            suppressed=suppressed,
            source=source,
            vintage=vintage,
        )
    return values


def _comparisons(
    *, indicators: list[Indicator], refs: list[tuple[str, str, str]]
) -> dict[int, list[Comparison]]:
    """`reference_comparisons` for several indicators in one query."""
    where = Q()
    for kind, code, _label in refs:
        where |= Q(territory_kind=kind, territory_code=code)
    rows = IndicatorValue.objects.filter(where, indicator__in=indicators)
    grouped: dict[tuple[int, str, str], list[IndicatorValue]] = {}
    for row in rows:
        grouped.setdefault((row.indicator_id, row.territory_kind, row.territory_code), []).append(
            row
        )
    out: dict[int, list[Comparison]] = {}
    for indicator in indicators:
        for kind, code, label in refs:
            found = grouped.get((indicator.pk, kind, code))
            if found:
                out.setdefault(indicator.pk, []).append(_comparison(label, found))
    return out


def _comparison(label: str, rows: list[IndicatorValue]) -> Comparison:
    row = _latest_row(rows)
    return Comparison(
        label=label,
        value=row.value,
        suppressed=row.suppressed,
        source=row.source,
        vintage=row.vintage,
        period=row.period,
    )


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
    return _comparisons(indicators=[indicator], refs=refs).get(indicator.pk, [])


def references_comparisons(
    *, indicators: list[Indicator], refs: list[tuple[str, str, str]]
) -> dict[int, list[Comparison]]:
    """`reference_comparisons` of several indicators in one query: indicator id → them."""
    return _comparisons(indicators=indicators, refs=refs)
