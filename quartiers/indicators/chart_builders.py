"""The charts of the key-figures and indicator pages, built from selectors' results."""

from __future__ import annotations

from dataclasses import dataclass

from quartiers.indicators.aggregation import indicator_aggregate, qpv_values_latest
from quartiers.indicators.contract_sets import Scorecard
from quartiers.indicators.evaluation import Evolution, evolution_compute, indicator_series
from quartiers.indicators.keyfigures import POPULATION_CODE, KeyFigures
from quartiers.indicators.models import Indicator, TerritoryKind
from quartiers.indicators.selectors import QpvValueRow, departement_qpv_codes
from quartiers.shared.charts import Bar, Chart

OURS = "Calcul sur les données importées"
PRESS = "Dossier de presse (mars 2024)"
SOCLE_LEGEND = ["Ensemble des QPV", "Département (valeur de référence)"]


def key_figures_charts(*, figures: KeyFigures) -> dict[str, Chart]:
    population, _, share = figures.figures[0], figures.figures[1], figures.figures[2]
    charts = {}
    for slug, title, figure, unit in (
        ("habitants-qpv", "Habitants des QPV", population, "habitants"),
        ("part-population-qpv", "Part des habitants du département vivant en QPV", share, "%"),
    ):
        bars = [Bar(label=OURS, value=figure.value, series=0)]
        sources = [figure.source]
        if figure.published is not None:
            bars.append(Bar(label=PRESS, value=figure.published.value, series=1))
            sources.append(f"{figure.published.source} ({figure.published.note})")
        charts[slug] = Chart(
            slug=slug,
            title=title,
            unit=unit,
            bars=bars,
            legend=[OURS, PRESS],
            source=" ; ".join(sources),
        )
    bars = []
    sources: set[str] = set()
    for row in figures.core_rows:
        if row.indicator.unit != "%":
            continue
        note = "" if row.qpv.value is not None else "non agrégeable"
        bars.append(
            Bar(
                label=f"{row.indicator.display_label} — QPV",
                value=row.qpv.value,
                series=0,
                note=note,
            )
        )
        sources.update(row.qpv.sources)
        if row.departement is not None:
            bars.append(
                Bar(
                    label=f"{row.indicator.display_label} — département",
                    value=row.departement.value,
                    series=1,
                    suppressed=row.departement.suppressed,
                )
            )
            sources.add(row.departement.source)
    charts["socle-taux"] = Chart(
        slug="socle-taux",
        title="Taux du socle d'indicateurs : ensemble des QPV et département",
        unit="%",
        bars=bars,
        legend=SOCLE_LEGEND[: 2 if any(bar.series for bar in bars) else 1],
        source=" ; ".join(sorted(sources)),
    )
    for trend in population_trends(figures=figures):
        charts[trend.chart.slug] = trend.chart
    return charts


@dataclass(frozen=True)
class Trend:
    chart: Chart
    evolution: Evolution | None  # first to last vintage (refused, with its reason, if need be)


def population_trends(*, figures: KeyFigures) -> list[Trend]:
    """Legal population by vintage of the département and of France, one bar per vintage."""
    indicator = Indicator.objects.filter(code=POPULATION_CODE).first()
    if indicator is None:
        return []
    name = figures.departement.name if figures.departement else figures.departement_code
    trends = []
    for slug, label, kind, code in (
        (
            "population-departement",
            f"Département : {name}",
            "departement",
            figures.departement_code,
        ),
        ("population-france", "France (métropole et DROM)", "france", "FR"),
    ):
        series = indicator_series(indicator=indicator, territory_kind=kind, territory_code=code)
        series = [p for p in series if p.year is not None]
        if not series:
            continue
        chart = Chart(
            slug=slug,
            title=f"Population municipale par millésime — {label}",
            unit="habitants",
            bars=[
                Bar(label=p.vintage, value=p.value, series=0, suppressed=p.suppressed)
                for p in series
            ],
            source=", ".join(sorted({p.source for p in series})),
        )
        evolution = None
        if len(series) > 1:
            evolution = evolution_compute(
                territory_kind=TerritoryKind(kind), start=series[0], end=series[-1]
            )
        trends.append(Trend(chart=chart, evolution=evolution))
    return trends


def indicator_chart(*, indicator: Indicator, rows: list[QpvValueRow]) -> Chart:
    sources = sorted({r.source for r in rows if r.source})
    return Chart(
        slug=f"indicateur-{indicator.code}",
        title=f"{indicator.label} par QPV",
        unit=indicator.unit if indicator.unit == "%" else "",
        bars=[
            Bar(label=f"{r.name or r.code} ({r.code})", value=r.value, suppressed=r.suppressed)
            for r in rows
        ],
        source=" ; ".join(sources),
    )


CONTRACT_LEGEND = ["QPV du contrat", "Ensemble des QPV du département"]
CONTRACT_SUFFIXES = ["contrat", "tous les QPV"]


def contract_chart(*, scorecard: Scorecard) -> Chart:
    """The contract's rates next to those of all the département's QPV (patterns, labels)."""
    codes = departement_qpv_codes()
    rates = [row.indicator for row in scorecard.rows if row.indicator.unit == "%"]
    latest, values = qpv_values_latest(indicators=rates, codes=codes) if rates else ({}, {})
    bars, sources = [], set()
    for row in scorecard.rows:
        if row.indicator.unit != "%":
            continue
        everyone = indicator_aggregate(
            indicator=row.indicator,
            qpv_codes=codes,
            period=latest.get(row.indicator.pk),
            preloaded=values,
        )
        for series, aggregate in enumerate((row.aggregate, everyone)):
            bars.append(
                Bar(
                    label=f"{row.indicator.display_label} — {CONTRACT_SUFFIXES[series]}",
                    value=aggregate.value,
                    series=series,
                    note="" if aggregate.value is not None else "non agrégeable",
                )
            )
            sources.update(aggregate.sources)
    return Chart(
        slug=f"contrat-{scorecard.contract.code}",
        title=f"Taux du socle : {scorecard.contract.name} et ensemble des QPV du département",
        unit="%",
        bars=bars,
        legend=CONTRACT_LEGEND,
        source=" ; ".join(sorted(sources)),
    )
