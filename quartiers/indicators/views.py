"""Pages: the catalogue, one page per indicator, the « chiffres clés »; SVG and CSV exports."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from quartiers.core.pagecache import public_page
from quartiers.indicators.aggregation import aggregation_method, indicator_aggregate
from quartiers.indicators.chart_builders import (
    indicator_chart,
    key_figures_charts,
    population_trends,
)
from quartiers.indicators.evaluation import CONSECUTIVE_RULE
from quartiers.indicators.exports import indicator_table_csv
from quartiers.indicators.keyfigures import key_figures_compute
from quartiers.indicators.models import Indicator
from quartiers.indicators.selectors import departement_qpvs, indicator_qpv_table
from quartiers.shared.charts import Chart, chart_csv, chart_svg
from quartiers.shared.sorting import SortColumn, sort_from


def _svg(chart: Chart) -> HttpResponse:
    response = HttpResponse(chart_svg(chart), content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{chart.slug}.svg"'
    return response


def _csv(chart: Chart) -> HttpResponse:
    response = HttpResponse(chart_csv(chart), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{chart.slug}.csv"'
    return response


def catalogue(request: HttpRequest) -> HttpResponse:
    indicators = Indicator.objects.select_related("numerator", "denominator")
    rows = [(i, aggregation_method(indicator=i)) for i in indicators]
    return render(
        request,
        "indicators/catalogue.html",
        {
            "title": "Catalogue des indicateurs",
            "rows": rows,
            "breadcrumb": [("Indicateurs", None)],
        },
    )


INDICATOR_SORT = (
    SortColumn("rang", value=lambda row: row.rank),
    SortColumn("qpv", value=lambda row: row.name),
    SortColumn("communes", value=lambda row: row.communes),
    SortColumn("valeur", value=lambda row: None if row.suppressed else row.value),
)


def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = get_object_or_404(
        Indicator.objects.select_related("numerator", "denominator"), code=code
    )
    qpvs = departement_qpvs()
    rows = indicator_qpv_table(indicator=indicator, qpvs=qpvs)
    chart = indicator_chart(indicator=indicator, rows=rows)
    sort = sort_from(request.GET, INDICATOR_SORT, default="rang", anchor="indicator-table")
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "title": indicator.label,
            "indicator": indicator,
            "rows": sort.rows(rows),
            "sort": sort,
            "ranked_count": sum(1 for r in rows if r.value is not None),
            "secret_count": sum(1 for r in rows if r.suppressed),
            "aggregate": indicator_aggregate(indicator=indicator, qpv_codes=list(qpvs)),
            "chart": chart,
            "chart_svg": chart_svg(chart),
            "consecutive_rule": CONSECUTIVE_RULE,
            "breadcrumb": [
                ("Indicateurs", reverse("indicators:catalogue")),
                (indicator.label, None),
            ],
        },
    )


def indicator_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator, code=code)
    rows = indicator_qpv_table(indicator=indicator, qpvs=departement_qpvs())
    if fmt == "svg":
        return _svg(indicator_chart(indicator=indicator, rows=rows))
    response = HttpResponse(
        indicator_table_csv(indicator=indicator, rows=rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="indicateur-{indicator.code}.csv"'
    return response


@public_page()
def key_figures(request: HttpRequest) -> HttpResponse:
    figures = key_figures_compute()
    charts = key_figures_charts(figures=figures)
    trends = population_trends(figures=figures)
    return render(
        request,
        "indicators/key_figures.html",
        {
            "title": "Chiffres clés",
            "kf": figures,
            "charts": [
                (chart, chart_svg(chart))
                for chart in charts.values()
                if not chart.slug.startswith("population-")
            ],
            "trends": [(trend, chart_svg(trend.chart)) for trend in trends],
            "breadcrumb": [("Chiffres clés", None)],
        },
    )


def key_figures_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    charts = key_figures_charts(figures=key_figures_compute())
    if slug not in charts:
        raise Http404("Graphique inconnu.")
    return _svg(charts[slug]) if fmt == "svg" else _csv(charts[slug])
