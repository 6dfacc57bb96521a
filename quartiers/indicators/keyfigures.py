"""The « chiffres clés » of the département: population in QPV, core set in QPV vs elsewhere.

Everything is computed from the database; the press kit's published figures are shown beside
ours with their source (see press_kit.py), never substituted for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, Sum

from quartiers.geography.models import QPV, Commune, Departement
from quartiers.indicators.aggregation import (
    RATIO,
    SUM,
    Aggregate,
    QpvValues,
    indicator_aggregate,
    period_latest,
    qpv_values_load,
)
from quartiers.indicators.models import Indicator, IndicatorValue, TerritoryKind
from quartiers.indicators.press_kit import PublishedFigure, press_kit_figure
from quartiers.indicators.references import reference_gap_reason
from quartiers.indicators.selectors import departement_code

POPULATION_CODE = "population_municipale"
COMMUNE_POPULATION_SOURCE = "Insee, populations municipales des communes (référentiel COG)"


@dataclass(frozen=True)
class Figure:
    label: str
    value: Decimal | None
    unit: str
    source: str
    vintage: str
    note: str = ""
    published: PublishedFigure | None = None

    @property
    def differs(self) -> bool:
        """True when the press kit gives another figure (more than 0.5 % apart)."""
        if self.published is None or self.value is None:
            return False
        return abs(self.value - self.published.value) > abs(self.published.value) / 200


@dataclass(frozen=True)
class CoreRow:
    indicator: Indicator
    qpv: Aggregate
    departement: IndicatorValue | None
    outside: Decimal | None
    outside_note: str
    france: IndicatorValue | None
    departement_gap: str = ""  # why no département value (« non disponible »)
    france_gap: str = ""


@dataclass(frozen=True)
class KeyFigures:
    departement_code: str
    departement: Departement | None
    qpv_count: int
    figures: list[Figure] = field(default_factory=list)
    core_rows: list[CoreRow] = field(default_factory=list)

    @property
    def press_kit(self) -> bool:
        """Whether a figure is set beside the press kit's (the Nord only)."""
        return any(f.published is not None for f in self.figures)

    def figure(self, label_start: str) -> Figure | None:
        return next((f for f in self.figures if f.label.startswith(label_start)), None)


def key_figures_compute(*, code: str | None = None) -> KeyFigures:
    code = code or departement_code()
    qpvs = sorted(
        QPV.objects.of_generation(settings.QPV_GENERATION)
        .filter(departement_code=code)
        .values_list("code", flat=True)
    )
    communes = Commune.objects.filter(departement__insee_code=code)
    dep_population = communes.aggregate(total=Sum("population"))["total"]
    dep_vintages = sorted(
        set(communes.exclude(population_vintage="").values_list("population_vintage", flat=True))
    )
    population = Indicator.objects.filter(code=POPULATION_CODE).first()
    qpv_population = (
        indicator_aggregate(indicator=population, qpv_codes=list(qpvs)) if population else None
    )
    figures = [
        Figure(
            label="Habitants des QPV (somme des populations des QPV)",
            value=qpv_population.value if qpv_population else None,
            unit="habitants",
            source=", ".join(qpv_population.sources) if qpv_population else "",
            vintage=", ".join(qpv_population.vintages) if qpv_population else "",
            note=qpv_population.note if qpv_population else "aucune valeur importée",
            published=press_kit_figure("qpv_population", departement=code),
        ),
        Figure(
            label="Population du département (somme des communes)",
            value=Decimal(dep_population) if dep_population else None,
            unit="habitants",
            source=COMMUNE_POPULATION_SOURCE if dep_population else "",
            vintage=", ".join(dep_vintages) or "non documenté",
        ),
    ]
    figures.append(_share(figures[0], figures[1], code=code))
    figures.append(
        Figure(
            label="Quartiers prioritaires",
            value=Decimal(len(qpvs)),
            unit="QPV",
            source="Référentiel des QPV importé",
            vintage="géographie 2024",
            published=press_kit_figure("qpv_count", departement=code),
        )
    )
    core = list(Indicator.objects.filter(core_set=True).select_related("numerator", "denominator"))
    # One query for every QPV value (indicators and their numerators / denominators) and one
    # for the département and France references, whatever the size of the core set.
    preloaded = qpv_values_load(
        indicators=[part for i in core for part in (i, i.numerator, i.denominator)], codes=qpvs
    )
    references = _references_load(indicators=core, code=code)
    rows = [_core_row(indicator, qpvs, code, preloaded, references) for indicator in core]
    return KeyFigures(
        departement_code=code,
        departement=Departement.objects.filter(insee_code=code).first(),
        qpv_count=len(qpvs),
        figures=figures,
        core_rows=rows,
    )


