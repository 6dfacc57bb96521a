"""Evaluation pages: a contract's scorecard (+ CSV) and the choropleth of an indicator."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from quartiers.contracts.models import Contract
from quartiers.core.datamemo import data_memo
from quartiers.indicators.chart_builders import contract_chart
from quartiers.indicators.choropleth import choropleth_compute, choropleth_document
from quartiers.indicators.contract_sets import Scorecard, contract_scorecard
from quartiers.indicators.exports import scorecard_csv
from quartiers.indicators.models import Indicator
from quartiers.shared.charts import Chart, chart_csv, chart_svg

GEOJSON = "application/geo+json; charset=utf-8"


def contract_scorecard_view(request: HttpRequest, code: str) -> HttpResponse:
    contract = get_object_or_404(Contract, code=code)
    scorecard, chart = data_memo(f"scorecard:{contract.pk}", lambda: _scorecard(contract))
    return render(
        request,
        "indicators/contract_scorecard.html",
        {
            "title": f"Tableau de bord — {contract.name}",
            "scorecard": scorecard,
            "chart": chart,
            "chart_svg": chart_svg(chart) if chart else "",
            "contract": contract,
            "breadcrumb": [
                ("Contrats", reverse("contracts:contract_list")),
                (contract.code, reverse("contracts:contract_detail", args=[contract.code])),
                ("Tableau de bord", None),
            ],
        },
    )


def _scorecard(contract: Contract) -> tuple[Scorecard, Chart | None]:
    scorecard = contract_scorecard(contract=contract)
    return scorecard, contract_chart(scorecard=scorecard) if scorecard.rows else None


def contract_scorecard_export(request: HttpRequest, code: str) -> HttpResponse:
    contract = get_object_or_404(Contract, code=code)
    response = HttpResponse(
        scorecard_csv(scorecard=contract_scorecard(contract=contract)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="tableau-de-bord-{contract.code}.csv"'
    return response


def choropleth_page(request: HttpRequest, code: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator, code=code)
    choropleth = choropleth_compute(indicator=indicator)
    return render(
        request,
        "indicators/choropleth.html",
        {
            "title": f"Carte — {indicator.label}",
            "indicator": indicator,
            "choropleth": choropleth,
            "geojson_url": reverse("indicators:choropleth_geojson", args=[indicator.code]),
            "breadcrumb": [
                ("Indicateurs", reverse("indicators:catalogue")),
                (indicator.label, reverse("indicators:indicator_detail", args=[indicator.code])),
                ("Carte", None),
            ],
        },
    )


def choropleth_geojson(request: HttpRequest, code: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator, code=code)
    document = choropleth_document(choropleth=choropleth_compute(indicator=indicator))
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, content_type=GEOJSON)


def contract_chart_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    contract = get_object_or_404(Contract, code=code)
    chart = contract_chart(scorecard=contract_scorecard(contract=contract))
    if fmt == "svg":
        body, content_type = chart_svg(chart), "image/svg+xml; charset=utf-8"
    else:
        body, content_type = chart_csv(chart), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{chart.slug}.{fmt}"'
    return response