def _share(qpv: Figure, departement: Figure, *, code: str) -> Figure:
    value = None
    if qpv.value is not None and departement.value:
        value = qpv.value / departement.value * 100
    return Figure(
        label="Part des habitants du département vivant en QPV",
        value=value,
        unit="%",
        source=f"{qpv.source} ; {departement.source}",
        vintage=f"QPV : {qpv.vintage} ; communes : {departement.vintage}",
        note="Les deux populations n'ont pas forcément le même millésime.",
        published=press_kit_figure("qpv_population_share", departement=code),
    )


def _references_load(
    *, indicators: list[Indicator], code: str
) -> dict[tuple[int, str], list[IndicatorValue]]:
    """(indicator id, territory kind) → the values of the département `code` and of France."""
    rows = IndicatorValue.objects.filter(
        Q(territory_kind=TerritoryKind.DEPARTEMENT, territory_code=code)
        | Q(territory_kind=TerritoryKind.FRANCE, territory_code="FR"),
        indicator__in=indicators,
    )
    grouped: dict[tuple[int, str], list[IndicatorValue]] = {}
    for row in rows:
        grouped.setdefault((row.indicator_id, row.territory_kind), []).append(row)
    return grouped


def _reference(rows: list[IndicatorValue]) -> IndicatorValue | None:
    latest = period_latest(r.period for r in rows)
    return next((r for r in rows if r.period == latest), None)


def _core_row(
    indicator: Indicator,
    codes: list[str],
    code: str,
    preloaded: QpvValues,
    references: dict[tuple[int, str], list[IndicatorValue]],
) -> CoreRow:
    aggregate = indicator_aggregate(indicator=indicator, qpv_codes=codes, preloaded=preloaded)
    departement = _reference(references.get((indicator.pk, TerritoryKind.DEPARTEMENT), []))
    france = _reference(references.get((indicator.pk, TerritoryKind.FRANCE), []))
    outside, note = _outside(indicator, aggregate, departement)
    return CoreRow(
        indicator=indicator,
        qpv=aggregate,
        departement=departement,
        outside=outside,
        outside_note=note,
        france=france,
        departement_gap=reference_gap_reason(indicator=indicator, kind=TerritoryKind.DEPARTEMENT),
        france_gap=reference_gap_reason(indicator=indicator, kind=TerritoryKind.FRANCE),
    )


def _outside(
    indicator: Indicator, qpv: Aggregate, departement: IndicatorValue | None
) -> tuple[Decimal | None, str]:
    """Value outside QPV = département minus QPV, where the parts allow it."""
    if departement is None or departement.value is None:
        reason = reference_gap_reason(indicator=indicator, kind=TerritoryKind.DEPARTEMENT)
        return None, f"valeur hors QPV non disponible : {reason}"
    if qpv.value is None or qpv.partial or qpv.lower_bound:
        return None, "valeur hors QPV non calculable : valeur des QPV incomplète ou non agrégeable"
    caveat = ""
    if departement.period != qpv.period:
        caveat = (
            f" (périodes différentes : QPV « {qpv.period} », département "
            f"« {departement.period} » — ordre de grandeur)"
        )
    if qpv.method == SUM:
        return departement.value - qpv.value, "département moins QPV" + caveat
    if qpv.method == RATIO and departement.numerator and departement.denominator:
        rest = departement.denominator - qpv.denominator_total
        if rest > 0:
            value = (departement.numerator - qpv.numerator_total) / rest * indicator.scale
            return value, "recalculé : (numérateur − QPV) / (dénominateur − QPV)" + caveat
    return None, (
        "valeur hors QPV non calculable : numérateur et dénominateur du département "
        "nécessaires (colonnes numerator et denominator du modèle CSV long)"
    )
